/**
 * What the operator tests share: a real kube-apiserver (test/helpers/control-plane.ts, no controller-manager: no
 * garbage collection) with kafkaplane's CRDs, a real one-node local Kafka (SCRAM client listener, StandardAuthorizer,
 * SASL internal listeners), its KafkaCluster resource in the apiserver with the internal password Secret render
 * would make, and the operator's manager in this process in laptop mode (`--kafka-bootstrap` to the local brokers'
 * REPLICATION listener).
 */
import { CLI_BIN } from '../../helpers/cli.ts';
import { KubeConfig } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { parse } from 'yaml';
import { customResourceDefinitions } from '../../../src/api/crd.ts';
import type { ConnectionConfig } from '../../../src/kafka/client.ts';
import { adminConnection } from '../../../src/local/local-cluster.ts';
import { locate } from '../../../src/local/locate.ts';
import { type ControllerOptions, operatorControllers } from '../../../src/operator/controllers/index.ts';
import { kafkaConnectionResolver } from '../../../src/operator/kafka-connection.ts';
import { KubeClient, type KubeObject } from '../../../src/operator/kube/client.ts';
import { Manager } from '../../../src/operator/manager.ts';
import { type ControlPlane, startControlPlane } from '../../helpers/control-plane.ts';
import { type KubeObjectLike, ensureNamespace, installCrds } from '../../helpers/kube-api.ts';
import { TEST_PORTS, type TestCluster, startTestCluster, testClusterSpec } from '../../helpers/local-cluster.ts';

export const NS = 'kafka';
export const CLUSTER = 'orders';

export const CLUSTER_BODY = `nodePools:
  - {name: dual, roles: [broker, controller], replicas: 1}
listeners:
  - {name: scram, port: 9092, authentication: scram-sha-512}
authorization:
  type: simple
  superUsers: [admin]`;

export interface Harness {
  cp: ControlPlane;
  kafka: TestCluster;
  client: KubeClient;
  /** The operator's (and the checks') way to Kafka: REPLICATION listener, internal super user. */
  admin: ConnectionConfig;
  bootstrapOverride: string;
  /** `kafkaplane operator run` as a laptop runs it against this harness (the CLI script first), then `extra`. */
  operatorRunArgs(...extra: string[]): string[];
  startManager(options?: ControllerOptions): Promise<Manager>;
  stop(): Promise<void>;
}

export async function startHarness(log: (line: string) => void): Promise<Harness> {
  const cp = await startControlPlane({ log });
  let kafka: TestCluster | undefined;
  const managers: Manager[] = [];
  try {
    await installCrds(cp, customResourceDefinitions() as unknown as KubeObjectLike[]);
    await ensureNamespace(cp, NS);
    const spec = testClusterSpec(CLUSTER, CLUSTER_BODY);
    kafka = await startTestCluster(spec, { portBase: TEST_PORTS.operator, log });
    const local = await locate({ stateDir: kafka.stateDir });
    const admin = adminConnection(local, 15_000);
    const config = new KubeConfig();
    config.loadFromFile(cp.kubeconfigPath);
    const client = new KubeClient(config);
    const resource = parse(spec) as KubeObject;
    resource.metadata = { ...resource.metadata, namespace: NS };
    await client.apply(resource);
    assert.ok(local.internalPassword, 'the secured local cluster has an internal password');
    await client.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${CLUSTER}-internal`, namespace: NS },
      data: { password: Buffer.from(local.internalPassword).toString('base64') },
    });
    const bootstrapOverride = `${NS}/${CLUSTER}=${admin.bootstrap.join(',')}`;
    const cluster = kafka;
    return {
      cp,
      kafka: cluster,
      client,
      admin,
      bootstrapOverride,
      operatorRunArgs: (...extra) => [CLI_BIN, 'operator', 'run', '-n', NS, '--kubeconfig', cp.kubeconfigPath, '--kafka-bootstrap', bootstrapOverride, ...extra],
      async startManager(options = {}) {
        const manager = new Manager({
          client,
          controllers: operatorControllers(options),
          namespace: NS,
          kafka: kafkaConnectionResolver(new Map([[`${NS}/${CLUSTER}`, admin.bootstrap]])),
          writeLog: (line) => (process.env.OP_LOG ? appendFileSync(process.env.OP_LOG, `${line}\n`) : log(line)),
          relistMs: 30_000,
        });
        managers.push(manager);
        await manager.start();
        return manager;
      },
      async stop() {
        for (const m of managers) await m.stop(2_000).catch(() => undefined);
        await cluster.stop();
        await cp.stop();
      },
    };
  } catch (error) {
    for (const m of managers) await m.stop(2_000).catch(() => undefined);
    await kafka?.stop();
    await cp.stop();
    throw error;
  }
}

/** Polls `read` every 100 ms until `done` holds, for at most `timeoutMs`; the last value. */
export async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (let i = 0; Date.now() < deadline && i < 10_000; i++) {
    last = await read();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${what}: not after ${timeoutMs / 1000} s; last: ${JSON.stringify(last)?.slice(0, 1500)}`);
}

interface Status {
  conditions?: { type: string; status: string; reason: string; message: string }[];
  [field: string]: unknown;
}

export const condition = (o: KubeObject | undefined, type: string) => ((o?.status as Status | undefined)?.conditions ?? []).find((c) => c.type === type);
export const statusOf = (o: KubeObject | undefined) => (o?.status ?? {}) as Status;

export function topicResource(name: string, spec: Record<string, unknown>, extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'kafkaplane.io/v1alpha1',
    kind: 'KafkaTopic',
    metadata: { name, namespace: NS, labels: extra.labels ?? { 'kafkaplane.io/cluster': CLUSTER }, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec,
  };
}
