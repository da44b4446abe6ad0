import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaplaneError, errorMessage } from '../errors.ts';
import { type ClusterDescription, type QuorumDescription, controllerQuorumLeader, describeCluster, describeQuorum } from '../kafka/cluster.ts';
import { type ConnectionConfig, checkAddress, withAdmin, withBrokerLink } from '../kafka/connect.ts';
import { fetchMetadata } from '../kafka/metadata.ts';
import { type TopicChange, applyTopics } from '../kafka/topics.ts';
import { applyAcls, upsertScramCredential, waitForSecurity } from '../kafka/users.ts';
import { type AclBinding, aclBindings, userPrincipal } from '../model/acls.ts';
import { type ClusterModel, brokerProperties, clusterModel, nodeListeners } from '../model/broker-properties.ts';
import { INTERNAL_USER, internalAuthentication } from '../model/listeners.ts';
import { jvmOptions } from '../model/jvm.ts';
import type { ClusterNode } from '../model/nodes.ts';
import { type Placement, localPlacement, localPortPlanProblems } from '../model/placement.ts';
import { formatProperties, parseProperties } from '../model/properties-format.ts';
import { type ClusterIdentity, formatArguments, voters } from '../model/quorum.ts';
import type { KafkaCluster } from '../api/kafka-cluster.ts';
import { kafkaTopicName } from '../api/kafka-topic.ts';
import type { SpecFile } from '../api/load.ts';
import { type Distribution, type DownloadProgress, resolveDistribution } from './distribution.ts';
import { findJava } from './java.ts';
import { loggingConfig, toolLoggingConfig } from './logging.ts';
import { type LocalTls, ensureLocalTls } from './tls.ts';
import { alive, isOurProcess, portHolder, portIsFree, readPid, removePidFile, startDetached, stopProcess, tailLines } from './processes.ts';
import { type ClusterState, type StateLayout, defaultStateDir, enclosingGitCheckout, readState, stateLayout, writeState } from './state.ts';
import { checkMetaProperties, randomKafkaUuid, readMetaProperties, runStorageTool } from './storage.ts';

export type UpEvent =
  | { type: 'download'; progress: DownloadProgress }
  | { type: 'step'; message: string }
  | { type: 'waiting'; message: string };

export interface UpOptions {
  spec: SpecFile;
  /** Which KafkaCluster of the file (needed when it defines several). */
  cluster?: string;
  stateDir?: string;
  /** Allow --state-dir inside a git checkout. */
  allowStateInCheckout?: boolean;
  portBase?: number;
  /** Overrides every pool's heap (-Xms/-Xmx) for this machine. */
  heap?: string;
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  onEvent?: (event: UpEvent) => void;
  /** Aborting (Ctrl-C) stops the nodes this call started and rejects with INTERRUPTED. */
  signal?: AbortSignal;
}

export interface NodeStatus {
  id: number;
  pool: string;
  roles: string[];
  pid: number | null;
  running: boolean;
  listeners: { name: string; port: number }[];
  /** Registered with the controller as a live broker (brokers only; null when unknown). */
  registered: boolean | null;
  /** Role in the KRaft quorum, when known. */
  quorum: 'leader' | 'voter' | 'observer' | null;
  logFile: string;
}

export interface UserCredential {
  user: string;
  passwordFile: string;
}

export interface UpResult {
  name: string;
  stateDir: string;
  clusterId: string;
  kafkaVersion: string;
  created: boolean;
  started: number[];
  bootstrap: string;
  listeners: { name: string; bootstrap: string; securityProtocol: string }[];
  nodes: NodeStatus[];
  topics: TopicChange[];
  users: UserCredential[];
  /** PEM CA that signed the brokers' certificates, when a client listener uses TLS. */
  caFile: string | null;
  /** Things that did not stop the cluster but need the user's attention (a node running an older config, …). */
  warnings: string[];
  durationMs: number;
}

/** The local runtime for one cluster: its state directory plus the model computed from its spec. */
interface LocalCluster {
  layout: StateLayout;
  state: ClusterState;
  model: ClusterModel;
  placement: Placement;
  tls: LocalTls | undefined;
  /** `up --heap`: every node's heap, whatever the spec says. */
  heap: string | undefined;
  /** A secured cluster's internal listeners' password (layout.internalPasswordFile). */
  internalPassword: string | undefined;
}

export function selectCluster(spec: SpecFile, name: string | undefined, source: string): KafkaCluster {
  if (name !== undefined) {
    const found = spec.clusters.find((c) => c.metadata.name === name);
    if (!found) {
      throw new KafkaplaneError('NO_SUCH_CLUSTER', `${source} has no KafkaCluster named "${name}" (it has: ${spec.clusters.map((c) => c.metadata.name).join(', ') || 'none'})`, { exitCode: 2 });
    }
    return found;
  }
  if (spec.clusters.length === 1) return spec.clusters[0]!;
  if (spec.clusters.length === 0) throw new KafkaplaneError('NO_CLUSTER', `${source} defines no KafkaCluster`, { exitCode: 2, hint: 'add a KafkaCluster document, or pass the file that has it' });
  throw new KafkaplaneError('AMBIGUOUS_CLUSTER', `${source} defines ${spec.clusters.length} clusters (${spec.clusters.map((c) => c.metadata.name).join(', ')}); say which with --cluster`, { exitCode: 2 });
}

function localCluster(layout: StateLayout, state: ClusterState, options: { heap?: string; tls?: LocalTls; internalPassword?: string }): LocalCluster {
  const { heap, tls, internalPassword } = options;
  const model = withPortIndexes(clusterModel(state.spec, { quorumMode: state.quorumMode }), state.nodes);
  const placement = localPlacement({
    portBase: state.portBase,
    dataDir: (node) => layout.dataDir(node.id),
    ...(tls ? { tls: () => tls.material } : {}),
    ...(internalPassword !== undefined ? { internalPassword } : {}),
  });
  return { layout, state, model, placement, tls, heap, internalPassword };
}

