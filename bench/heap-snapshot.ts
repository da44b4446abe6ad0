// A heap snapshot of a running benchmarked process started with --heapsnapshot-signal=SIGUSR2: V8 writes
// Heap.<date>.<pid>.<n>.heapsnapshot into the process's working directory (here: the bench's own). Open it in
// Chromium's DevTools (Memory tab) or sum it by constructor.
import { readdirSync, statSync } from 'node:fs';

export const HEAP_SNAPSHOT_FLAG = '--heapsnapshot-signal=SIGUSR2';

/** Signals `pid`, waits until its snapshot file stops growing; the file name, or undefined if none came. */
export async function takeHeapSnapshot(pid: number, log: (m: string) => void): Promise<string | undefined> {
  const before = new Set(readdirSync('.'));
  const fresh = () => readdirSync('.').find((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 600 && !fresh(); i++) await new Promise((r) => setTimeout(r, 100));
  const file = fresh();
  // Written by the process's main thread; done when its size stops changing.
  for (let size = -1, i = 0; file && i < 300; i++) {
    await new Promise((r) => setTimeout(r, 1_000));
    const now = statSync(file).size;
    if (now === size) break;
    size = now;
  }
  log(`heap snapshot: ${file ?? 'none written'}`);
  return file;
}
