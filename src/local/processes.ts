import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PidRecord {
  pid: number;
  /** A string that appears in the process's command line, so a recycled pid is never mistaken for our JVM. */
  marker: string;
}

/**
 * Starts a long-lived process detached from this one (it outlives `kafkaplane up`), its stdout and stderr appended
 * to `outputFile`, and records its pid.
 */
export async function startDetached(options: { command: string; args: string[]; outputFile: string; pidFile: string; marker: string; cwd: string; env?: NodeJS.ProcessEnv }): Promise<number> {
  await mkdir(dirname(options.outputFile), { recursive: true });
  const out = openSync(options.outputFile, 'a');
  try {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', out, out],
      env: options.env ?? process.env,
    });
    const pid = await new Promise<number>((resolvePid, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolvePid(child.pid!));
    });
    child.unref();
    const record: PidRecord = { pid, marker: options.marker };
    await writeFile(options.pidFile, `${JSON.stringify(record)}\n`);
    return pid;
  } finally {
    closeSync(out);
  }
}

export async function readPid(pidFile: string): Promise<PidRecord | undefined> {
  if (!existsSync(pidFile)) return undefined;
  try {
    return JSON.parse(await readFile(pidFile, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

/** True when `pid` is alive and is the process we started (its command line carries our marker). */
export async function isOurProcess(record: PidRecord): Promise<boolean> {
  try {
    process.kill(record.pid, 0);
  } catch {
    return false;
  }
  const cmdline = await commandLine(record.pid);
  return cmdline === undefined || cmdline.includes(record.marker);
}

export async function commandLine(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ').trim();
  } catch {
    return undefined;
  }
}

/** Sends SIGTERM (Kafka's controlled shutdown), waits up to `graceMs`, then SIGKILL. Resolves once it is gone. */
export async function stopProcess(record: PidRecord, graceMs: number): Promise<'stopped' | 'killed' | 'not-running'> {
  if (!(await isOurProcess(record))) return 'not-running';
  signal(record.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!alive(record.pid)) return 'stopped';
    await sleep(100);
  }
  signal(record.pid, 'SIGKILL');
  for (let i = 0; i < 50 && alive(record.pid); i++) await sleep(100);
  return 'killed';
}

function signal(pid: number, name: NodeJS.Signals) {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (exited, not yet reaped by its parent) still answers kill(0); /proc/<pid>/stat shows state Z.
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return true;
  }
}

/**
 * Stopped by a signal (SIGSTOP, state T) or a tracer (t) in /proc/<pid>/stat: the process exists and its ports still
 * accept connections, yet nothing in it runs. Linux only; elsewhere false.
 */
export function frozen(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'T' || state === 't';
}

export async function removePidFile(pidFile: string): Promise<void> {
  await rm(pidFile, { force: true });
}

/** Resolves true when nothing listens on host:port (we can bind it ourselves). */
export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolveFree(true)));
  });
}

export interface PortHolder {
  pid: number;
  command: string;
}

/** Which process listens on a TCP port (Linux /proc; undefined elsewhere or when not allowed to see it). */
export async function portHolder(port: number): Promise<PortHolder | undefined> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      const state = cols[3];
      if (!local || state !== '0A') continue; // 0A = LISTEN
      if (parseInt(local.split(':')[1] ?? '', 16) === port && cols[9]) inodes.add(cols[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const link = await readlink(`/proc/${pid}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
        if (inode && inodes.has(inode)) {
          const command = (await commandLine(Number(pid))) ?? '?';
          return { pid: Number(pid), command: command.length > 120 ? `${command.slice(0, 117)}...` : command };
        }
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return undefined;
}

/** The last `count` lines of a file (for error messages that point at a log). */
export async function tailLines(file: string, count: number): Promise<string[]> {
  try {
    const text = await readFile(file, 'utf8');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-count);
  } catch {
    return [];
  }
}
