import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { Emit } from './events.ts';
import type { LocalCluster } from './local-cluster.ts';
import { alive, frozen } from './processes.ts';

/** How long fewer than a majority of the controllers may be alive before a waiting broker is killed. */
const QUORUM_LOSS_GRACE_MS = 3_000;
const POLL_MS = 250;

/**
 * While a wave of nodes shuts down: once fewer than a majority of the controllers are alive for 3 s, a node of the
 * wave whose broker has not finished shutting down can never get its controlled shutdown approved (Kafka would wait
 * five minutes in BrokerServer.shutdown); SIGKILL it. A node whose broker did finish (Kafka logs
 * "[BrokerServer id=N] shut down completed") is only stopping its own controller, which takes a few seconds without
 * peers (the Raft client's graceful shutdown), and is left alone. `stop()` returns the ids it killed.
 * See docs/design/quorum-loss-watchdog.md.
 */
export function quorumLossWatchdog(local: LocalCluster, wave: readonly { id: number; pid: number }[], emit?: Emit): { stop(): Set<number> } {
  const killed = new Set<number>();
  // Where each node's log ended when the wave began: what the shutdown logged comes after.
  const logStart = new Map(wave.map((w) => [w.id, fileSize(local.layout.logFile(w.id))]));
  const brokerDone = (id: number) => readFrom(local.layout.logFile(id), logStart.get(id) ?? 0).includes(`[BrokerServer id=${id}] shut down completed`);
  const controllerIds = local.model.nodes.filter((n) => n.controller).map((n) => n.id);
  const majority = Math.floor(controllerIds.length / 2) + 1;
  const brokerIds = new Set(local.model.nodes.filter((n) => n.broker).map((n) => n.id));
  let lostSince: number | undefined;
  const timer = setInterval(() => {
    const controllersAlive = controllerIds.filter((id) => {
      const own = wave.find((w) => w.id === id);
      // A frozen controller (SIGSTOP, a debugger) votes for nobody: it counts as gone.
      return own ? alive(own.pid) && !frozen(own.pid) : existsSync(local.layout.pidFile(id));
    }).length;
    // Only a broker waits for an approval; a controller-only node stops on its own.
    const waiting = wave.filter((w) => brokerIds.has(w.id) && alive(w.pid) && !killed.has(w.id));
    if (controllersAlive >= majority || waiting.length === 0) {
      lostSince = undefined;
      return;
    }
    lostSince ??= Date.now();
    if (Date.now() - lostSince < QUORUM_LOSS_GRACE_MS) return;
    for (const w of waiting.filter((x) => !brokerDone(x.id))) {
      emit?.({
        type: 'step',
        message: `node ${w.id} (pid ${w.pid}) waits for a controller quorum that has shut down (${controllersAlive} of ${controllerIds.length} controllers left): killing it; its logs are recovered at the next start`,
      });
      killed.add(w.id);
      try {
        process.kill(w.pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }, POLL_MS);
  return {
    stop() {
      clearInterval(timer);
      return killed;
    },
  };
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The text of `file` from byte `offset` on ('' when it is missing). */
function readFrom(file: string, offset: number): string {
  try {
    const fd = openSync(file, 'r');
    try {
      const length = Math.max(0, fstatSync(fd).size - offset);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, offset);
      return buffer.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}
