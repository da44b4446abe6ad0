// Turns the command table (commands.ts) into a commander program: every command is wired the same way — set the
// output format, load the command, run it, print its result, report its exit code.
import { readFileSync } from 'node:fs';
import { Argument, Command, Option } from 'commander';
import { KafkaplaneError } from '../errors.ts';
import { COMMANDS, COMMAND_GROUPS } from './commands.ts';
import type { CommandDeclaration, OptionSpec, Printer } from './declare.ts';
import { type Io, printJson } from './output.ts';

/** kafkaplane's version, from package.json (src/cli and dist/cli are both two levels below it). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

function toOption(spec: OptionSpec): Option {
  const o = new Option(spec.flags, spec.description);
  if (spec.parse) o.argParser(spec.parse as (value: string, previous: unknown) => unknown);
  if (spec.default !== undefined) o.default(spec.default);
  if (spec.choices) o.choices(spec.choices);
  if (spec.required) o.makeOptionMandatory();
  if (spec.hidden) o.hideHelp();
  return o;
}

/**
 * Sets the output format and --quiet; returns `-o` values that are not output formats. kcat users type
 * `consume -o beginning`; kcat's offsets (beginning, end, stored, N, -N, s@…, e@…) and the formats (text, json)
 * never overlap, so `consume` takes them as kcat does (`kcatOffsets`); every other command refuses them.
 */
function applyGlobals(io: Io, cmd: Command, kcatOffsets: boolean): string[] {
  const opts = cmd.optsWithGlobals() as { output?: string[]; quiet: boolean };
  const values = opts.output ?? [];
  const others = values.filter((v) => v !== 'text' && v !== 'json');
  if (others.length > 0 && !kcatOffsets) {
    throw new KafkaplaneError('BAD_OUTPUT', `-o/--output "${others[0]}": the output format is text or json`, { hint: 'e.g. -o json' });
  }
  io.format = values.filter((v): v is 'text' | 'json' => v === 'text' || v === 'json').at(-1) ?? 'text';
  io.quiet = opts.quiet;
  return others;
}

/** Prints a result: JSON or text, then what comes after in both; returns the exit code it means. */
export function printResult<R>(printer: Printer<R>, result: R, io: Io): number {
  if (io.format === 'json') {
    const value = printer.json ? printer.json(result, io) : result;
    if (value !== undefined) printJson(io, value);
  } else printer.text(result, io);
  printer.after?.(result, io);
  const failure = printer.failure?.(result);
  if (failure) throw failure;
  return printer.exitCode?.(result) ?? 0;
}

function wire(cmd: Command, declaration: CommandDeclaration<unknown, unknown>, io: Io, setExit: (code: number) => void): void {
  const args = declaration.args ?? [];
  for (const a of args) {
    const argument = new Argument(a.name, a.description);
    if (a.parse) argument.argParser(a.parse);
    cmd.addArgument(argument);
  }
  for (const o of declaration.options) cmd.addOption(toOption(o));
  cmd.action(async (...params: unknown[]) => {
    const self = params.at(-1) as Command;
    const outputOffsets = applyGlobals(io, self, declaration.kcatOffsets === true);
    const input: Record<string, unknown> = { ...self.opts() };
    args.forEach((a, i) => {
      if (params[i] !== undefined) input[a.key] = params[i];
    });
    if (outputOffsets.length > 0) input.outputOffsets = outputOffsets;
    const [run, printer] = await Promise.all([declaration.run(), declaration.printer()]);
    setExit(printResult(printer, await run(input, io), io));
  });
}

/** The whole CLI: every command of the table under its words, the global -o and -q. */
export function buildProgram(io: Io, setExit: (code: number) => void, commands: readonly CommandDeclaration<unknown, unknown>[] = COMMANDS): Command {
  const program = new Command('kafkaplane')
    .description('Apache Kafka on Kubernetes, done right: a real local KRaft cluster, manifests, an operator and a toolbox from one spec')
    .version(packageVersion())
    // Collected rather than `.choices()`: `consume` also takes kcat's `-o <offset>` (see applyGlobals).
    .addOption(
      new Option('-o, --output <format>', "output format: text (default) or json; consume also takes kcat's -o offsets (beginning, end, N, -N, s@TIME, e@TIME)").argParser(
        (value: string, previous: unknown) => [...(Array.isArray(previous) ? (previous as string[]) : []), value],
      ),
    )
    .option('-q, --quiet', 'no progress output', false)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();
  const parents = new Map<string, Command>();
  for (const declaration of commands) {
    const words = declaration.name.split(' ');
    let parent = program;
    for (const word of words.slice(0, -1)) {
      let group = parents.get(word);
      if (!group) {
        group = parent.command(word).description(COMMAND_GROUPS[word] ?? '');
        parents.set(word, group);
      }
      parent = group;
    }
    wire(parent.command(words.at(-1)!).description(declaration.description), declaration, io, setExit);
  }
  return program;
}
