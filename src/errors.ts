/**
 * One error type for every expected failure. The CLI prints `message` (and `hint`) without a stack and exits with
 * `exitCode`; anything that is not a KafkaplaneError is a bug and is printed with its stack.
 */
export class KafkaplaneError extends Error {
  readonly code: string;
  readonly exitCode: number;
  readonly hint: string | undefined;
  readonly details: unknown;

  constructor(
    code: string,
    message: string,
    options: { hint?: string; exitCode?: number; cause?: unknown; details?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KafkaplaneError';
    this.code = code;
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint;
    this.details = options.details;
  }
}

/** Bad input from the user (a spec, a flag): exit code 2, like a usage error. */
export class SpecError extends KafkaplaneError {
  readonly problems: readonly SpecProblem[];

  constructor(source: string, problems: readonly SpecProblem[]) {
    const lines: string[] = [];
    let document: string | undefined;
    for (const p of problems) {
      if (p.document !== undefined && p.document !== document) lines.push(`  ${p.document}:`);
      document = p.document;
      const indent = p.document === undefined ? '  ' : '    ';
      const where = p.line === undefined ? '' : ` (line ${p.line})`;
      lines.push(`${indent}${p.path === '' ? '(document)' : p.path}${where}: ${p.message}`);
    }
    super('INVALID_SPEC', `${source} is not a valid kafkaplane spec (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, {
      exitCode: 2,
      details: problems,
    });
    this.name = 'SpecError';
    this.problems = problems;
  }
}

export interface SpecProblem {
  /** Where the problem is, as a user would write it: `spec.nodePools[1].roles[0]`. */
  path: string;
  message: string;
  /** 1-based line in the source file, when known. */
  line?: number;
  /** Which document of a multi-document file, e.g. `KafkaCluster "demo" (document 1)`. */
  document?: string;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
