// The one way tests run a process to completion (kcat, Kafka's own tools, the kafkaplane binary, python3): stdin
// from `input` (or none), stdout and stderr captured, and a deadline after which the process is killed — a test
// never hangs on a child.
import { type ChildProcess, spawn } from 'node:child_process';

export interface SpawnOptions {
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  input?: string | Buffer;
  /** Killed (SIGKILL) after this long; default 120 s. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Sees stderr as it grows (all of it so far), e.g. to interrupt a child at the right moment. */
  onStderr?: (text: string, child: ChildProcess) => void;
  /** Says what to do when the command cannot be started at all (not installed). */
  missing?: string;
}

export interface SpawnResult {
  /** The exit code; -1 when the process was ended by a signal. */
  code: number;
  signal: NodeJS.Signals | null;
  /** stdout as UTF-8, and as the bytes it was (binary records, kcat -J). */
  stdout: string;
  bytes: Buffer;
  stderr: string;
  /** The deadline killed it. */
  timedOut: boolean;
  ms: number;
}

export function spawnWithTimeout(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<SpawnResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(command, [...args], {
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      ...(options.env ? { env: options.env } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => {
      err.push(c);
      options.onStderr?.(Buffer.concat(err).toString('utf8'), child);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}${options.missing ? ` (${options.missing})` : ''}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const bytes = Buffer.concat(out);
      resolve({ code: code ?? -1, signal, stdout: bytes.toString('utf8'), bytes, stderr: Buffer.concat(err).toString('utf8'), timedOut, ms: Date.now() - started });
    });
    if (options.input !== undefined) {
      child.stdin!.on('error', () => undefined); // a child that exits without reading all of its input
      child.stdin!.end(options.input);
    }
  });
}
