// The KafkaCluster controller on the real one-node Kubernetes, run from the test process (laptop mode) through a
// test harness (./harness.ts) until the operator's manager lands. Kafka's own tools and kcat are the judges:
//  1. a seed-002 KafkaCluster (plus a NodePort listener the operator reaches Kafka through) becomes Ready with a
//     correct status, and Kafka answers at the status' addresses;
//  2. reconciling twice writes nothing the second time;
//  3. a cluster-wide dynamic broker config is applied without a restart (kafka-configs shows it);
//  4. a read-only one rolls the pods one at a time under acks=all load: 0 acknowledged records lost;
//  5. a broker added gets a stable id; removing it is refused while it hosts replicas, and with
//     spec.kubernetes.scaleDown.drain the operator moves them off (throttled) and then removes it: no record lost;
//  6. a StatefulSet with an older release's selector is replaced with its pods orphaned and adopted (no restart);
//  7. spec.quorum.mode static → dynamic: kraft.version upgraded to 1, then a roll; the quorum is dynamic, no data lost.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { customResourceDefinitions } from '../../../src/api/crd.ts';
import type { KafkaClusterStatus } from '../../../src/api/status.ts';
import { withAdmin } from '../../../src/kafka/admin-session.ts';
import { describeBrokerConfigs } from '../../../src/kafka/broker-configs.ts';
import { kafkaClusterController } from '../../../src/operator/controllers/cluster/controller.ts';
import { OWNER_ANNOTATION } from '../../../src/operator/kube/apply.ts';
import type { KubeObject } from '../../../src/operator/kube/client.ts';
import { collectionPath } from '../../../src/operator/kube/resources.ts';
import { CLUSTER_WIDE_DYNAMIC_CONFIGS } from '../../../src/ops/config-change.ts';
import { type KubeNode, startKubeNode, waitUntil } from '../../helpers/kube-node.ts';
import { CLIENT_POD, KAFKA_PODS, deleteNamespace } from '../node/kafka.ts';
import { elapsed, ensureNamespace, exec, exampleWithImage, kcatConsumeAll, pods, startClientPod } from '../node/support.ts';
import { rollUnderLoad } from '../node/roll-load.ts';
import { Harness } from './harness.ts';
import { parseAllDocuments } from 'yaml';
import fs from 'node:fs';

const NS = 'opc';
const NAME = 'kafka';
const KEY = `${NS}/${NAME}`;
const TOPIC = 'roll-topic';
/** NodePorts of this file (docs/testing.md lists the node tests' ports): bootstrap 30290, brokers from 30291. */
const BOOTSTRAP_NODE_PORT = 30290;
const INTERNAL = `${NAME}-bootstrap.${NS}.svc.cluster.local:9092`;

/** seed-002 with the test image, a NodePort listener (the operator in this process reaches Kafka through it). */
function clusterObject(edit?: (spec: Record<string, any>) => void): Record<string, any> {
  const file = exampleWithImage('seed-002-combined.yaml', 'IMAGE', undefined);
  const doc = parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as Record<string, any>)
    .find((d) => d.kind === 'KafkaCluster')!;
  doc.metadata = { name: NAME, namespace: NS };
  doc.spec.listeners.push({ name: 'external', port: 9094, type: 'nodeport', configuration: { bootstrap: { nodePort: BOOTSTRAP_NODE_PORT } } });
  doc.spec.config['log.retention.ms'] = 604_800_000;
  // Created static (as a cluster made at 3.9 / 4.0 runs): the last test has the operator switch it to dynamic.
  doc.spec.quorum = { mode: 'static' };
  edit?.(doc.spec);
  return doc;
}

async function applyCluster(node: KubeNode, object: Record<string, any>): Promise<void> {
  object.spec.kubernetes.image = node.images.kafka;
  await node.kubectl(['apply', '--server-side', '--field-manager=kafkaplane-test-user', '-f', '-'], { input: JSON.stringify(object) });
}

async function getCluster(harness: Harness): Promise<KubeObject & { status?: KafkaClusterStatus }> {
  return (await harness.client.get('KafkaCluster', NS, NAME))!;
}

const condition = (c: { status?: KafkaClusterStatus }, type: string) => c.status?.conditions?.find((x) => x.type === type);