/** The internal listeners' login (SASL/PLAIN as INTERNAL_USER) when the cluster is secured. */
function internalSaslOf(local: LocalCluster): { mechanism: 'PLAIN'; username: string; password: string } | undefined {
  if (local.model.listeners.replication.securityProtocol !== 'SASL_PLAINTEXT') return undefined;
  if (local.internalPassword === undefined) {
    throw new KafkaplaneError('NO_INTERNAL_PASSWORD', `cluster "${local.state.name}" authenticates its internal listeners, but ${local.layout.internalPasswordFile} is missing`, {
      hint: 'run `kafkaplane up` once to create it (the nodes must be restarted to take a new one)',
    });
  }
  return { mechanism: 'PLAIN', username: INTERNAL_USER, password: local.internalPassword };
}

/** Listener endpoints a client uses, per client listener, e.g. PLAIN → 127.0.0.1:9092,127.0.0.1:9093,… */
export function clientBootstraps(local: LocalCluster) {
  const brokerNodes = local.model.nodes.filter((n) => n.broker);
  return local.model.listeners.client.map((l) => ({
    name: l.spec!.name,
    securityProtocol: l.securityProtocol,
    bootstrap: brokerNodes.map((n) => {
      const e = local.placement.advertisedEndpoint(n, l);
      return `${e.host}:${e.port}`;
    }).join(','),
  }));
}

/** kafkaplane's own way in: the REPLICATION listener (PLAINTEXT, loopback only, the cluster's super user). */
export function adminConnection(local: LocalCluster, timeoutMs = 10_000): ConnectionConfig {
  const brokerNodes = local.model.nodes.filter((n) => n.broker);
  const sasl = internalSaslOf(local);
  return {
    clientId: 'kafkaplane-local',
    timeoutMs,
    ...(sasl ? { sasl } : {}),
    bootstrap: brokerNodes.map((n) => {
      const e = local.placement.internalEndpoint(n, local.model.listeners.replication);
      return `${e.host}:${e.port}`;
    }),
  };
}

/**
 * Compares the spec with what an existing cluster's data allows. Growing the broker count works; anything that
 * would orphan data or break the quorum (removing nodes, changing roles, adding controllers, moving ports) is
 * refused before anything changes.
 */
