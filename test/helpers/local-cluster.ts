import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { alive } from '../../src/local/processes.ts';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { down } from '../../src/local/down.ts';
import { type UpResult, up } from '../../src/local/up.ts';
import { parseSpec } from '../../src/api/load.ts';

export interface TestCluster {
  stateDir: string;
  /** The first client listener, as users connect. */
  bootstrap: string;
  result: UpResult;
  /** Stops the cluster and deletes its data. */
  stop(): Promise<void>;
}

const live = new Set<string>();

// If the test process dies, no JVM may outlive it: kill whatever pid files the live clusters left.
process.on('exit', () => {
  for (const stateDir of live) {
    try {
      for (const node of readdirSync(join(stateDir, 'nodes'))) {
        try {
          const { pid } = JSON.parse(readFileSync(join(stateDir, 'nodes', node, 'pid'), 'utf8')) as { pid: number };
          process.kill(pid, 'SIGKILL');
        } catch {
          // not running
        }
      }
      rmSync(stateDir, { recursive: true, force: true });
    } catch {
      // already gone
    }
  }
});

/**
 * Starts a real local cluster from spec YAML through the same code path as `kafkaplane up`, in a fresh temp state
 * dir, on a port range of its own so test files never collide.
 */
export async function startTestCluster(specYaml: string, options: { portBase: number; heap?: string; monitoring?: boolean; log?: (line: string) => void }): Promise<TestCluster> {
  const stateDir = await mkdtemp(join(tmpdir(), 'kafkaplane-test-'));
  live.add(stateDir);
  const spec = parseSpec(specYaml, 'test spec');
  const result = await up({
    spec,
    stateDir,
    portBase: options.portBase,
    heap: options.heap ?? '384m',
    ...(options.monitoring ? { monitoring: true } : {}),
    readyTimeoutMs: 180_000,
    onEvent: (e) => options.log?.(e.type === 'download' ? `download ${e.progress.doneFiles}/${e.progress.totalFiles}` : e.message),
  });
  return {
    stateDir,
    bootstrap: result.bootstrap,
    result,
    async stop() {
      await down({ stateDir, purge: true, graceMs: 20_000 });
      live.delete(stateDir);
    },
  };
}

export function clusterSpec(name: string, specBody: string): string {
  return `apiVersion: kafkaplane.io/v1alpha1\nkind: KafkaCluster\nmetadata:\n  name: ${name}\nspec:\n${specBody
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;
}

/**
 * The one test-cluster configuration: small internal topics and no rebalance delay, so JVMs on two cores form a
 * cluster and serve groups quickly. `extra` adds or overrides broker properties.
 */
export const FAST_CONFIG: Readonly<Record<string, string | number>> = {
  'num.partitions': 3,
  'group.initial.rebalance.delay.ms': 0,
  'offsets.topic.num.partitions': 5,
  'transaction.state.log.num.partitions': 5,
};

/** A KafkaCluster for tests: `specBody` (without `config:`) plus FAST_CONFIG and `extra` as its config. */
export function testClusterSpec(name: string, specBody: string, extra: Record<string, string | number> = {}): string {
  const config = Object.entries({ ...FAST_CONFIG, ...extra }).map(([k, v]) => `  ${k}: ${v}`);
  return clusterSpec(name, `${specBody === '' ? '' : `${specBody}\n`}config:\n${config.join('\n')}`);
}

/**
 * Fixed port bases, one per test file that starts a cluster (below Linux's ephemeral range, 32768-60999, where a
 * client socket could take a node's port). 9092-9094 are the quick start's; a new file takes a free base here.
 */
export const TEST_PORTS = {
  benchUp: 15092,
  benchExporter: 16092,
  bench: 17092,
  localCluster: 19092,
  localFailures: 20092,
  localSecurity: 21092,
  kafka39: 22092,
  /** local-kafka-latest.test.ts: the newest pinned Kafka release. */
  kafkaLatest: 10092,
  quickStart: 23092,
  /** quick-start.test.ts's interrupted `up` (quickStart + 1000). */
  quickStartInterrupt: 24092,
  dedicated: 25092,
  exporter: 26092,
  prometheus: 28092,
  reliability: 18092,
  adminTools: 29092,
  toolbox: 31092,
  cliKilled: 30092,
  operator: 27092,
  /** The console's browser test (test/integration/browser/); its HTTP ports are consoleHttp..consoleHttp+9. */
  console: 12092,
  consoleHttp: 12080,
} as const;

/** Live JVMs of a state directory's nodes: every node's command line carries -Dkafkaplane.node=<its dir>. */
export function nodeJvms(stateDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(`-Dkafkaplane.node=${stateDir}/`) && alive(Number(entry))) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}
