import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { KafkaplaneError } from '../errors.ts';
import type { Emit } from './events.ts';
import { type LocateOptions, locate, locateLayout } from './locate.ts';
import { runningPid, stopNode } from './node-process.ts';
import { quorumLossWatchdog } from './quorum-watchdog.ts';
import type { StateLayout } from './state.ts';

export interface DownOptions extends LocateOptions {
  purge?: boolean;
  graceMs?: number;
  onEvent?: Emit;
}

export interface DownResult {
  name: string;
  stateDir: string;
  /**
   * `killed` with reason `grace-period`: it outlasted the grace period; with `no-quorum`: it was waiting for a
   * controller quorum that had already shut down (quorum-watchdog.ts), so waiting longer would not have helped.
   */
  nodes: { id: number; result: 'stopped' | 'killed' | 'not-running'; reason?: 'grace-period' | 'no-quorum' }[];
  purged: boolean;
}

const DEFAULT_GRACE_MS = 30_000;

/**
 * Controlled shutdown. Every node with the broker role gets SIGTERM at once while the controllers are still up — a
 * broker's controlled shutdown needs an active controller, so stopping combined nodes one by one would leave the
 * last ones waiting for a quorum that is gone. Controller-only nodes stop after the brokers. SIGKILL after the grace
 * period, or sooner when the quorum-loss watchdog sees a node wait for a quorum that is gone. Its data is on disk
 * either way; the next start recovers its logs.
 *
 * With `purge`, a state directory whose cluster.json cannot be read is still cleaned up: whatever runs from its node
 * directories is stopped, then the directory is deleted (the way out that STATE_UNREADABLE names).
 */
export async function down(options: DownOptions): Promise<DownResult> {
  const located = await locate(options).catch(async (error: unknown) => {
    if (options.purge && error instanceof KafkaplaneError && (error.code === 'STATE_UNREADABLE' || error.code === 'STATE_SCHEMA')) return undefined;
    throw error;
  });
  if (!located) return purgeUnreadable(await locateLayout(options), options);
  const { layout, model } = located;
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const waves = [model.nodes.filter((n) => n.broker), model.nodes.filter((n) => !n.broker)];
  const results: DownResult['nodes'] = [];
  for (const wave of waves) {
    const running: { id: number; pid: number }[] = [];
    for (const node of wave) {
      const pid = await runningPid(layout, node.id);
      if (pid !== undefined) running.push({ id: node.id, pid });
    }
    if (running.length > 0) options.onEvent?.({ type: 'step', message: `stopping ${running.map((r) => `node ${r.id} (pid ${r.pid})`).join(', ')}` });
    const watchdog = quorumLossWatchdog(located, running, options.onEvent);
    const stopped = await Promise.all(wave.map(async (node) => ({ id: node.id, result: await stopNode(layout, node.id, graceMs) })));
    const noQuorum = watchdog.stop();
    results.push(
      ...stopped.map((r): DownResult['nodes'][number] => (noQuorum.has(r.id) ? { id: r.id, result: 'killed', reason: 'no-quorum' } : r.result === 'killed' ? { ...r, reason: 'grace-period' } : r)),
    );
  }
  results.sort((a, b) => a.id - b.id);
  if (options.purge) await purge(layout, options.onEvent);
  return { name: located.state.name, stateDir: layout.dir, nodes: results, purged: options.purge ?? false };
}

/** A state directory whose state cannot be read: stop every node process found in it, then delete it. */
async function purgeUnreadable(layout: StateLayout, options: DownOptions): Promise<DownResult> {
  const ids = await readdir(join(layout.dir, 'nodes')).then(
    (names) => names.map(Number).filter((n) => Number.isInteger(n) && n >= 0),
    () => [],
  );
  const results: DownResult['nodes'] = [];
  for (const id of ids.sort((a, b) => a - b)) {
    const pid = await runningPid(layout, id);
    if (pid !== undefined) options.onEvent?.({ type: 'step', message: `stopping node ${id} (pid ${pid})` });
    const result = await stopNode(layout, id, Math.min(options.graceMs ?? DEFAULT_GRACE_MS, 10_000));
    results.push(result === 'killed' ? { id, result, reason: 'grace-period' } : { id, result });
  }
  await purge(layout, options.onEvent);
  return { name: layout.dir.split('/').at(-1) ?? layout.dir, stateDir: layout.dir, nodes: results, purged: true };
}

async function purge(layout: StateLayout, emit: Emit | undefined): Promise<void> {
  if (!existsSync(layout.stateFile)) throw new KafkaplaneError('NOT_A_STATE_DIR', `${layout.dir} does not look like a kafkaplane state directory; not deleting it`);
  emit?.({ type: 'step', message: `deleting ${layout.dir}` });
  await rm(layout.dir, { recursive: true, force: true });
}
