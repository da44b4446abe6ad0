import { main } from '../../src/cli/main.ts';
import type { Io } from '../../src/cli/output.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process, as `kafkaplane <args>`, capturing what it prints. */
export async function runCli(args: readonly string[], options: { quiet?: boolean } = {}): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { stdout: { write: (s: string) => out.push(s) } as never, stderr: { write: (s: string) => err.push(s) } as never, quiet: options.quiet ?? false, format: 'text' };
  const code = await main(['node', 'kafkaplane', ...args], io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}