/** Ready True for the current generation. */
async function waitReady(harness: Harness, what: string, timeoutMs: number) {
  return waitUntil(
    what,
    timeoutMs,
    async () => {
      const c = await getCluster(harness);
      const ready = condition(c, 'Ready');
      return ready?.status === 'True' && ready.observedGeneration === c.metadata.generation ? c : false;
    },
    2_000,
  ).catch(async (error: Error) => {
    const c = await getCluster(harness);
    throw new Error(`${error.message}\nstatus: ${JSON.stringify(c.status, null, 1).slice(0, 3000)}`);
  });
}

/** resourceVersion of every object the operator applied for the cluster, and of the KafkaCluster itself. */
async function ownedVersions(harness: Harness): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const kind of ['ServiceAccount', 'Secret', 'ConfigMap', 'Service', 'StatefulSet', 'PodDisruptionBudget', 'NetworkPolicy']) {
    const list = await harness.client.request<{ items: KubeObject[] }>('GET', collectionPath(kind, NS));
    for (const o of list.items) if (o.metadata.annotations?.[OWNER_ANNOTATION]) out.set(`${kind}/${o.metadata.name}`, o.metadata.resourceVersion!);
  }
  out.set('KafkaCluster', (await getCluster(harness)).metadata.resourceVersion!);
  return out;
}