export function checkCompatible(state: ClusterState, cluster: KafkaCluster, portBase: number | undefined): void {
  const problems: string[] = [];
  if (portBase !== undefined && portBase !== state.portBase) {
    problems.push(`--port-base ${portBase} differs from the existing cluster's ${state.portBase}: the controllers' addresses are recorded in the metadata log`);
  }
  const [oldMajor = 0, oldMinor = 0] = state.kafkaVersion.split('.').map(Number);
  const [newMajor = 0, newMinor = 0] = cluster.spec.version.split('.').map(Number);
  if (newMajor < oldMajor || (newMajor === oldMajor && newMinor < oldMinor)) {
    problems.push(`spec.version ${cluster.spec.version} is older than ${state.kafkaVersion}, which formatted this data; Kafka cannot downgrade across minor versions`);
  }
  const planned = new Map(clusterModel(cluster).nodes.map((n) => [n.id, n]));
  for (const old of state.nodes) {
    const node = planned.get(old.id);
    if (!node) problems.push(`node ${old.id} (${old.roles.join('+')}, pool ${old.pool}) holds data but the spec no longer has it; kafkaplane will not drop a node's data`);
    else if (node.roles.join(',') !== old.roles.join(',')) problems.push(`node ${old.id} was ${old.roles.join('+')} and the spec makes it ${node.roles.join('+')}; a node cannot change roles on existing data`);
  }
  for (const node of planned.values()) {
    if (!state.nodes.some((n) => n.id === node.id) && node.controller) {
      problems.push(`node ${node.id} would be a new controller; adding controllers to an existing quorum is not supported by the local runtime`);
    }
  }
  if (problems.length > 0) {
    throw new KafkaplaneError('INCOMPATIBLE_CHANGE', `the spec cannot be applied to the existing cluster "${state.name}":\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      hint: 'change the spec back, or run `kafkaplane down --purge` to delete this cluster and its data and start over',
    });
  }
}

function resolveLayout(clusterName: string, options: { stateDir?: string; allowStateInCheckout?: boolean; env?: NodeJS.ProcessEnv }): StateLayout {
  if (options.stateDir !== undefined && !options.allowStateInCheckout) {
    const checkout = enclosingGitCheckout(options.stateDir);
    if (checkout !== undefined) {
      throw new KafkaplaneError('STATE_IN_CHECKOUT', `--state-dir ${options.stateDir} is inside the git checkout ${checkout}; cluster data (gigabytes of logs) does not belong in a repository`, {
        exitCode: 2,
        hint: 'pick a directory outside the checkout, leave --state-dir out to use the per-user default, or pass --allow-state-in-checkout if you really mean it',
      });
    }
  }
  return stateLayout(options.stateDir ?? defaultStateDir(clusterName, options.env));
}

export async function up(options: UpOptions, source = 'spec'): Promise<UpResult> {
  const started = Date.now();
  const emit = options.onEvent ?? (() => undefined);
  const env = options.env ?? process.env;
  const cluster = selectCluster(options.spec, options.cluster, source);
  const layout = resolveLayout(cluster.metadata.name, options);

  const previous = await readState(layout);
  if (previous && previous.name !== cluster.metadata.name) {
    throw new KafkaplaneError('STATE_BELONGS_TO_OTHER', `${layout.dir} holds cluster "${previous.name}", not "${cluster.metadata.name}"`, {
      exitCode: 2,
      hint: 'use another --state-dir for this cluster',
    });
  }
  if (previous) checkCompatible(previous, cluster, options.portBase);

  const warnings: string[] = [];
  const portBase = previous?.portBase ?? options.portBase ?? cluster.spec.listeners[0]!.port;
  const model0 = clusterModel(cluster);
  const stateNodes = previous ? mergeNodes(previous, model0) : model0.nodes.map((n) => ({ id: n.id, pool: n.pool, roles: n.roles, formatted: false, portIndex: n.index }));
  const planned = withPortIndexes(model0, stateNodes);
  const portProblems = localPortPlanProblems(planned, portBase);
  if (portProblems.length > 0) {
    throw new KafkaplaneError('PORT_PLAN', `the local port plan of cluster "${cluster.metadata.name}" does not fit:\n${portProblems.map((p) => `  - ${p}`).join('\n')}`, {
      exitCode: 2,
      hint: 'pick a lower --port-base (e.g. --port-base 19092), or run fewer nodes or listeners locally',
    });
  }

  // Java first: without it there is no point downloading ~100 MB of jars.
  const java = await findJava(env);
  const distribution = await resolveDistribution(cluster.spec.version, {
    env,
    onProgress: (progress) => emit({ type: 'download', progress }),
    log: (m) => emit({ type: 'step', message: m }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  throwIfInterrupted(options.signal, 'before anything was started');
  const ephemeral = await ephemeralPortsUsed(planned, portBase);
  if (ephemeral) warnings.push(ephemeral);

  const state: ClusterState = previous
    ? { ...previous, kafkaVersion: cluster.spec.version, spec: cluster, nodes: stateNodes }
    : {
        schema: 1,
        name: cluster.metadata.name,
        kafkaVersion: cluster.spec.version,
        quorumMode: model0.quorumMode,
        identity: newIdentity(model0),
        portBase,
        nodes: stateNodes,
        spec: cluster,
      };
  // TLS client listeners get a per-cluster CA and broker certificate (kept in the state directory).
  const tls = cluster.spec.listeners.some((l) => l.tls)
    ? (await mkdir(layout.dir, { recursive: true }), await ensureLocalTls(join(layout.dir, 'tls'), cluster.metadata.name, java.bin))
    : undefined;
  // A secured cluster's own listeners authenticate with a password made once and kept beside the data.
  const internalPassword = internalAuthentication(cluster) ? await localPassword(layout.internalPasswordFile) : await readIfExists(layout.internalPasswordFile);
  const local = localCluster(layout, state, { ...(options.heap ? { heap: options.heap } : {}), ...(tls ? { tls } : {}), ...(internalPassword !== undefined ? { internalPassword } : {}) });
  const { model, placement } = local;

  // Which nodes already run (an `up` on a running cluster only starts what is missing).
  const running = new Map<number, number>();
  for (const node of model.nodes) {
    const pid = await readPid(layout.pidFile(node.id));
    if (pid && (await isOurProcess(pid))) running.set(node.id, pid.pid);
  }
  const toStart = model.nodes.filter((n) => !running.has(n.id));

  await checkPorts(local, toStart);
  await mkdir(layout.dir, { recursive: true });
  await writeState(layout, state);

  const toolLogging = toolLoggingConfig(distribution.logging);
  const toolLoggingFile = join(layout.dir, toolLogging.fileName);
  await writeFile(toolLoggingFile, toolLogging.text);

  for (const node of model.nodes) {
    await mkdir(layout.dataDir(node.id), { recursive: true });
    const props = brokerProperties(model, node, placement);
    // A running node keeps the configuration it started with: say so when the spec changed it.
    if (running.has(node.id) && existsSync(layout.propertiesFile(node.id))) {
      const changed = changedProperties(parseProperties(await readFile(layout.propertiesFile(node.id), 'utf8')), props);
      if (changed.length > 0) {
        warnings.push(`node ${node.id} is running with its previous configuration (${changed.join(', ')} changed in the spec); restart the cluster to apply it: kafkaplane down && kafkaplane up`);
      }
    }
    await writeFile(layout.propertiesFile(node.id), formatProperties(props, `node ${node.id} of cluster ${state.name}: written by kafkaplane from the spec on every up; edits here are overwritten`));
    const nodeLogging = loggingConfig(distribution.logging, layout.logFile(node.id));
    await mkdir(join(layout.nodeDir(node.id), 'logs'), { recursive: true });
    await writeFile(join(layout.nodeDir(node.id), nodeLogging.fileName), nodeLogging.text);
  }

  // Format storage once per node; check existing storage belongs to this cluster.
  const toFormat: ClusterNode[] = [];
  for (const node of model.nodes) {
    const meta = await readMetaProperties(layout.dataDir(node.id));
    if (meta) checkMetaProperties(meta, { clusterId: state.identity.clusterId, nodeId: node.id, logDir: layout.dataDir(node.id), stateFile: layout.stateFile });
    else toFormat.push(node);
  }
  if (toFormat.length > 0) {
    emit({ type: 'step', message: `formatting storage of node${toFormat.length > 1 ? 's' : ''} ${toFormat.map((n) => n.id).join(', ')} (cluster id ${state.identity.clusterId})` });
    const quorum = voters(model.nodes.filter((n) => n.controller), model.listeners.controller, placement);
    await Promise.all(
      toFormat.map((node) =>
        runStorageTool({
          java: java.bin,
          classpath: distribution.classpath,
          loggingFlag: `${toolLogging.jvmFlag}${toolLoggingFile}`,
          cwd: layout.nodeDir(node.id),
          args: formatArguments({ mode: model.quorumMode, identity: state.identity, node, quorum, propertiesFile: layout.propertiesFile(node.id) }),
        }),
      ),
    );
    for (const node of toFormat) state.nodes.find((n) => n.id === node.id)!.formatted = true;
    await writeState(layout, state);
  }

  // Start what is not running. If anything fails before the cluster is ready, stop what this call started.
  const startedNow: number[] = [];
  try {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
    // Dedicated controllers first, and only then the brokers: a broker-only node is a quorum observer that finds the
    // leader through controller.quorum.bootstrap.servers; started into an election it can stick to a candidate
    // that never won and give up registering (initial.broker.registration.timeout.ms). Controllers before brokers
    // is also the order Strimzi rolls in.
    const waves = [toStart.filter((n) => n.controller && !n.broker), toStart.filter((n) => n.broker)];
    for (const [i, wave] of waves.entries()) {
      if (wave.length === 0) continue;
      emit({ type: 'step', message: `starting ${describeWave(wave)} (Kafka ${distribution.version}, ${java.bin} ${java.version})` });
      for (const node of wave) {
        throwIfInterrupted(options.signal, 'while starting the nodes');
        await startNode(local, node, java.bin, distribution);
        startedNow.push(node.id);
      }
      if (i === 0 && waves[1]!.length > 0) await waitQuorumLeader(local, deadline, emit, options.signal);
    }
    await waitReady(local, Math.max(1_000, deadline - Date.now()), emit, warnings, options.signal);
  } catch (error) {
    if (startedNow.length > 0) {
      emit({ type: 'step', message: `stopping node${startedNow.length > 1 ? 's' : ''} ${startedNow.join(', ')} started by this attempt` });
      await Promise.all(startedNow.map((id) => stopNode(layout, id, 5_000)));
    }
    throw error;
  }

  // Topics and users of this cluster from the same file.
  const topics = options.spec.topics.filter((t) => t.cluster === undefined || t.cluster === state.name).map((t) => t.topic);
  const users = options.spec.users.filter((u) => u.cluster === undefined || u.cluster === state.name).map((u) => u.user);
  let topicChanges: TopicChange[] = [];
  const credentials: UserCredential[] = [];
  if (topics.length + users.length > 0) {
    emit({ type: 'step', message: `applying ${topics.length} topic${topics.length === 1 ? '' : 's'} and ${users.length} user${users.length === 1 ? '' : 's'}` });
    await withAdmin(adminConnection(local, 30_000), async (admin) => {
      topicChanges = await applyTopics(
        admin,
        topics.map((t) => ({
          name: kafkaTopicName(t),
          partitions: t.spec.partitions,
          replicas: t.spec.replicas,
          config: Object.fromEntries(Object.entries(t.spec.config).map(([k, v]) => [k, String(v)])),
        })),
      );
      const acls = new Map<string, AclBinding[]>();
      for (const user of users) {
        if (user.spec.authentication) {
          const passwordFile = layout.userPasswordFile(user.metadata.name);
          await upsertScramCredential(admin, user.metadata.name, await localPassword(passwordFile));
          credentials.push({ user: user.metadata.name, passwordFile });
        }
        if (state.spec.spec.authorization) {
          acls.set(userPrincipal(user), aclBindings(user));
          await applyAcls(admin, userPrincipal(user), aclBindings(user));
        }
      }
      await waitForSecurity(admin, { users: credentials.map((c) => c.user), acls });
    });
  }

  const nodes = await nodeStatuses(local);
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
    nodes,
    topics: topicChanges,
    users: credentials,
    caFile: tls?.caFile ?? null,
    warnings,
    durationMs: Date.now() - started,
  };
}

function describeWave(nodes: readonly ClusterNode[]): string {
  const kind = nodes.every((n) => n.controller && !n.broker) ? 'controller' : 'node';
  return `${kind}${nodes.length > 1 ? 's' : ''} ${nodes.map((n) => n.id).join(', ')}`;
}

/**
 * Waits until the KRaft quorum has elected a leader, asking the controllers themselves (DescribeQuorum is served on
 * the controller listener, as kafka-metadata-quorum --bootstrap-controller does; KIP-919).
 */
async function waitQuorumLeader(local: LocalCluster, deadline: number, emit: (e: UpEvent) => void, signal: AbortSignal | undefined): Promise<void> {
  const controllerNodes = local.model.nodes.filter((n) => n.controller);
  emit({ type: 'waiting', message: `waiting for the ${controllerNodes.length} controller${controllerNodes.length === 1 ? '' : 's'} to elect a leader` });
  while (Date.now() < deadline) {
    throwIfInterrupted(signal, 'while the controllers were electing a leader');
    for (const node of controllerNodes) {
      const pid = await readPid(local.layout.pidFile(node.id));
      if (!pid || !(await isOurProcess(pid))) throw await nodeDied(local, node);
    }
    for (const node of controllerNodes) {
      const endpoint = local.placement.internalEndpoint(node, local.model.listeners.controller);
      const leader = await controllerQuorumLeader(endpoint, 2_000, internalSaslOf(local)).catch(() => -1);
      if (leader >= 0) return;
    }
    await sleep(300);
  }
}

function newIdentity(model: ClusterModel): ClusterIdentity {
  const directoryIds: Record<string, string> = {};
  if (model.quorumMode === 'dynamic') for (const n of model.nodes.filter((x) => x.controller)) directoryIds[String(n.id)] = randomKafkaUuid();
  return { clusterId: randomKafkaUuid(), directoryIds };
}

/** The state's nodes for the spec's: existing nodes keep their port index, new ones take the lowest free one. */
export function mergeNodes(previous: ClusterState, model: ClusterModel): ClusterState['nodes'] {
  const old = new Map(previous.nodes.map((n, position) => [n.id, { ...n, portIndex: n.portIndex ?? position }]));
  const taken = new Set(model.nodes.flatMap((n) => (old.has(n.id) ? [old.get(n.id)!.portIndex] : [])));
  let free = 0;
  return model.nodes.map((n) => {
    const existing = old.get(n.id);
    let portIndex = existing?.portIndex;
    if (portIndex === undefined) {
      while (taken.has(free)) free++;
      portIndex = free;
      taken.add(free);
    }
    return { id: n.id, pool: n.pool, roles: n.roles, formatted: existing?.formatted ?? false, portIndex };
  });
}

/** The model with each node's `index` (what the local port plan uses) taken from the state. */
function withPortIndexes(model: ClusterModel, nodes: ClusterState['nodes']): ClusterModel {
  const indexes = new Map(nodes.map((n, position) => [n.id, n.portIndex ?? position]));
  return { ...model, nodes: model.nodes.map((n) => ({ ...n, index: indexes.get(n.id) ?? n.index })) };
}

async function readIfExists(file: string): Promise<string | undefined> {
  return existsSync(file) ? (await readFile(file, 'utf8')).trim() : undefined;
}

async function localPassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}

async function checkPorts(local: LocalCluster, nodes: readonly ClusterNode[]): Promise<void> {
  const busy: string[] = [];
  for (const node of nodes) {
    for (const listener of nodeListeners(local.model, node)) {
      const port = local.placement.port(node, listener);
      if (!(await portIsFree(port))) {
        const holder = await portHolder(port);
        busy.push(`port ${port} (node ${node.id}, listener ${listener.name}) is in use${holder ? ` by pid ${holder.pid} (${holder.command})` : ''}`);
      }
    }
  }
  if (busy.length > 0) {
    throw new KafkaplaneError('PORT_IN_USE', `cannot start cluster "${local.state.name}":\n${busy.map((b) => `  - ${b}`).join('\n')}`, {
      hint: local.state.nodes.some((n) => n.formatted)
        ? 'stop the process holding the port (another kafkaplane cluster? see kafkaplane status --all)'
        : 'stop the process holding the port, or pick another port range with --port-base (e.g. --port-base 19092)',
    });
  }
}

async function startNode(local: LocalCluster, node: ClusterNode, java: string, distribution: Distribution): Promise<number> {
  const { layout, model } = local;
  const pool = model.cluster.spec.nodePools.find((p) => p.name === node.pool)!;
  const nodeLogging = loggingConfig(distribution.logging, layout.logFile(node.id));
  const marker = `-Dkafkaplane.node=${layout.nodeDir(node.id)}`;
  return startDetached({
    command: java,
    args: [
      ...jvmOptions(pool, 'local', local.heap),
      `${nodeLogging.jvmFlag}${join(layout.nodeDir(node.id), nodeLogging.fileName)}`,
      `-Dkafka.logs.dir=${join(layout.nodeDir(node.id), 'logs')}`,
      marker,
      '-cp',
      distribution.classpath,
      'kafka.Kafka',
      layout.propertiesFile(node.id),
    ],
    outputFile: layout.stdoutFile(node.id),
    pidFile: layout.pidFile(node.id),
    marker,
    cwd: layout.nodeDir(node.id),
  });
}

async function stopNode(layout: StateLayout, id: number, graceMs: number): Promise<'stopped' | 'killed' | 'not-running'> {
  const pid = await readPid(layout.pidFile(id));
  if (!pid) return 'not-running';
  const result = await stopProcess(pid, graceMs);
  await removePidFile(layout.pidFile(id));
  return result;
}

/**
 * Ready means: every node's JVM is alive, every broker is registered (the cluster metadata lists it), the quorum
 * has a leader with every controller as a voter, and every partition has a leader. A node that dies meanwhile fails
 * the wait with its log.
 *
 * On a restart, a partition's followers then still have to catch up and rejoin the ISR: until they do, acks=all
 * writes can fail with NOT_ENOUGH_REPLICAS and a new leader's high watermark can trail its log, so a reader that
 * stops "at the end" (kcat -e) stops early. So ready also waits for full ISRs — but at most ISR_CATCH_UP_MS after
 * the rest was ready: a replica that cannot catch up (a full disk, say) is reported, not waited on forever.
 */
async function waitReady(local: LocalCluster, timeoutMs: number, emit: (e: UpEvent) => void, warnings: string[], signal: AbortSignal | undefined): Promise<void> {
  const { model, layout } = local;
  const deadline = Date.now() + timeoutMs;
  const brokerIds = model.nodes.filter((n) => n.broker).map((n) => n.id);
  const controllerIds = model.nodes.filter((n) => n.controller).map((n) => n.id);
  let last = '';
  const say = (message: string) => {
    if (message !== last) emit({ type: 'waiting', message });
    last = message;
  };
  say(`waiting for ${brokerIds.length} broker${brokerIds.length === 1 ? '' : 's'} and a quorum of ${controllerIds.length}`);
  let lastError: unknown;
  let catchUpSince: number | undefined;
  while (Date.now() < deadline) {
    throwIfInterrupted(signal, 'while waiting for the cluster to become ready');
    for (const node of model.nodes) {
      const pid = await readPid(layout.pidFile(node.id));
      if (!pid || !(await isOurProcess(pid))) throw await nodeDied(local, node);
    }
    try {
      const ready = await withAdmin(adminConnection(local, 3_000), async (admin) => {
        const described = await describeCluster(admin);
        const registered = described.brokers.map((b) => b.id);
        const missing = brokerIds.filter((id) => !registered.includes(id));
        if (missing.length > 0) {
          say(`${registered.length}/${brokerIds.length} brokers registered (waiting for ${missing.join(', ')})`);
          return false;
        }
        const quorum = await describeQuorum(admin);
        const votersNow = quorum.voters.map((v) => v.id);
        if (quorum.leaderId < 0 || controllerIds.some((id) => !votersNow.includes(id))) {
          say(`brokers registered; quorum leader ${quorum.leaderId < 0 ? 'not elected yet' : quorum.leaderId}, voters ${votersNow.join(',') || 'none'}`);
          return false;
        }
        // On a restart, existing partitions need their leaders back before clients can use them.
        const partitions = await partitionHealth(admin);
        if (partitions.leaderless > 0) {
          say(`brokers registered, quorum led by ${quorum.leaderId}; ${plural(partitions.leaderless, 'partition')} still without a leader`);
          return false;
        }
        if (partitions.underReplicated > 0) {
          catchUpSince ??= Date.now();
          if (Date.now() - catchUpSince < ISR_CATCH_UP_MS) {
            say(`every partition has a leader; ${plural(partitions.underReplicated, 'partition')} still catching up (replicas rejoining the ISR)`);
            return false;
          }
          warnings.push(`${plural(partitions.underReplicated, 'partition')} still under-replicated ${ISR_CATCH_UP_MS / 1000} s after every partition had a leader; see \`kafkaplane topics describe --under-replicated-partitions\` and the node logs`);
        }
        // A broker registers before its acceptors bind: a port it cannot bind (taken meanwhile by another
        // process) kills it just after registration. Ready means every listener of every node answers.
        const closed = await closedListeners(local);
        if (closed.length > 0) {
          say(`waiting for ${closed.slice(0, 3).join(', ')}${closed.length > 3 ? ` and ${closed.length - 3} more` : ''} to accept connections`);
          return false;
        }
        // Each broker answers clients from its own metadata cache, which learns of newly unfenced brokers a moment
        // later than the controller: a client bootstrapping from a lagging broker would see fewer brokers.
        const lagging = await brokersWithPartialView(local, brokerIds.length);
        if (lagging.length > 0) {
          say(`waiting for ${lagging.join(', ')} to see all ${brokerIds.length} brokers`);
          return false;
        }
        return true;
      });
      if (ready) return;
    } catch (error) {
      lastError = error;
      say('waiting for the first broker to accept connections');
    }
    await sleep(300);
  }
  const logs = model.nodes.map((n) => `  node ${n.id}: ${layout.logFile(n.id)}`).join('\n');
  throw new KafkaplaneError('NOT_READY', `cluster "${local.state.name}" did not become ready within ${Math.round(timeoutMs / 1000)} s (${last}${lastError ? `; last error: ${errorMessage(lastError)}` : ''})`, {
    hint: `look at the node logs:\n${logs}\nor wait longer with --timeout`,
  });
}

