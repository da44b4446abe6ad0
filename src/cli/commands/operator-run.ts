import { hostname } from 'node:os';
import { KafkaplaneError } from '../../errors.ts';
import { operatorControllers } from '../../operator/controllers/index.ts';
import { healthApp, startHealthServer } from '../../operator/health.ts';
import { kafkaConnectionResolver, parseBootstrapOverrides } from '../../operator/kafka-connection.ts';
import { kubeClient } from '../../operator/kubeconfig.ts';
import { Manager } from '../../operator/manager.ts';
import type { Io } from '../output.ts';

export interface OperatorRunFlags {
  namespace?: string;
  allNamespaces?: boolean;
  kubeconfig?: string;
  kafkaBootstrap?: string[];
  topicDeletion?: 'delete' | 'keep';
  healthPort?: number;
  healthAddress?: string;
  leaderElect?: boolean;
  leaseNamespace?: string;
  leaseDuration?: number;
}

export interface OperatorRunReport {
  namespace: string | null;
  reconciles: number;
  health: string | null;
}

/**
 * `kafkaplane operator run`: the KafkaTopic and KafkaUser controllers (and KafkaCluster's once it lands) until
 * SIGTERM/SIGINT. Logs are JSON lines on stderr.
 */
export async function operatorRun(flags: OperatorRunFlags, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<OperatorRunReport> {
  if (flags.namespace !== undefined && flags.allNamespaces) throw new KafkaplaneError('BAD_FLAGS', '--namespace and --all-namespaces exclude each other');
  const namespace = flags.allNamespaces ? undefined : (flags.namespace ?? env.POD_NAMESPACE ?? 'default');
  const overrides = parseBootstrapOverrides(flags.kafkaBootstrap ?? []);
  const client = await kubeClient(flags.kubeconfig);
  const leaseNamespace = flags.leaseNamespace ?? env.POD_NAMESPACE ?? namespace ?? 'default';
  const manager = new Manager({
    client,
    controllers: operatorControllers({ topic: { deletion: flags.topicDeletion ?? 'delete' } }),
    namespace,
    kafka: kafkaConnectionResolver(overrides),
    writeLog: (line) => io.stderr.write(`${line}\n`),
    ...(flags.leaderElect === false
      ? {}
      : {
          leaderElection: {
            namespace: leaseNamespace,
            name: 'kafkaplane-operator',
            identity: `${env.HOSTNAME ?? hostname()}-${process.pid}`,
            leaseMs: (flags.leaseDuration ?? 15) * 1000,
            retryMs: Math.max(500, ((flags.leaseDuration ?? 15) * 1000) / 5),
          },
        }),
  });
  let health: string | null = null;
  let server: Awaited<ReturnType<typeof startHealthServer>>['server'] | undefined;
  if (flags.healthPort !== undefined && flags.healthPort >= 0) {
    const started = await startHealthServer(healthApp({ live: () => true, ready: () => manager.ready }, manager.metrics), flags.healthAddress ?? '0.0.0.0', flags.healthPort);
    server = started.server;
    health = started.address;
    manager.log('info', 'serving /healthz, /readyz and /metrics', { address: health });
  }
  let stopping: Promise<void> | undefined;
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      manager.log('info', `${signal}: stopping`);
      stopping ??= manager.stop().then(resolve, resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  manager.log('info', 'starting', { namespace: namespace ?? '*', kafkaBootstrapOverrides: [...overrides.keys()], topicDeletion: flags.topicDeletion ?? 'delete' });
  await Promise.race([
    manager.start().catch((error: unknown) => {
      if (stopping === undefined) throw error; // else: stopped while waiting for the lease
    }),
    stopped,
  ]);
  await stopped;
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  const reconciles = (await manager.metrics.reconciles.get()).values.reduce((sum, v) => sum + v.value, 0);
  return { namespace: namespace ?? null, reconciles, health };
}
