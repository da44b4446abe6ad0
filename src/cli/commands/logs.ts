import { open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { logFiles } from '../../local/locate.ts';
import { tailLines } from '../../local/processes.ts';
import { type LocateFlags, locateRequest } from '../locate.ts';
import { type Io, logLine } from '../output.ts';

export interface LogTail {
  node: number;
  file: string;
  lines: string[];
}

export interface LogsReport {
  files: LogTail[];
  /** -F: the lines were printed as they came (the text printer has nothing left to print). */
  followed: boolean;
}

/** `kafkaplane logs`: the last lines of each node's log; with -F (text output) it keeps printing new lines. */
export async function logs(flags: LocateFlags & { node?: number; tail: number; follow?: boolean }, io: Io): Promise<LogsReport> {
  const found = await logFiles({ ...(await locateRequest(flags)), ...(flags.node !== undefined ? { node: flags.node } : {}) });
  const files = await Promise.all(found.map(async (f) => ({ node: f.id, file: f.file, lines: await tailLines(f.file, flags.tail) })));
  if (!flags.follow || io.format === 'json') return { files, followed: false };
  const several = files.length > 1;
  const offsets = new Map<number, number>();
  for (const f of files) {
    for (const line of f.lines) io.stdout.write(logLine(f.node, line, several));
    offsets.set(f.node, await size(f.file));
  }
  // Follow like tail -F: poll sizes, print what was appended, start over when a file rolls.
  let stop = false;
  process.once('SIGINT', () => (stop = true));
  while (!stop) {
    for (const f of files) {
      const current = await size(f.file);
      let from = offsets.get(f.node) ?? 0;
      if (current < from) from = 0;
      if (current > from) {
        const handle = await open(f.file, 'r');
        const buffer = Buffer.alloc(current - from);
        await handle.read(buffer, 0, buffer.length, from);
        await handle.close();
        for (const line of buffer
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''))
          io.stdout.write(logLine(f.node, line, several));
      }
      offsets.set(f.node, current);
    }
    await sleep(250);
  }
  return { files, followed: true };
}

async function size(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}