/** `node 1 REPLICATION 127.0.0.1:9193` for every listener of every node that does not accept a TCP connection. */
async function closedListeners(local: LocalCluster): Promise<string[]> {
  const checks = local.model.nodes.flatMap((node) =>
    nodeListeners(local.model, node).map(async (listener) => {
      const e = local.placement.internalEndpoint(node, listener);
      const check = await checkAddress(`${e.host}:${e.port}`, 2_000);
      return check.ok ? undefined : `node ${node.id} ${listener.name} ${e.host}:${e.port}`;
    }),
  );
  return (await Promise.all(checks)).filter((c): c is string => c !== undefined);
}

/** `broker 2 (sees 2)` for each broker whose metadata lists fewer than `expected` brokers. */
async function brokersWithPartialView(local: LocalCluster, expected: number): Promise<string[]> {
  const brokers = local.model.nodes.filter((n) => n.broker);
  const views = await Promise.all(
    brokers.map(async (node) => {
      const e = local.placement.internalEndpoint(node, local.model.listeners.replication);
      const address = `${e.host}:${e.port}`;
      const sasl = internalSaslOf(local);
      const seen = await withBrokerLink({ bootstrap: [address], timeoutMs: 3_000, clientId: 'kafkaplane-local', ...(sasl ? { sasl } : {}) }, (link, protocol) => fetchMetadata(link, protocol.metadataV12, [], address))
        .then((m) => m.brokers.length)
        .catch(() => 0);
      return seen < expected ? `broker ${node.id} (sees ${seen})` : undefined;
    }),
  );
  return views.filter((v): v is string => v !== undefined);
}

