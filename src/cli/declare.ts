// The shape of a command declaration (src/cli/commands.ts) and of a printer (src/cli/print/): a command is data —
// its words, flags and two lazy loaders — and program.ts turns every declaration into a commander command the same
// way. See src/cli/README.md.
import { dnsLabel } from '../api/common.ts';
import { InvalidArgumentError } from 'commander';
import type { KafkaplaneError } from '../errors.ts';
import type { Io } from './output.ts';

/** One flag: commander's flags syntax ('-f, --file <file>'), its help, and how its value is read. */
export interface OptionSpec {
  flags: string;
  description?: string;
  /** Turns the text into the value (and accumulates repeated flags); throw InvalidArgumentError for bad input. */
  parse?: (value: string, previous: never) => unknown;
  default?: unknown;
  required?: boolean;
  hidden?: boolean;
  choices?: readonly string[];
}

/** One positional argument ('<topic>', '[groups...]'), handed to the command as input[key]. */
export interface ArgSpec {
  name: string;
  description: string;
  key: string;
  parse?: (value: string) => unknown;
}

/** How a command's result becomes output. The command itself only returns data (streaming commands excepted). */
export interface Printer<R> {
  /** Text output: stdout for data, stderr lines (writeStderrLine/writeNote) for diagnostics. */
  text(result: R, io: Io): void;
  /** What `-o json` prints (default: the result itself); undefined prints nothing (the command streamed its JSON). */
  json?(result: R, io: Io): unknown;
  /** Stderr lines after the output, in both formats (a summary such as "committed 3 offsets"). */
  after?(result: R, io: Io): void;
  /** The exit code the result means (default 0): status is 1 when the cluster is not healthy, doctor its worst finding. */
  exitCode?(result: R): number;
  /** An expected failure reported after the output (metadata -t of a missing topic prints what it found, then fails). */
  failure?(result: R): KafkaplaneError | undefined;
}

export interface CommandDeclaration<I, R> {
  /** The words a user types: 'up', 'topics list', 'perf consume'. */
  name: string;
  description: string;
  args?: readonly ArgSpec[];
  options: readonly OptionSpec[];
  /** `consume` also takes kcat's offsets through -o (`-o beginning`): they arrive as input.outputOffsets. */
  kcatOffsets?: boolean;
  /** The command: one async function that returns data. Loaded only when the command runs. */
  run: () => Promise<(input: I, io: Io) => Promise<R>>;
  printer: () => Promise<Printer<R>>;
}

/** Declares a command; ties the loaded function's result type to its printer's. */
export function command<I, R>(declaration: CommandDeclaration<I, R>): CommandDeclaration<any, any> {
  return declaration;
}

export const option = (flags: string, description?: string, more: Omit<OptionSpec, 'flags' | 'description'> = {}): OptionSpec => ({
  flags,
  ...(description !== undefined ? { description } : {}),
  ...more,
});

/** A whole number in [min, max]; commander reports the message as a usage error (exit 2). */
export function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
}

/** A Kubernetes namespace (an RFC 1123 label, as the apiserver requires): refused here, not after objects were printed. */
export function namespaceName(name: string) {
  return (value: string): string => {
    if (!dnsLabel(63).safeParse(value).success)
      throw new InvalidArgumentError(`${name} "${value}" is not a Kubernetes namespace name: lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63`);
    return value;
  };
}

/** A repeatable flag: every value, in order. */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** A repeatable whole-number flag. */
export const collectIntegers =
  (name: string, min: number, max: number) =>
  (value: string, previous: number[] | undefined): number[] => [...(previous ?? []), integer(name, min, max)(value)];
