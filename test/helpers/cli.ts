// The one CLI harness: kafkaplane in this process (fast, what most tests want), or the `kafkaplane` binary as a child
// process (signals, exit codes, a process that must end by itself). Both capture stdout as text and as bytes.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.ts';
import type { Io } from '../../src/cli/output.ts';
import { type SpawnOptions, type SpawnResult, spawnWithTimeout } from './spawn.ts';

export interface CliResult {
  code: number;
  stdout: string;
  /** stdout as the bytes written (consume prints records byte for byte). */
  bytes: Buffer;
  stderr: string;
  /** Each write to stderr on its own: a diagnostic is whole lines, so every one ends with a newline. */
  stderrWrites: string[];
  ms: number;
}

export interface CliOptions {
  /** Io.quiet before the flags are read (errors raised while parsing); -q is the flag. */
  quiet?: boolean;
  /** Environment variables set for the run (KAFKAPLANE_STATE, …) and restored after it. */
  env?: Record<string, string>;
}

/** Runs `kafkaplane <args>` in this process, capturing what it prints. */
export async function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const out: Buffer[] = [];
  const err: string[] = [];
  const sink = (into: (chunk: Buffer) => void) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        into(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
        callback();
      },
    });
  const io: Io = { stdout: sink((c) => out.push(c)), stderr: sink((c) => err.push(c.toString('utf8'))), quiet: options.quiet ?? false, format: 'text' };
  const saved = { ...process.env };
  Object.assign(process.env, options.env ?? {});
  const started = Date.now();
  try {
    const code = await main(['node', 'kafkaplane', ...args], io);
    const bytes = Buffer.concat(out);
    return { code, stdout: bytes.toString('utf8'), bytes, stderr: err.join(''), stderrWrites: err, ms: Date.now() - started };
  } finally {
    if (options.env) process.env = saved;
  }
}

/** `kafkaplane <args> -o json`: must exit 0; returns the parsed output. */
export async function runCliJson<T>(args: readonly string[], options: CliOptions = {}): Promise<T> {
  const r = await runCli([...args, '-o', 'json'], options);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** bin/kafkaplane.js, as a user's shell runs it. */
export const CLI_BIN = fileURLToPath(new URL('../../bin/kafkaplane.js', import.meta.url));

/** Runs the kafkaplane binary as a child process (with this Node), killed after `timeoutMs` (default 120 s). */
export function spawnCli(args: readonly string[], options: SpawnOptions = {}): Promise<SpawnResult> {
  return spawnWithTimeout(process.execPath, [CLI_BIN, ...args], options);
}