/** How long `up` waits for followers to rejoin the ISR once everything else is ready. */
const ISR_CATCH_UP_MS = 30_000;

async function partitionHealth(admin: import('@platformatic/kafka').Admin): Promise<{ leaderless: number; underReplicated: number }> {
  const topics = await admin.listTopics({ includeInternals: true });
  if (topics.length === 0) return { leaderless: 0, underReplicated: 0 };
  const metadata = await admin.metadata({ topics, forceUpdate: true });
  let leaderless = 0;
  let underReplicated = 0;
  for (const name of topics) {
    for (const p of metadata.topics.get(name)?.partitions ?? []) {
      if (p.leader < 0) leaderless++;
      else if (p.isr.length < p.replicas.length) underReplicated++;
    }
  }
  return { leaderless, underReplicated };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * Linux hands out source ports of outgoing connections from net.ipv4.ip_local_port_range (32768-60999 by default):
 * a listener port in that range can be taken by any client socket before its node binds it, and the node dies.
 */
async function ephemeralPortsUsed(model: ClusterModel, portBase: number): Promise<string | undefined> {
  let range: [number, number];
  try {
    const [lo, hi] = (await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).trim().split(/\s+/).map(Number);
    if (lo === undefined || hi === undefined || Number.isNaN(lo) || Number.isNaN(hi)) return undefined;
    range = [lo, hi];
  } catch {
    return undefined; // not Linux
  }
  const placement = localPlacement({ portBase, dataDir: () => '' });
  const ports = model.nodes.flatMap((n) => nodeListeners(model, n).map((l) => placement.port(n, l)));
  const inside = ports.filter((p) => p >= range[0] && p <= range[1]).sort((a, b) => a - b);
  if (inside.length === 0) return undefined;
  return `ports ${inside[0]}-${inside.at(-1)} of the port plan lie in this machine's ephemeral port range (${range[0]}-${range[1]}), where outgoing connections take their source ports; one taken before its node binds it stops that node. Prefer a --port-base below ${range[0]} for a new cluster (e.g. 19092)`;
}

function throwIfInterrupted(signal: AbortSignal | undefined, when: string): void {
  if (signal?.aborted) throw new KafkaplaneError('INTERRUPTED', `interrupted ${when}`, { exitCode: 130, hint: 'any node this attempt had started was stopped again; run `kafkaplane up` to start the cluster' });
}

/** Keys whose values differ between a node's running configuration and the one the spec now gives it. */
function changedProperties(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).sort();
}

