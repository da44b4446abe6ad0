import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SpecFile } from '../api/load.ts';
import type { Hint } from '../errors.ts';
import { internalAuthentication } from '../model/listeners.ts';
import type { ClusterModel } from '../model/broker-properties.ts';
import type { ClusterIdentity } from '../model/quorum.ts';
import type { TopicChange } from '../ops/topic-plan.ts';
import { resolveDistribution } from './distribution.ts';
import type { Emit } from './events.ts';
import { throwIfInterrupted } from './interrupt.ts';
import { findJava } from './java.ts';
import { type ClientBootstrap, clientBootstraps, localCluster } from './local-cluster.ts';
import { type MetricsTarget, metricsAgent, metricsTargets, writeScrapeTargets } from './metrics-agent.ts';
import { runningPid } from './node-process.ts';
import { checkPorts, ephemeralPortsWarning } from './ports.ts';
import { waitReady } from './readiness.ts';
import { ensurePassword, readSecret } from './secrets.ts';
import { type NodeStatus, nodeStatuses } from './status.ts';
import { writeState } from './state.ts';
import { randomKafkaUuid } from './storage.ts';
import { ensureLocalTls } from './tls.ts';
import { type UserCredential, applyResources } from './up/apply-resources.ts';
import { formatStorage } from './up/format-storage.ts';
import { planNodes } from './up/plan-nodes.ts';
import { resolveState } from './up/resolve-state.ts';
import { startWaves, stopStarted } from './up/start-nodes.ts';
import { writeConfigs } from './up/write-configs.ts';

export interface UpOptions {
  spec: SpecFile;
  /** Which KafkaCluster of the file (needed when it defines several). */
  cluster?: string;
  stateDir?: string;
  /** Allow a state directory inside a git checkout. */
  allowStateInCheckout?: boolean;
  portBase?: number;
  /** Overrides every pool's heap (-Xms/-Xmx) for this machine. */
  heap?: string;
  /** Run the Prometheus JMX exporter agent on every node (true), stop running it (false), keep as it was (undefined). */
  monitoring?: boolean;
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  onEvent?: Emit;
  /** Aborting (Ctrl-C) stops the nodes this call started and rejects with INTERRUPTED. */
  signal?: AbortSignal;
}

export interface UpResult {
  name: string;
  stateDir: string;
  clusterId: string;
  kafkaVersion: string;
  created: boolean;
  started: number[];
  bootstrap: string;
  listeners: ClientBootstrap[];
  nodes: NodeStatus[];
  topics: TopicChange[];
  users: UserCredential[];
  /** PEM CA that signed the brokers' certificates, when a client listener uses TLS. */
  caFile: string | null;
  /** `--monitoring`: each node's metrics endpoint, and a Prometheus file_sd file listing them. */
  metrics: { targets: MetricsTarget[]; targetsFile: string | null };
  /** Things that did not stop the cluster but need the user's attention (a node running an older config, …). */
  warnings: (string | Hint)[];
  durationMs: number;
}

const DEFAULT_READY_TIMEOUT_MS = 120_000;

/**
 * Runs the spec as a local KRaft cluster, in named steps: resolve state → plan nodes → write configs → format
 * storage → start waves → wait ready → apply topics and users. An `up` on a running cluster starts only what is
 * missing; a failure before the cluster is ready stops what this call started.
 */
export async function up(options: UpOptions, source = 'spec'): Promise<UpResult> {
  const startedAt = Date.now();
  const emit: Emit = options.onEvent ?? (() => undefined);
  const env = options.env ?? process.env;

  const { cluster, layout, previous } = await resolveState({ ...options, source });
  const state = planNodes(cluster, previous, { portBase: options.portBase, monitoring: options.monitoring }, newIdentity);
  const warnings: (string | Hint)[] = [];

  // Java first: without it there is no point downloading ~100 MB of jars.
  const java = await findJava(env);
  const distribution = await resolveDistribution(cluster.spec.version, {
    env,
    onProgress: (progress) => emit({ type: 'download', progress }),
    log: (message) => emit({ type: 'step', message }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  throwIfInterrupted(options.signal, 'before anything was started');

  await mkdir(layout.dir, { recursive: true });
  // TLS listeners (client ones, and internal ones with spec.internalTls) get a per-cluster CA and node certificate; a secured cluster's own listeners a password.
  const tls = cluster.spec.internalTls || cluster.spec.listeners.some((l) => l.tls) ? await ensureLocalTls(join(layout.dir, 'tls'), cluster.metadata.name, java.bin) : undefined;
  const internalPassword = internalAuthentication(cluster) ? (await ensurePassword(layout.internalPasswordFile)).password : await readSecret(layout.internalPasswordFile);
  const local = localCluster(layout, state, { heap: options.heap, tls, internalPassword });
  const ephemeral = await ephemeralPortsWarning(local.model, state.portBase);
  if (ephemeral) warnings.push(ephemeral);

  const running = new Set<number>();
  for (const node of local.model.nodes) if ((await runningPid(layout, node.id)) !== undefined) running.add(node.id);
  const toStart = local.model.nodes.filter((n) => !running.has(n.id));
  await checkPorts(local, toStart);
  await writeState(layout, state);

  const configs = await writeConfigs(local, distribution, running);
  const agent = state.monitoring ? await metricsAgent(env) : undefined;
  if (previous && previous.monitoring !== state.monitoring && running.size > 0) {
    warnings.push(`the metrics agents are turned ${state.monitoring ? 'on' : 'off'} for nodes started from now on; running nodes keep how they started until the cluster is restarted`);
  }
  warnings.push(...configs.warnings);
  await formatStorage(local, java.bin, distribution, configs.toolLoggingFlag, emit);

  const startedNow: number[] = [];
  try {
    const deadline = Date.now() + (options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
    await startWaves(local, toStart, { java, distribution, metricsAgent: agent }, deadline, emit, options.signal, startedNow);
    warnings.push(...(await waitReady(local, Math.max(1_000, deadline - Date.now()), emit, options.signal)));
  } catch (error) {
    await stopStarted(local, startedNow, emit);
    throw error;
  }

  const resources = await applyResources(local, options.spec, emit);
  const listeners = clientBootstraps(local);
  return {
    name: state.name,
    stateDir: layout.dir,
    clusterId: state.identity.clusterId,
    kafkaVersion: state.kafkaVersion,
    created: previous === undefined,
    started: startedNow,
    bootstrap: listeners[0]!.bootstrap,
    listeners,
    nodes: await nodeStatuses(local),
    topics: resources.topics,
    users: resources.users,
    caFile: tls?.caFile ?? null,
    metrics: { targets: metricsTargets(local), targetsFile: (await writeScrapeTargets(local)) ?? null },
    warnings,
    durationMs: Date.now() - startedAt,
  };
}

/** A new cluster's identity: a cluster id, and a metadata directory id per controller for a dynamic quorum. */
function newIdentity(model: ClusterModel): ClusterIdentity {
  const directoryIds: Record<string, string> = {};
  if (model.quorumMode === 'dynamic') for (const n of model.nodes.filter((x) => x.controller)) directoryIds[String(n.id)] = randomKafkaUuid();
  return { clusterId: randomKafkaUuid(), directoryIds };
}
