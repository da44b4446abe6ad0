// The KafkaCluster status of the seed-003 shape (separate broker and controller pools) as the operator computes it:
// the CR parsed as the controller reads it from the apiserver, rendered, and its observed status from a Kafka state
// shaped like the real cluster's. (On the real node only seed-002 goes through the operator: docs/operator.md.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { ControllerContext } from '../../../../src/operator/controller.ts';
import type { KafkaState } from '../../../../src/operator/controllers/cluster/kafka-state.ts';
import type { RollState } from '../../../../src/operator/controllers/cluster/roll-step.ts';
import type { KubeObject } from '../../../../src/operator/kube/client.ts';
import { parseClusterObject } from '../../../../src/operator/controllers/cluster/spec.ts';
import { listenerAddresses, observedStatus } from '../../../../src/operator/controllers/cluster/status.ts';
import { renderContext } from '../../../../src/render/kubernetes.ts';

function seed003Object(): KubeObject {
  const text = readFileSync(new URL('../../../../examples/seed-003-dedicated.yaml', import.meta.url), 'utf8');
  const doc = parseAllDocuments(text)[0]!.toJS() as Record<string, any>;
  return { apiVersion: doc.apiVersion, kind: doc.kind, spec: doc.spec, metadata: { ...doc.metadata, uid: 'u-1', generation: 1, resourceVersion: '7' }, status: { conditions: [] } };
}

const replica = (id: number) => ({ id, directoryId: undefined, logEndOffset: 120n, lastFetchTimestamp: 0n, lastCaughtUpTimestamp: 0n });

test('seed-003 as a KafkaCluster CR: two pools with their own node ids, brokers counted without controllers, the quorum of the controllers', async () => {
  const parsed = parseClusterObject(seed003Object());
  assert.equal(parsed.ok, true, JSON.stringify(!parsed.ok && parsed.problems));
  if (!parsed.ok) return;
  const render = renderContext({ cluster: parsed.cluster, topics: [], users: [], source: 'KafkaCluster kafka/data-on-eks' });
  const roll: RollState = { pending: [], waiting: undefined, restarted: undefined, pods: new Map(), settled: true };
  const kafka = {
    clusterId: 'q1Sh-9_ISia_zwGINzRvyQ',
    brokers: [0, 1, 2],
    quorum: { leaderId: 101, leaderEpoch: 3, highWatermark: 120n, voters: [102, 100, 101].map(replica), observers: [2, 0, 1].map(replica) },
    partitions: [],
    replicasOn: new Map(),
    clusterDefaults: {},
    metadataVersionLevel: 27,
    kraftVersionLevel: undefined,
  } as unknown as KafkaState;
  // Internal listeners only: the address needs no apiserver read.
  const listeners = await listenerAddresses({} as ControllerContext, render, roll);
  const status = observedStatus(render, kafka, roll, listeners);
  assert.deepEqual(status.nodePools, [
    { name: 'broker', roles: ['broker'], nodeIds: [0, 1, 2] },
    { name: 'controller', roles: ['controller'], nodeIds: [100, 101, 102] },
  ]);
  assert.equal(status.brokers, 3);
  assert.equal(status.readyBrokers, '3/3', 'the controllers are not brokers');
  assert.deepEqual(status.quorum && { voters: status.quorum.voters, observers: status.quorum.observers, leaderId: status.quorum.leaderId }, {
    voters: [100, 101, 102],
    observers: [0, 1, 2],
    leaderId: 101,
  });
  assert.equal(status.kafkaVersion, '4.1.2');
  assert.equal(status.clusterId, 'q1Sh-9_ISia_zwGINzRvyQ');
  assert.deepEqual(
    status.listeners?.map((l) => [l.name, l.type, l.bootstrapServers, l.securityProtocol]),
    [
      ['plain', 'internal', 'data-on-eks-bootstrap.kafka.svc.cluster.local:9092', 'PLAINTEXT'],
      ['tls', 'internal', 'data-on-eks-bootstrap.kafka.svc.cluster.local:9093', 'SSL'],
    ],
  );
  assert.equal(status.roll, undefined);
});