async function nodeDied(local: LocalCluster, node: ClusterNode): Promise<KafkaplaneError> {
  const { layout } = local;
  const log = await tailLines(layout.logFile(node.id), 30);
  const stdout = await tailLines(layout.stdoutFile(node.id), 15);
  const lines = [...log, ...stdout.map((l) => `[stdout] ${l}`)];
  const reason = explainDeath(lines.join('\n'));
  return new KafkaplaneError('NODE_DIED', `node ${node.id} of cluster "${local.state.name}" exited during start${reason ? `: ${reason}` : ''}\nlast lines of ${layout.logFile(node.id)}:\n${lines.map((l) => `  ${l}`).join('\n')}`, {
    hint: `the whole log is in ${layout.logFile(node.id)} (JVM output in ${layout.stdoutFile(node.id)})`,
  });
}

/** Recognises the failures people hit most, so the message says what happened before the stack trace does. */
export function explainDeath(log: string): string | undefined {
  if (/INCONSISTENT_CLUSTER_ID|InconsistentClusterIdException/.test(log)) return 'its storage belongs to another cluster (INCONSISTENT_CLUSTER_ID)';
  if (/Address already in use|BindException/.test(log)) return 'a port it needs is already in use';
  if (/OutOfMemoryError|Could not reserve enough space/.test(log)) return 'the JVM ran out of memory; lower --heap or free memory';
  if (/No space left on device/.test(log)) return 'the disk is full';
  if (/UnsupportedClassVersionError/.test(log)) return 'the Java version is too old for this Kafka release';
  if (/No readable meta.properties|not formatted/i.test(log)) return 'its storage is not formatted';
  return undefined;
}

