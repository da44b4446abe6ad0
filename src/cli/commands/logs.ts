import { open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { logFiles } from '../../local/locate.ts';
import { tailLines } from '../../local/processes.ts';
import { type Io, printJson } from '../output.ts';
import { type LocateFlags, locateOptions } from './status.ts';

export async function runLogs(flags: LocateFlags & { node?: number; tail: number; follow?: boolean }, io: Io): Promise<number> {
  const files = await logFiles({ ...(await locateOptions(flags)), ...(flags.node !== undefined ? { node: flags.node } : {}) });
  const prefix = (id: number) => (files.length > 1 ? `[node ${id}] ` : '');
  if (io.format === 'json') {
    printJson(io, await Promise.all(files.map(async (f) => ({ node: f.id, file: f.file, lines: await tailLines(f.file, flags.tail) }))));
    return 0;
  }
  const offsets = new Map<number, number>();
  for (const f of files) {
    for (const line of await tailLines(f.file, flags.tail)) io.stdout.write(`${prefix(f.id)}${line}\n`);
    offsets.set(f.id, await size(f.file));
  }
  if (!flags.follow) return 0;
  // Follow like tail -F: poll sizes, print what was appended, start over when a file rolls.
  let stop = false;
  process.once('SIGINT', () => (stop = true));
  while (!stop) {
    for (const f of files) {
      const current = await size(f.file);
      let from = offsets.get(f.id) ?? 0;
      if (current < from) from = 0;
      if (current > from) {
        const handle = await open(f.file, 'r');
        const buffer = Buffer.alloc(current - from);
        await handle.read(buffer, 0, buffer.length, from);
        await handle.close();
        for (const line of buffer.toString('utf8').split('\n').filter((l) => l !== '')) io.stdout.write(`${prefix(f.id)}${line}\n`);
      }
      offsets.set(f.id, current);
    }
    await sleep(250);
  }
  return 0;
}

async function size(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}
