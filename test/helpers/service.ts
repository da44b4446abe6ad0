// A long-running kafkaplane process for tests (the exporter, the console, the operator): started from the real
// binary, waited for until it says where it listens, and always stopped (SIGTERM, then SIGKILL) when the test ends.
import { type ChildProcess, spawn } from 'node:child_process';
import { CLI_BIN } from './cli.ts';

export interface Service {
  child: ChildProcess;
  /** What it printed on stderr so far. */
  stderr(): string;
  stop(): Promise<number | null>;
}

/** Starts `kafkaplane <args>` and resolves once `ready` matches its stderr (its value is the match). */
export async function startService(args: readonly string[], ready: RegExp, options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<{ service: Service; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const service: Service = {
    child,
    stderr: () => err,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const match = ready.exec(err);
    if (match) return { service, match };
    if (child.exitCode !== null || Date.now() > deadline) {
      await service.stop();
      throw new Error(`kafkaplane ${args.join(' ')} did not become ready (exit ${child.exitCode}):\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** GET over HTTP: status, headers and body. */
export async function httpGet(url: string, timeoutMs = 10_000): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: await response.text(), ms: performance.now() - started };
}

/** The value of one Prometheus sample (`name{labels}`), or undefined. Labels are matched exactly, in any order. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    if (Object.keys(have).length !== Object.keys(labels).length) continue;
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}