export interface LocateOptions {
  cluster?: string;
  stateDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** Finds an existing local cluster: --state-dir, else --cluster / the spec's name, else the only one there is. */
export async function locate(options: LocateOptions & { specCluster?: string }): Promise<LocalCluster> {
  const env = options.env ?? process.env;
  let dir = options.stateDir;
  if (dir === undefined) {
    const name = options.cluster ?? options.specCluster ?? (await onlyCluster(env));
    dir = defaultStateDir(name, env);
  }
  const layout = stateLayout(dir);
  const state = await readState(layout);
  if (!state) {
    throw new KafkaplaneError('NO_CLUSTER_STATE', `no local cluster in ${layout.dir}`, { hint: 'start one with `kafkaplane up -f cluster.yaml`' });
  }
  const tlsDir = join(layout.dir, 'tls');
  const tls = existsSync(join(tlsDir, 'ca.crt')) ? await ensureLocalTls(tlsDir, state.name, 'java') : undefined;
  const internalPassword = await readIfExists(layout.internalPasswordFile);
  return localCluster(layout, state, { ...(tls ? { tls } : {}), ...(internalPassword !== undefined ? { internalPassword } : {}) });
}

export async function listLocalClusters(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const root = join(defaultStateDir('x', env), '..');
  try {
    const names = await readdir(root);
    return names.filter((n) => existsSync(join(root, n, 'cluster.json'))).sort();
  } catch {
    return [];
  }
}

async function onlyCluster(env: NodeJS.ProcessEnv): Promise<string> {
  const names = await listLocalClusters(env);
  if (names.length === 1) return names[0]!;
  if (names.length === 0) throw new KafkaplaneError('NO_CLUSTER_STATE', 'there is no local cluster', { hint: 'start one with `kafkaplane up -f cluster.yaml`' });
  throw new KafkaplaneError('AMBIGUOUS_CLUSTER', `there are ${names.length} local clusters (${names.join(', ')}); say which with --cluster or -f`, { exitCode: 2 });
}

export interface StatusResult {
  name: string;
  stateDir: string;
  clusterId: string;
  kafkaVersion: string;
  running: boolean;
  healthy: boolean;
  bootstrap: string;
  listeners: { name: string; bootstrap: string; securityProtocol: string }[];
  nodes: NodeStatus[];
  quorum: { leaderId: number; leaderEpoch: number; highWatermark: string; voters: { id: number; lag: string }[] } | null;
  error: string | null;
}

async function nodeStatuses(local: LocalCluster, live?: { cluster: ClusterDescription; quorum: QuorumDescription } | undefined): Promise<NodeStatus[]> {
  const { layout, model, placement } = local;
  return Promise.all(
    model.nodes.map(async (node) => {
      const pid = await readPid(layout.pidFile(node.id));
      const runningNow = pid ? await isOurProcess(pid) : false;
      let quorumRole: NodeStatus['quorum'] = null;
      if (live) {
        if (live.quorum.leaderId === node.id) quorumRole = 'leader';
        else if (live.quorum.voters.some((v) => v.id === node.id)) quorumRole = 'voter';
        else if (live.quorum.observers.some((v) => v.id === node.id)) quorumRole = 'observer';
      }
      return {
        id: node.id,
        pool: node.pool,
        roles: node.roles,
        pid: runningNow && pid ? pid.pid : null,
        running: runningNow,
        listeners: nodeListeners(model, node).map((l) => ({ name: l.name, port: placement.port(node, l) })),
        registered: live && node.broker ? live.cluster.brokers.some((b) => b.id === node.id) : null,
        quorum: quorumRole,
        logFile: layout.logFile(node.id),
      };
    }),
  );
}

export async function status(options: LocateOptions & { specCluster?: string }): Promise<StatusResult> {
  const local = await locate(options);
  let live: { cluster: ClusterDescription; quorum: QuorumDescription } | undefined;
  let error: string | null = null;
  const anyRunning = (await nodeStatuses(local)).some((n) => n.running);
  if (anyRunning) {
    try {
      live = await withAdmin(adminConnection(local, 5_000), async (admin) => ({ cluster: await describeCluster(admin), quorum: await describeQuorum(admin) }));
    } catch (e) {
      error = errorMessage(e);
    }
  }
  const nodes = await nodeStatuses(local, live);
  const listeners = clientBootstraps(local);
  const healthy =
    live !== undefined &&
    nodes.every((n) => n.running && (n.registered ?? true)) &&
    live.quorum.leaderId >= 0;
  const leader = live?.quorum.voters.find((v) => v.id === live.quorum.leaderId);
  return {
    name: local.state.name,
    stateDir: local.layout.dir,
    clusterId: local.state.identity.clusterId,
    kafkaVersion: local.state.kafkaVersion,
    running: nodes.some((n) => n.running),
    healthy,
    bootstrap: listeners[0]!.bootstrap,
    listeners,
    nodes,
    quorum: live
      ? {
          leaderId: live.quorum.leaderId,
          leaderEpoch: live.quorum.leaderEpoch,
          highWatermark: String(live.quorum.highWatermark),
          voters: live.quorum.voters.map((v) => ({ id: v.id, lag: String((leader?.logEndOffset ?? v.logEndOffset) - v.logEndOffset) })),
        }
      : null,
    error,
  };
}

export interface DownResult {
  name: string;
  stateDir: string;
  /**
   * `killed` with reason `grace-period`: it outlasted the grace period; with `no-quorum`: it was waiting for a
   * controller quorum that had already shut down (see `down`), so waiting longer would not have helped.
   */
  nodes: { id: number; result: 'stopped' | 'killed' | 'not-running'; reason?: 'grace-period' | 'no-quorum' }[];
  purged: boolean;
}

/**
 * Controlled shutdown. Every node with the broker role gets SIGTERM at once while the controllers are still up — a
 * broker's controlled shutdown needs an active controller, so stopping combined nodes one by one would leave the
 * last ones waiting for a quorum that is gone. Controller-only nodes stop after the brokers. SIGKILL after `graceMs`,
 * or sooner for a node that still waits while fewer than a majority of the controllers are alive: a combined node
 * that was slow to ask for its controlled shutdown can find the other two gone, and Kafka would wait five minutes
 * for an approval no quorum can give (BrokerServer.shutdown). Its data is on disk either way; the next start
 * recovers its logs.
 */
export async function down(options: LocateOptions & { specCluster?: string; purge?: boolean; graceMs?: number; onEvent?: (e: UpEvent) => void }): Promise<DownResult> {
  const local = await locate(options);
  const { layout, model } = local;
  const waves = [model.nodes.filter((n) => n.broker), model.nodes.filter((n) => !n.broker)];
  const results: DownResult['nodes'] = [];
  for (const wave of waves) {
    const running: { id: number; pid: number }[] = [];
    for (const node of wave) {
      const pid = await readPid(layout.pidFile(node.id));
      if (pid && (await isOurProcess(pid))) running.push({ id: node.id, pid: pid.pid });
    }
    if (running.length > 0) options.onEvent?.({ type: 'step', message: `stopping ${running.map((r) => `node ${r.id} (pid ${r.pid})`).join(', ')}` });
    const watchdog = quorumLossWatchdog(local, running, options.onEvent);
    const stopped = await Promise.all(wave.map(async (node) => ({ id: node.id, result: await stopNode(layout, node.id, options.graceMs ?? 30_000) })));
    const noQuorum = watchdog.stop();
    results.push(
      ...stopped.map((r): DownResult['nodes'][number] =>
        noQuorum.has(r.id) ? { id: r.id, result: 'killed', reason: 'no-quorum' } : r.result === 'killed' ? { ...r, reason: 'grace-period' } : r,
      ),
    );
  }
  results.sort((a, b) => a.id - b.id);
  if (options.purge) {
    if (!existsSync(layout.stateFile)) throw new KafkaplaneError('NOT_A_STATE_DIR', `${layout.dir} does not look like a kafkaplane state directory; not deleting it`);
    options.onEvent?.({ type: 'step', message: `deleting ${layout.dir}` });
    await rm(layout.dir, { recursive: true, force: true });
  }
  return { name: local.state.name, stateDir: layout.dir, nodes: results, purged: options.purge ?? false };
}

/**
 * While a wave of nodes shuts down: once fewer than a majority of the controllers are alive for 3 s, a node of the
 * wave whose broker has not finished shutting down can never get its controlled shutdown approved; SIGKILL it. A
 * node whose broker did finish (Kafka logs "[BrokerServer id=N] shut down completed") is only stopping its own
 * controller, which takes a few seconds without peers (the Raft client's graceful shutdown), and is left alone.
 * Returns the ids it killed.
 */
function quorumLossWatchdog(local: LocalCluster, wave: readonly { id: number; pid: number }[], onEvent?: (e: UpEvent) => void): { stop(): Set<number> } {
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
      return own ? alive(own.pid) : existsSync(local.layout.pidFile(id));
    }).length;
    // Only a broker waits for an approval; a controller-only node stops on its own.
    const waiting = wave.filter((w) => brokerIds.has(w.id) && alive(w.pid) && !killed.has(w.id));
    if (controllersAlive >= majority || waiting.length === 0) {
      lostSince = undefined;
      return;
    }
    lostSince ??= Date.now();
    if (Date.now() - lostSince < 3_000) return;
    for (const w of waiting.filter((x) => !brokerDone(x.id))) {
      onEvent?.({ type: 'step', message: `node ${w.id} (pid ${w.pid}) waits for a controller quorum that has shut down (${controllersAlive} of ${controllerIds.length} controllers left): killing it; its logs are recovered at the next start` });
      killed.add(w.id);
      try {
        process.kill(w.pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }, 250);
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

export async function logFiles(options: LocateOptions & { specCluster?: string; node?: number }): Promise<{ id: number; file: string }[]> {
  const local = await locate(options);
  const ids = local.model.nodes.map((n) => n.id);
  if (options.node !== undefined && !ids.includes(options.node)) {
    throw new KafkaplaneError('NO_SUCH_NODE', `cluster "${local.state.name}" has no node ${options.node} (nodes: ${ids.join(', ')})`, { exitCode: 2 });
  }
  return (options.node === undefined ? ids : [options.node]).map((id) => ({ id, file: local.layout.logFile(id) }));
}