function hostKcat(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('kcat', args, { timeout: 30_000 }, (err, stdout, stderr) => (err ? reject(new Error(`kcat ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
  });
}

async function kafkaTool(node: KubeNode, tool: string, args: string[]) {
  return exec(node, NS, CLIENT_POD, ['env', 'KAFKA_HEAP_OPTS=-Xmx128m', `/opt/kafka/bin/${tool}`, '--bootstrap-server', INTERNAL, ...args], { timeoutMs: 120_000 });
}

describe('operator: the KafkaCluster controller on the one-node Kubernetes', { timeout: 2_400_000 }, () => {
  let node: KubeNode;
  let harness: Harness;
  const kafkaAddress = () => ({ bootstrap: [`10.213.0.1:${BOOTSTRAP_NODE_PORT}`], timeoutMs: 5_000, clientId: 'kafkaplane-operator-test' });
  before(async () => {
    node = await startKubeNode();
    harness = new Harness(node.kubeconfigPath, kafkaClusterController, NS, () => kafkaAddress());
    for (const crd of customResourceDefinitions()) await harness.client.apply(crd as unknown as KubeObject);
    await node.kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/kafkaclusters.kafkaplane.io']);
    await ensureNamespace(node, NS);
    await harness.start();
  });
  after(async () => {
    await harness?.stop();
    if (node) await deleteNamespace(node, NS).catch(() => undefined);
    await node?.stop();
  });

  test('a seed-002 KafkaCluster becomes Ready with a correct status; Kafka answers at the status addresses', async () => {
    const started = Date.now();
    await applyCluster(node, clusterObject());
    const cluster = await waitReady(harness, 'the KafkaCluster Ready', 600_000);
    const readySeconds = elapsed(started);
    const status = cluster.status!;
    const identity = JSON.parse((await node.kubectl(['get', 'secret', `${NAME}-identity`, '-n', NS, '-o', 'json'])).stdout);
    assert.equal(status.clusterId, Buffer.from(identity.data['cluster-id'], 'base64').toString(), 'the cluster id Kafka reports is the identity Secret one');
    assert.deepEqual(status.nodePools, [{ name: 'dual', roles: ['broker', 'controller'], nodeIds: [0, 1, 2] }]);
    assert.equal(status.readyBrokers, '3/3');
    assert.deepEqual(status.quorum?.voters, [0, 1, 2]);
    assert.ok([0, 1, 2].includes(status.quorum!.leaderId));
    assert.equal(status.kafkaVersion, '4.1.2');
    assert.match(status.metadataVersion ?? '', /^4\.1-IV\d$/);
    assert.deepEqual(
      status.listeners?.map((l) => [l.name, l.type, l.bootstrapServers]),
      [
        ['client', 'internal', INTERNAL],
        ['external', 'nodeport', `10.213.0.1:${BOOTSTRAP_NODE_PORT}`],
      ],
    );
    for (const type of ['Reconciling', 'Degraded']) assert.equal(condition(cluster, type)?.status, 'False', type);
    const sts = JSON.parse((await node.kubectl(['get', 'sts', `${NAME}-dual`, '-n', NS, '-o', 'json'])).stdout);
    assert.equal(sts.spec.updateStrategy.type, 'OnDelete', 'the operator, not the StatefulSet controller, decides restarts');
    assert.equal(sts.metadata.ownerReferences?.[0]?.kind, 'KafkaCluster');

    // kcat from the host at the status' external address; from a pod at the internal one.
    const external = await hostKcat(['-b', status.listeners![1]!.bootstrapServers, '-L', '-m', '10']);
    assert.match(external, / 3 brokers:/);
    assert.match(external, /broker 0 at 10\.213\.0\.1:30291/);
    await startClientPod(node, NS, CLIENT_POD);
    const internal = await exec(node, NS, CLIENT_POD, ['kcat', '-b', status.listeners![0]!.bootstrapServers, '-L', '-m', '10'], { timeoutMs: 60_000 });
    assert.match(internal.stdout, / 3 brokers:/);
    const quorum = await kafkaTool(node, 'kafka-metadata-quorum.sh', ['describe', '--status']);
    assert.match(quorum.stdout, new RegExp(`ClusterId:\\s+${status.clusterId}`));
    assert.match(quorum.stdout, new RegExp(`LeaderId:\\s+${status.quorum!.leaderId}\\b`));
    const events = harness.events.map((e) => e.reason);
    assert.ok(events.includes('Applied'), `an Applied event (${events.join(', ')})`);
    process.stderr.write(
      `[operator-node] Ready ${readySeconds} s after the KafkaCluster was applied; ${harness.reconciles.length} reconciles (${harness.reconciles.filter((r) => r.error).length} failed, slowest ${Math.max(...harness.reconciles.map((r) => r.ms))} ms)\n`,
    );
  });

  test('a spec the CRD lets through but kafkaplane refuses: Ready False InvalidSpec with the path, nothing applied', async () => {
    const bad = clusterObject((spec) => {
      spec.config['node.id'] = 7;
    });
    bad.metadata.name = 'bad';
    await applyCluster(node, bad);
    const invalid = await waitUntil(
      'Ready False InvalidSpec',
      60_000,
      async () => {
        const c = await harness.client.get<KubeObject & { status?: KafkaClusterStatus }>('KafkaCluster', NS, 'bad');
        const ready = c && condition(c, 'Ready');
        return ready?.status === 'False' && ready.reason === 'InvalidSpec' ? ready : false;
      },
      1_000,
    );
    assert.match(invalid.message, /spec\.config\["node\.id"\]: "node\.id" is managed by kafkaplane/);
    assert.equal(await harness.client.get('StatefulSet', NS, 'bad-dual'), undefined, 'nothing applied');
    assert.equal(await harness.client.get('ConfigMap', NS, 'bad-config'), undefined, 'nothing applied');
    assert.ok(harness.events.some((e) => e.type === 'Warning' && e.reason === 'InvalidSpec'));
    await harness.client.delete('KafkaCluster', NS, 'bad');
  });

  test('reconciling twice writes nothing the second time (every resourceVersion unchanged)', async () => {
    await harness.pause();
    try {
      await harness.reconcile(KEY);
      // The informer's copy of the KafkaCluster catches up with the status just written.
      await new Promise((r) => setTimeout(r, 1_500));
      const first = await ownedVersions(harness);
      const eventsBefore = harness.events.length;
      await harness.reconcile(KEY);
      const second = await ownedVersions(harness);
      const changed = [...second].filter(([k, v]) => first.get(k) !== v).map(([k]) => k);
      assert.deepEqual(changed, [], 'no object written by the second reconcile');
      assert.ok(first.size >= 8, `owned objects compared: ${[...first.keys()].join(', ')}`);
      assert.equal(harness.events.length, eventsBefore, 'no event either');
      process.stderr.write(`[operator-node] second reconcile: ${first.size} objects, none written\n`);
    } finally {
      harness.resume();
    }
  });

  test('a cluster-wide dynamic config is applied with no restart and is visible in kafka-configs', async () => {
    // Kafka itself says which configs it takes dynamically: every key kafkaplane treats as cluster-wide dynamic must
    // be one Kafka does not mark read-only, and the key used for the roll below must be read-only.
    const entries = await withAdmin(kafkaAddress(), (admin) => describeBrokerConfigs(admin, 0));
    const byName = new Map(entries.map((e) => [e.name, e]));
    const readOnlyInKafka = [...CLUSTER_WIDE_DYNAMIC_CONFIGS].filter((k) => byName.get(k)?.readOnly === true);
    assert.deepEqual(readOnlyInKafka, [], 'keys kafkaplane applies dynamically that Kafka says are read-only');
    assert.equal(byName.get('queued.max.requests')?.readOnly, true, 'queued.max.requests is read-only in Kafka');
    const unknown = [...CLUSTER_WIDE_DYNAMIC_CONFIGS].filter((k) => !byName.has(k));

    const uids = new Map((await pods(node, NS, KAFKA_PODS)).map((p) => [p.name, p.uid]));
    const template = async () => JSON.stringify(JSON.parse((await node.kubectl(['get', 'sts', `${NAME}-dual`, '-n', NS, '-o', 'json'])).stdout).spec.template.metadata.annotations);
    const hashBefore = await template();
    const started = Date.now();
    await applyCluster(
      node,
      clusterObject((spec) => {
        spec.config['log.retention.ms'] = 3_600_000;
      }),
    );
    await waitUntil(
      'log.retention.ms=3600000 on every broker (kafka-configs)',
      120_000,
      async () => {
        for (const id of [0, 1, 2]) {
          const out = await kafkaTool(node, 'kafka-configs.sh', ['--entity-type', 'brokers', '--entity-name', String(id), '--describe', '--all']);
          if (!/\blog\.retention\.ms=3600000\b/.test(out.stdout)) return false;
        }
        return true;
      },
      3_000,
    );
    const appliedSeconds = elapsed(started);
    await waitReady(harness, 'Ready after the dynamic change', 120_000);
    const defaults = await kafkaTool(node, 'kafka-configs.sh', ['--entity-type', 'brokers', '--entity-default', '--describe']);
    assert.match(defaults.stdout, /log\.retention\.ms=3600000/, 'set as a cluster-wide default');
    assert.equal(await template(), hashBefore, 'the pod template (config hash) did not change');
    // A while longer: nothing restarts later either.
    await new Promise((r) => setTimeout(r, 10_000));
    const after1 = await pods(node, NS, KAFKA_PODS);
    assert.deepEqual(new Map(after1.map((p) => [p.name, p.uid])), uids, 'no pod restarted');
    assert.ok(harness.events.some((e) => e.reason === 'ConfigUpdated' && e.message.includes('log.retention.ms=3600000')));
    process.stderr.write(
      `[operator-node] dynamic log.retention.ms visible on every broker ${appliedSeconds} s after the change; no pod restarted; keys Kafka 4.1 does not list: ${unknown.join(', ') || 'none'}\n`,
    );
  });

  test('a read-only config rolls the pods one at a time under acks=all load; 0 acknowledged records lost', async () => {
    await kafkaTool(node, 'kafka-topics.sh', ['--create', '--if-not-exists', '--topic', TOPIC, '--partitions', '3', '--replication-factor', '3', '--config', 'min.insync.replicas=2']);
    const uids = new Map((await pods(node, NS, KAFKA_PODS)).map((p) => [p.name, p.uid]));
    const configMaps = async () =>
      (JSON.parse((await node.kubectl(['get', 'configmaps', '-n', NS, '-l', 'kafkaplane.io/pool', '-o', 'json'])).stdout).items as KubeObject[]).map((c) => c.metadata.name);
    const [oldConfigMap] = await configMaps();
    let keptDuringRoll = false;
    const deployment = { namespace: NS, cluster: NAME, bootstrap: INTERNAL, manifest: '', applySeconds: 0 };
    const roll = await rollUnderLoad(node, deployment, TOPIC, async () => {
      await new Promise((r) => setTimeout(r, 3_000));
      await applyCluster(
        node,
        clusterObject((spec) => {
          spec.config['log.retention.ms'] = 3_600_000;
          spec.config['queued.max.requests'] = 600;
        }),
      );
      await waitUntil(
        'every pod restarted and the KafkaCluster Ready',
        900_000,
        async () => {
          const list = await pods(node, NS, KAFKA_PODS);
          // The pools' ConfigMaps are named by content: the old one stays while a pod not yet restarted mounts it.
          if (list.some((p) => uids.get(p.name) === p.uid) && (await configMaps()).length === 2) keptDuringRoll = true;
          if (!list.every((p) => uids.get(p.name) !== p.uid && p.ready)) return false;
          const c = await getCluster(harness);
          const ready = condition(c, 'Ready');
          return ready?.status === 'True' && ready.observedGeneration === c.metadata.generation;
        },
        2_000,
      );
    });
    assert.deepEqual(roll.lost.slice(0, 10), [], `${roll.lost.length} acknowledged records lost`);
    assert.ok(roll.acked > 0);
    assert.equal(roll.maxAway, 1, 'one pod at a time');
    assert.ok(roll.minIsr >= 2, `the ISR never fell below min.insync.replicas (smallest seen ${roll.minIsr})`);
    assert.ok(keptDuringRoll, `the old ConfigMap ${oldConfigMap} was kept while a pod still mounted it`);
    await harness.reconcile(KEY);
    const after = await configMaps();
    assert.equal(after.length, 1, `once no pod mounts it, the old ConfigMap is pruned: ${after.join(', ')}`);
    assert.notEqual(after[0], oldConfigMap);
    const config = await kafkaTool(node, 'kafka-configs.sh', ['--entity-type', 'brokers', '--entity-name', '0', '--describe', '--all']);
    assert.match(config.stdout, /\bqueued\.max\.requests=600\b/);
    const restarts = harness.events.filter((e) => e.reason === 'RestartingNode').map((e) => e.message);
    assert.equal(restarts.length, 3, restarts.join('\n'));
    const leaderLast = /the active controller, last/.test(restarts[2]!);
    const kubeEvents = JSON.parse((await node.kubectl(['get', 'events', '-n', NS, '--field-selector', `involvedObject.kind=KafkaCluster,involvedObject.name=${NAME}`, '-o', 'json'])).stdout).items as {
      reason: string;
    }[];
    assert.equal(kubeEvents.filter((e) => e.reason === 'RestartingNode').length, 3, 'kubectl describe shows the restarts');
    process.stderr.write(
      `[operator-node] roll: ${roll.seconds} s for 3 pods (order ${roll.restartOrder.join(' → ')}; active controller last: ${leaderLast}); ${roll.batches} batches: acked ${roll.acked}, failed ${roll.failed}, read ${roll.readOwn}, lost ${roll.lost.length}, duplicates ${roll.duplicates}; smallest ISR ${roll.minIsr} of 3; at most ${roll.maxAway} pod(s) away; old ConfigMap kept during the roll, pruned after\n`,
    );
  });

  test('scale-up adds a broker with a stable id; scale-down is refused while it hosts replicas, or drained first when the spec allows', async () => {
    const dualUids = new Map((await pods(node, NS, KAFKA_PODS)).map((p) => [p.name, p.uid]));
    const withBrokers = (replicas: number) =>
      clusterObject((spec) => {
        spec.config['log.retention.ms'] = 3_600_000;
        spec.config['queued.max.requests'] = 600;
        spec.nodePools.push({
          name: 'broker',
          roles: ['broker'],
          replicas,
          storage: { size: '2Gi', class: 'standard' },
          resources: { requests: { cpu: '200m', memory: '1Gi' }, limits: { memory: '1536Mi' } },
        });
      });
    const started = Date.now();
    await applyCluster(node, withBrokers(1));
    const cluster = await waitReady(harness, 'Ready with 4 brokers', 600_000);
    const upSeconds = elapsed(started);
    assert.deepEqual(cluster.status!.nodePools?.find((p) => p.name === 'broker')?.nodeIds, [100], 'the new broker is node 100 (its pool’s id block)');
    assert.equal(cluster.status!.readyBrokers, '4/4');
    const metadata = await hostKcat(['-b', `10.213.0.1:${BOOTSTRAP_NODE_PORT}`, '-L', '-m', '10']);
    assert.match(metadata, / 4 brokers:/);
    assert.match(metadata, /broker 100 at 10\.213\.0\.1:\d+/);
    const after1 = await pods(node, NS, KAFKA_PODS);
    for (const [name, uid] of dualUids) assert.equal(after1.find((p) => p.name === name)?.uid, uid, `${name} was not restarted by the scale-up`);

    // A topic with a replica on broker 100 (the leader of both partitions), with records; then the spec asks to remove it.
    await kafkaTool(node, 'kafka-topics.sh', ['--create', '--topic', 'on-100', '--replica-assignment', '100:0,100:1', '--config', 'min.insync.replicas=2']);
    await exec(node, NS, CLIENT_POD, ['sh', '-c', `seq 1 3000 | sed 's/^/on-100-/' | kcat -P -b ${INTERNAL} -t on-100 -X acks=all -X linger.ms=20`], { timeoutMs: 120_000 });
    const refusedFor = async (what: string) =>
      waitUntil(
        `Degraded ScaleDownRefused (${what})`,
        120_000,
        async () => {
          const c = await getCluster(harness);
          const d = condition(c, 'Degraded');
          return d?.status === 'True' && d.reason === 'ScaleDownRefused' && d.observedGeneration === c.metadata.generation ? d : false;
        },
        2_000,
      );
    await applyCluster(node, withBrokers(0));
    const refused = await refusedFor('replicas 1 → 0');
    assert.match(refused.message, /broker 100 hosts \d+ partition replica/);
    // Dropping the whole pool would prune its StatefulSet: refused the same way.
    await applyCluster(
      node,
      clusterObject((spec) => {
        spec.config['log.retention.ms'] = 3_600_000;
        spec.config['queued.max.requests'] = 600;
      }),
    );
    const dropped = await refusedFor('pool removed');
    assert.match(dropped.message, /broker 100 hosts \d+ partition replica/);
    await new Promise((r) => setTimeout(r, 5_000));
    const sts = JSON.parse((await node.kubectl(['get', 'sts', `${NAME}-broker`, '-n', NS, '-o', 'json'])).stdout);
    assert.equal(sts.spec.replicas, 1, 'nothing applied: the broker pool keeps its pod');
    assert.ok((await pods(node, NS, KAFKA_PODS)).some((p) => p.name === `${NAME}-broker-0` && p.ready));
    assert.ok(harness.events.some((e) => e.type === 'Warning' && e.reason === 'ScaleDownRefused'));
    // The same spec with spec.kubernetes.scaleDown.drain: the operator moves broker 100's replicas to the brokers
    // that stay (with a replication throttle), then the pool goes and the refusal clears.
    const drained = Date.now();
    await applyCluster(
      node,
      clusterObject((spec) => {
        spec.config['log.retention.ms'] = 3_600_000;
        spec.config['queued.max.requests'] = 600;
        spec.kubernetes.scaleDown = { drain: true, replicationThrottle: 10 * 1024 * 1024 };
      }),
    );
    await waitUntil(
      'the pool removed, Degraded False and Ready True',
      300_000,
      async () => {
        const c = await getCluster(harness);
        const gone = (await harness.client.get('StatefulSet', NS, `${NAME}-broker`)) === undefined;
        return gone && condition(c, 'Degraded')?.status === 'False' && condition(c, 'Ready')?.status === 'True' && condition(c, 'Ready')?.observedGeneration === c.metadata.generation;
      },
      2_000,
    );
    // The drain's record (written before its throttle was set) goes with the throttle.
    assert.equal((((await getCluster(harness)).status ?? {}) as { drain?: unknown }).drain, undefined, 'status.drain removed');
    const drainEvents = harness.events.filter((e) => e.reason === 'DrainingBrokers' || e.reason === 'BrokersDrained');
    assert.match(drainEvents.find((e) => e.reason === 'DrainingBrokers')?.message ?? '', /^moving 2 partition replicas off brokers 100 \(throttle 10485760 bytes\/s per broker\)$/);
    assert.match(drainEvents.find((e) => e.reason === 'BrokersDrained')?.message ?? '', /^brokers 100 host no partition replicas \(2 moved in \d+ s\): removing them$/);
    // Kafka's own tools: the partitions live on the brokers that stay, in sync; every record is there; no throttle left.
    const described = (await kafkaTool(node, 'kafka-topics.sh', ['--describe', '--topic', 'on-100'])).stdout;
    for (const line of described.split('\n').filter((l) => /Partition: \d/.test(l))) {
      const replicas = /Replicas: ([\d,]+)/.exec(line)![1]!.split(',').map(Number);
      const isr = /Isr: ([\d,]+)/.exec(line)![1]!.split(',').map(Number);
      assert.equal(replicas.length, 2, line);
      assert.ok(
        replicas.every((r) => r !== 100 && isr.includes(r)),
        line,
      );
    }
    const read = await kcatConsumeAll(node, NS, CLIENT_POD, INTERNAL, 'on-100');
    const values = new Set(read.values());
    const missing = Array.from({ length: 3000 }, (_, i) => `on-100-${i + 1}`).filter((v) => !values.has(v));
    assert.deepEqual(missing, [], 'every record produced before the drain is read back');
    const brokerConfigs = (await kafkaTool(node, 'kafka-configs.sh', ['--describe', '--entity-type', 'brokers'])).stdout;
    assert.doesNotMatch(brokerConfigs, /replication\.throttled\.rate/, 'the throttle is removed from the brokers');
    const topicConfigs = (await kafkaTool(node, 'kafka-configs.sh', ['--describe', '--entity-type', 'topics', '--entity-name', 'on-100'])).stdout;
    assert.doesNotMatch(topicConfigs, /throttled\.replicas/, 'and from the topic');
    assert.equal(await harness.client.get('Service', NS, `${NAME}-external-100`), undefined, 'its per-broker Service pruned too');
    const remaining = await pods(node, NS, KAFKA_PODS);
    for (const [name, uid] of dualUids) assert.equal(remaining.find((p) => p.name === name)?.uid, uid, `${name} untouched`);
    assert.deepEqual(
      (await getCluster(harness)).status!.nodePools?.map((p) => p.name),
      ['dual'],
    );
    const removedSeconds = elapsed(drained);
    process.stderr.write(
      `[operator-node] scale-up: Ready with broker 100 ${upSeconds} s after the change, no combined node restarted; scale-down refused: ${refused.message}; with scaleDown.drain the replicas moved and the pool was removed ${removedSeconds} s after the change (3,000 records read back)\n`,
    );
  });
  test('a StatefulSet with an older selector (name/instance) is replaced with its pods orphaned: adopted, not restarted', async () => {
    const sts = `${NAME}-dual`;
    const uids = new Map((await pods(node, NS, KAFKA_PODS)).filter((p) => p.name.startsWith(`${sts}-`)).map((p) => [p.name, p.uid]));
    // What an older kafkaplane release left: the same StatefulSet selecting on name/instance labels.
    await harness.pause();
    const live = JSON.parse((await node.kubectl(['get', 'sts', sts, '-n', NS, '-o', 'json'])).stdout);
    await node.kubectl(['delete', 'sts', sts, '-n', NS, '--cascade=orphan', '--wait=true']);
    const { name, namespace, labels, annotations, ownerReferences } = live.metadata;
    const old = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name, namespace, labels, annotations, ownerReferences },
      spec: { ...live.spec, selector: { matchLabels: { 'app.kubernetes.io/name': 'kafka', 'app.kubernetes.io/instance': NAME, 'kafkaplane.io/pool': 'dual' } } },
    };
    await node.kubectl(['create', '-f', '-'], { input: JSON.stringify(old) });
    const oldUid = JSON.parse((await node.kubectl(['get', 'sts', sts, '-n', NS, '-o', 'json'])).stdout).metadata.uid as string;
    const started = Date.now();
    harness.resume();
    const replaced = await waitUntil(
      'the StatefulSet re-created with the new selector, its pods adopted',
      180_000,
      async () => {
        const now = await harness.client.get('StatefulSet', NS, sts);
        if (!now || now.metadata.uid === oldUid) return false;
        const selector = (now.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
        if (selector['kafkaplane.io/cluster'] !== NAME) return false;
        const owned = (await pods(node, NS, KAFKA_PODS)).every((p) => p.ready);
        const list = JSON.parse((await node.kubectl(['get', 'pods', '-n', NS, '-l', `kafkaplane.io/pool=dual`, '-o', 'json'])).stdout).items as any[];
        return owned && list.length === 3 && list.every((p) => p.metadata.ownerReferences?.some((r: any) => r.uid === now.metadata.uid)) ? now : false;
      },
      2_000,
    );
    const replaceSeconds = elapsed(started);
    await waitReady(harness, 'Ready after the replace', 180_000);
    assert.ok(harness.events.some((e) => e.reason === 'ReplacingStatefulSet' && /selector/.test(e.message)));
    const after = await pods(node, NS, KAFKA_PODS);
    for (const [pod, uid] of uids) assert.equal(after.find((p) => p.name === pod)?.uid, uid, `${pod} kept (adopted, not re-created)`);
    process.stderr.write(`[operator-node] StatefulSet ${replaced.metadata.name} with an old selector replaced (orphan) and its 3 pods adopted in ${replaceSeconds} s, no pod restarted\n`);
  });

  test('spec.quorum.mode static → dynamic: kraft.version upgraded to 1, then rolled; the quorum is dynamic and keeps its data', async () => {
    const directoryIds = (out: string) => [...out.matchAll(/"directoryId": ?"([A-Za-z0-9_-]{22})"/g)].map((m) => m[1]!).filter((id) => id !== 'AAAAAAAAAAAAAAAAAAAAAA');
    const before = await kafkaTool(node, 'kafka-metadata-quorum.sh', ['describe', '--status']);
    const idsBefore = directoryIds(before.stdout).length;
    const recordsBefore = await kcatConsumeAll(node, NS, CLIENT_POD, INTERNAL, TOPIC);
    assert.ok(recordsBefore.size > 0, 'the roll test left records to check');
    const started = Date.now();
    await applyCluster(
      node,
      clusterObject((spec) => {
        spec.config['log.retention.ms'] = 3_600_000;
        spec.config['queued.max.requests'] = 600;
        spec.quorum = { mode: 'dynamic' };
      }),
    );
    await waitUntil('kraft.version upgraded by the operator', 180_000, async () => harness.events.some((e) => e.reason === 'QuorumUpgraded'), 2_000).catch(async (error: Error) => {
      const c = await getCluster(harness);
      throw new Error(`${error.message}\nconditions: ${JSON.stringify(c.status?.conditions)}\nlogs: ${harness.logs.slice(-5).join('\n')}`);
    });
    const upgradedSeconds = elapsed(started);
    await waitUntil(
      'the pods rolled with controller.quorum.bootstrap.servers',
      420_000,
      async () => {
        const c = await getCluster(harness);
        const q = condition(c, 'QuorumSwitch');
        return condition(c, 'Ready')?.status === 'True' && q?.status === 'False' && c.status?.quorum?.mode === 'dynamic' ? c : false;
      },
      3_000,
    ).catch(async (error: Error) => {
      const c = await getCluster(harness);
      throw new Error(
        `${error.message}\nconditions: ${JSON.stringify(c.status?.conditions)}\nevents: ${harness.events
          .slice(-8)
          .map((e) => `${e.reason}: ${e.message}`)
          .join('\n')}`,
      );
    });
    const seconds = elapsed(started);
    const restarts = harness.events.filter((e) => e.reason === 'RestartingNode').slice(-3);
    const status = await kafkaTool(node, 'kafka-metadata-quorum.sh', ['describe', '--status']);
    assert.equal(directoryIds(status.stdout).length, 3, `every voter has a directory id\n${status.stdout}`);
    assert.match(status.stdout, /CurrentVoters:\s+\[\{"id": ?0.*"id": ?1.*"id": ?2/s);
    const features = await kafkaTool(node, 'kafka-features.sh', ['describe']);
    assert.match(features.stdout, /Feature: kraft\.version\s+SupportedMinVersion: \d+\s+SupportedMaxVersion: \d+\s+FinalizedVersionLevel: 1/);
    const configMaps = JSON.parse((await node.kubectl(['get', 'configmaps', '-n', NS, '-l', 'kafkaplane.io/pool=dual', '-o', 'json'])).stdout).items as any[];
    assert.ok(configMaps.length >= 1 && configMaps.every((c) => !/controller\.quorum\.voters=/.test(JSON.stringify(c.data))), 'the pools run controller.quorum.bootstrap.servers');
    const recordsAfter = await kcatConsumeAll(node, NS, CLIENT_POD, INTERNAL, TOPIC);
    const total = recordsBefore.size;
    assert.equal(recordsAfter.size, total, 'as many records as before the switch');
    assert.ok(
      [...recordsBefore].every(([at, value]) => recordsAfter.get(at) === value),
      'every record at its offset, same value',
    );
    process.stderr.write(
      `[operator-node] quorum switch: kraft.version 1 ${upgradedSeconds} s after the spec change, dynamic and Ready after ${seconds} s; restarts: ${restarts.map((e) => e.message.replace(/ to restart.*/, '')).join(' → ')}; ${total} records kept; voters with a directory id before/after: ${idsBefore}/3\n`,
    );
  });
});
