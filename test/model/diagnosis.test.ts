import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type DoctorFacts, diagnoseCluster, doctorExitCode } from '../../src/model/diagnosis.ts';

const NOW = 1_700_000_000_000;

function healthy(): DoctorFacts {
  return {
    bootstrap: [{ address: 'k:9092', ok: true }],
    connectError: null,
    cluster: {
      clusterId: 'c',
      brokers: [0, 1, 2].map((id) => ({ id, host: `k${id}`, port: 9092 })),
      advertised: [0, 1, 2].map((id) => ({ brokerId: id, address: `k${id}:9092`, ok: true })),
      partitions: [0, 1, 2].map((p) => ({ topic: 'orders', partition: p, leader: p, replicas: [0, 1, 2], isr: [0, 1, 2], minIsr: 2, internal: false })),
      quorum: { leaderId: 0, voters: [0, 1, 2].map((id) => ({ id, lastFetchTimestamp: NOW, lastCaughtUpTimestamp: NOW, lag: 0 })) },
      groups: [{ group: 'billing', state: 'Stable', members: 2, partitions: [{ topic: 'orders', partition: 0, committed1: 10, committed2: 20, end1: 25, end2: 30 }] }],
      groupsError: null,
    },
    local: null,
    lagSampleMs: 5000,
  };
}

const severities = (facts: DoctorFacts) => Object.fromEntries(diagnoseCluster(facts).filter((f) => f.severity !== 'ok').map((f) => [f.check, f.severity]));

test('a healthy cluster: only ok findings, exit 0', () => {
  const findings = diagnoseCluster(healthy());
  assert.ok(findings.every((f) => f.severity === 'ok'), JSON.stringify(findings.filter((f) => f.severity !== 'ok')));
  assert.equal(doctorExitCode(findings), 0);
});

test('a stopped broker: it is down, its partitions under-replicated, one under min ISR, and the quorum degraded', () => {
  const facts = healthy();
  const c = facts.cluster!;
  c.brokers = c.brokers.filter((b) => b.id !== 2);
  c.advertised = c.advertised.filter((a) => a.brokerId !== 2);
  c.partitions = c.partitions.map((p) => ({ ...p, isr: [0, 1] }));
  c.partitions.push({ topic: 'strict', partition: 0, leader: 0, replicas: [0, 2, 1], isr: [0, 1], minIsr: 3, internal: false });
  c.quorum = { leaderId: 0, voters: [{ id: 0, lastFetchTimestamp: NOW, lastCaughtUpTimestamp: NOW, lag: 0 }, { id: 1, lastFetchTimestamp: NOW, lastCaughtUpTimestamp: NOW, lag: 0 }, { id: 2, lastFetchTimestamp: NOW - 60_000, lastCaughtUpTimestamp: NOW - 60_000, lag: 500 }] };
  const findings = diagnoseCluster(facts);
  const down = findings.find((f) => f.check === 'brokers')!;
  assert.equal(down.severity, 'critical');
  assert.match(down.title, /broker down: 2/);
  const minIsr = findings.find((f) => f.check === 'partitions' && /min\.insync\.replicas/.test(f.title))!;
  assert.equal(minIsr.severity, 'critical');
  assert.match(minIsr.detail[0]!, /strict-0: ISR 0,1 \(2\) < min\.insync\.replicas 3/);
  assert.equal(findings.find((f) => f.check === 'partitions' && /under-replicated/.test(f.title))!.severity, 'warning');
  const quorum = findings.find((f) => f.check === 'quorum')!;
  assert.equal(quorum.severity, 'warning');
  assert.match(quorum.fix!, /one more controller failure/);
  assert.equal(doctorExitCode(findings), 1);
});

test('an advertised Kubernetes name unreachable from here: critical, and the fix says which listener type to use', () => {
  const facts = healthy();
  facts.cluster!.advertised[1] = { brokerId: 1, address: 'kafka-1.kafka-headless.kafka.svc.cluster.local:9092', ok: false, reason: 'the host name does not resolve from here', code: 'ENOTFOUND' };
  const f = diagnoseCluster(facts).find((x) => x.check === 'advertised-listeners')!;
  assert.equal(f.severity, 'critical');
  assert.match(f.detail[0]!, /broker 1 advertises kafka-1\.kafka-headless.*does not resolve/);
  assert.match(f.fix!, /nodeport or loadbalancer/);
});

test('no bootstrap address reachable: one critical finding with each address\'s reason, nothing else judged', () => {
  const findings = diagnoseCluster({ bootstrap: [{ address: 'a:1', ok: false, reason: 'connection refused', code: 'ECONNREFUSED' }], connectError: null, cluster: null, local: null, lagSampleMs: 0 });
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.severity, 'critical');
  assert.match(findings[0]!.fix!, /nothing listens there/);
});

test('offline partitions and a quorum below its majority are critical', () => {
  const facts = healthy();
  facts.cluster!.partitions[0] = { ...facts.cluster!.partitions[0]!, leader: -1, isr: [] };
  facts.cluster!.quorum = { leaderId: 0, voters: [0, 1, 2].map((id) => ({ id, lastFetchTimestamp: id === 0 ? NOW : NOW - 30_000, lastCaughtUpTimestamp: id === 0 ? NOW : NOW - 30_000, lag: 10 })) };
  const s = severities(facts);
  assert.equal(s.partitions, 'critical');
  assert.equal(s.quorum, 'critical');
});

test('consumer lag: a group without members, and one whose commits do not move, are warnings (exit 3)', () => {
  const facts = healthy();
  facts.cluster!.groups = [
    { group: 'abandoned', state: 'Empty', members: 0, partitions: [{ topic: 'orders', partition: 0, committed1: 5, committed2: 5, end1: 30, end2: 30 }] },
    { group: 'stuck', state: 'Stable', members: 1, partitions: [{ topic: 'orders', partition: 1, committed1: 5, committed2: 5, end1: 30, end2: 40 }] },
    { group: 'caught-up', state: 'Stable', members: 1, partitions: [{ topic: 'orders', partition: 2, committed1: 30, committed2: 30, end1: 30, end2: 30 }] },
  ];
  const lag = diagnoseCluster(facts).filter((f) => f.check === 'consumer-lag');
  assert.deepEqual(lag.map((f) => [f.severity, f.title.split(' ')[1]]), [['warning', "'abandoned'"], ['warning', "'stuck'"]]);
  assert.match(lag[1]!.title, /no committed offset moved in 5 s/);
  assert.equal(doctorExitCode(diagnoseCluster(facts)), 3);
});

test('a local node that is not running is critical and points at its log', () => {
  const facts = healthy();
  facts.local = { name: 'dev', nodes: [{ id: 0, roles: ['broker', 'controller'], running: true, logFile: '/s/0.log' }, { id: 3, roles: ['broker'], running: false, logFile: '/s/3.log' }] };
  const f = diagnoseCluster(facts).find((x) => x.check === 'local-nodes')!;
  assert.equal(f.severity, 'critical');
  assert.match(f.fix!, /kafkaplane logs 3/);
  assert.equal(severities(facts).brokers, 'critical', 'broker 3 is expected but not registered');
});
