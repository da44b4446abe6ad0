import { CommanderError } from 'commander';
import { KafkaplaneError, ProblemsError } from '../errors.ts';
import { cliHint } from './hints.ts';
import { type Io, printJson, writeStderrLine } from './output.ts';
import { buildProgram } from './program.ts';

/**
 * Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 usage or invalid spec. Expected failures
 * (KafkaplaneError) print their message and hint without a stack — and as `{error}` with -o json; anything else is a
 * bug and prints its stack.
 */
export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr, quiet: false, format: 'text' }): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return 2;
    }
    if (error instanceof KafkaplaneError) {
      const hint = cliHint(error.hint);
      if (io.format === 'json') {
        printJson(io, { error: { code: error.code, message: error.message, hint: hint ?? null, retriable: error.retriable, ...(error instanceof ProblemsError ? { problems: error.problems } : {}) } });
      }
      writeStderrLine(io, `error: ${error.message}`);
      if (hint) writeStderrLine(io, `hint: ${hint}`);
      return error.exitCode;
    }
    writeStderrLine(io, `kafkaplane hit a bug: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    writeStderrLine(io, 'please report it with the command you ran');
    return 1;
  }
}
