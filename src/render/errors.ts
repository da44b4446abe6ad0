import { KafkaplaneError, type SpecProblem } from '../errors.ts';

/**
 * A valid spec that cannot be turned into the requested output (a nodeport listener without ports, a Strimzi-reserved
 * port, …). Like SpecError it lists every problem with its spec path, and nothing is written: renderers build all
 * output in memory and only the CLI writes files, after rendering succeeded.
 */
export class RenderError extends KafkaplaneError {
  readonly problems: readonly SpecProblem[];

  constructor(source: string, what: string, problems: readonly SpecProblem[]) {
    const lines: string[] = [];
    let document: string | undefined;
    for (const p of problems) {
      if (p.document !== undefined && p.document !== document) lines.push(`  ${p.document}:`);
      document = p.document;
      lines.push(`${p.document === undefined ? '  ' : '    '}${p.path === '' ? '(document)' : p.path}: ${p.message}`);
    }
    super('CANNOT_RENDER', `${source} cannot be rendered as ${what} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, {
      exitCode: 2,
      details: problems,
      hint: 'fix the fields named above in the spec; nothing was written',
    });
    this.name = 'RenderError';
    this.problems = problems;
  }
}
