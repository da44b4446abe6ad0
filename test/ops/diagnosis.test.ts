import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliHint } from '../../src/cli/hints.ts';
import { type DoctorFacts, diagnoseCluster, doctorExitCode } from '../../src/ops/diagnosis.ts';

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

const severities = (facts: DoctorFacts) =>
  Object.fromEntries(
    diagnoseCluster(facts)
      .filter((f) => f.severity !== 'ok')
      .map((f) => [f.check, f.severity]),
  );

test('a healthy cluster: only ok findings, exit 0', () => {
  const findings = diagnoseCluster(healthy());
  assert.ok(
    findings.every((f) => f.severity === 'ok'),
    JSON.stringify(findings.filter((f) => f.severity !== 'ok')),
  );
  assert.equal(doctorExitCode(findings), 0);
});

test('a stopped broker: it is down, its partitions under-replicated, one under min ISR, and the quorum degraded', () => {
  const facts = healthy();
  const c = facts.cluster!;
  c.brokers = c.brokers.filter((b) => b.id !== 2);
  c.advertised = c.advertised.filter((a) => a.brokerId !== 2);
  c.partitions = c.partitions.map((p) => ({ ...p, isr: [0, 1] }));
  c.partitions.push({ topic: 'strict', partition: 0, leader: 0, replicas: [0, 2, 1], isr: [0, 1], minIsr: 3, internal: false });
  c.quorum = {
    leaderId: 0,
    voters: [
      { id: 0, lastFetchTimestamp: NOW, lastCaughtUpTimestamp: NOW, lag: 0 },
      { id: 1, lastFetchTimestamp: NOW, lastCaughtUpTimestamp: NOW, lag: 0 },
      { id: 2, lastFetchTimestamp: NOW - 60_000, lastCaughtUpTimestamp: NOW - 60_000, lag: 500 },
    ],
  };
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
  assert.match(cliHint(quorum.fix)!, /one more controller failure/);
  assert.equal(doctorExitCode(findings), 1);
});

test('an advertised Kubernetes name unreachable from here: critical, and the fix says which listener type to use', () => {
  const facts = healthy();
  facts.cluster!.advertised[1] = { brokerId: 1, address: 'kafka-1.kafka-headless.kafka.svc.cluster.local:9092', ok: false, reason: 'the host name does not resolve from here', code: 'ENOTFOUND' };
  const f = diagnoseCluster(facts).find((x) => x.check === 'advertised-listeners')!;
  assert.equal(f.severity, 'critical');
  assert.match(f.detail[0]!, /broker 1 advertises kafka-1\.kafka-headless.*does not resolve/);
  assert.match(cliHint(f.fix)!, /nodeport or loadbalancer/);
});

test("no bootstrap address reachable: one critical finding with each address's reason, nothing else judged", () => {
  const findings = diagnoseCluster({ bootstrap: [{ address: 'a:1', ok: false, reason: 'connection refused', code: 'ECONNREFUSED' }], connectError: null, cluster: null, local: null, lagSampleMs: 0 });
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.severity, 'critical');
  assert.match(cliHint(findings[0]!.fix)!, /nothing listens there/);
});

test('offline partitions and a quorum below its majority are critical', () => {
  const facts = healthy();
  facts.cluster!.partitions[0] = { ...facts.cluster!.partitions[0]!, leader: -1, isr: [] };
  facts.cluster!.quorum = { leaderId: 0, voters: [0, 1, 2].map((id) => ({ id, lastFetchTimestamp: id === 0 ? NOW : NOW - 30_000, lastCaughtUpTimestamp: id === 0 ? NOW : NOW - 30_000, lag: 10 })) };
  const s = severities(facts);
  assert.equal(s.partitions, 'critical');
  assert.equal(s.quorum, 'critical');
});

test('consumer lag: a group without members, and one whose commits do not move, are warnings (exit 0; 1 with --strict)', () => {
  const facts = healthy();
  facts.cluster!.groups = [
    { group: 'abandoned', state: 'Empty', members: 0, partitions: [{ topic: 'orders', partition: 0, committed1: 5, committed2: 5, end1: 30, end2: 30 }] },
    { group: 'stuck', state: 'Stable', members: 1, partitions: [{ topic: 'orders', partition: 1, committed1: 5, committed2: 5, end1: 30, end2: 40 }] },
    { group: 'caught-up', state: 'Stable', members: 1, partitions: [{ topic: 'orders', partition: 2, committed1: 30, committed2: 30, end1: 30, end2: 30 }] },
  ];
  const lag = diagnoseCluster(facts).filter((f) => f.check === 'consumer-lag');
  assert.deepEqual(
    lag.map((f) => [f.severity, f.title.split(' ')[1]]),
    [
      ['warning', "'abandoned'"],
      ['warning', "'stuck'"],
    ],
  );
  assert.match(lag[1]!.title, /no committed offset moved in 5 s/);
  assert.equal(doctorExitCode(diagnoseCluster(facts)), 0, 'warnings alone do not fail a gate');
  assert.equal(doctorExitCode(diagnoseCluster(facts), { strict: true }), 1);
});

test('exit codes: 0 for ok and info, 0 for warnings unless strict, 1 for any critical finding (never 2 or 3)', () => {
  const finding = (severity: 'ok' | 'info' | 'warning' | 'critical') => ({ check: 'x', severity, title: severity, detail: [], fix: null });
  assert.equal(doctorExitCode([finding('ok'), finding('info')]), 0);
  assert.equal(doctorExitCode([finding('ok'), finding('info')], { strict: true }), 0);
  assert.equal(doctorExitCode([finding('warning')]), 0);
  assert.equal(doctorExitCode([finding('warning')], { strict: true }), 1);
  assert.equal(doctorExitCode([finding('warning'), finding('critical')]), 1);
  assert.equal(doctorExitCode([finding('critical')], { strict: true }), 1);
});

test("a reassignment in progress is not under-replication; a replica missing from the ISR is (kafka-topics' rule)", () => {
  const facts = healthy();
  // Moving partition 0 from [0,1,2] to [1,2,3]: replica 3 is being added and not in sync yet.
  facts.cluster!.brokers.push({ id: 3, host: 'k3', port: 9092 });
  facts.cluster!.partitions[0] = { ...facts.cluster!.partitions[0]!, replicas: [0, 1, 2, 3], isr: [0, 1, 2], adding: [3], removing: [0] };
  assert.equal(severities(facts).partitions, undefined, JSON.stringify(diagnoseCluster(facts).filter((f) => f.check === 'partitions')));
  // The same partition while broker 1 is out of the ISR: under-replicated, and the fix names broker 1, not 3.
  facts.cluster!.partitions[0] = { ...facts.cluster!.partitions[0]!, isr: [0, 2] };
  const f = diagnoseCluster(facts).find((x) => x.check === 'partitions' && /under-replicated/.test(x.title))!;
  assert.equal(f.severity, 'warning');
  assert.match(cliHint(f.fix)!, /replicas on broker 1 are out of the ISR/);
});

test('client listeners of a local cluster: each is judged on its own; a SASL listener says authentication was not checked', () => {
  const facts = healthy();
  facts.connectedVia = 'the internal REPLICATION listener';
  facts.listeners = [
    { name: 'plain', securityProtocol: 'PLAINTEXT', checked: 'metadata', error: null, advertised: [0, 1, 2].map((id) => ({ brokerId: id, address: `127.0.0.1:909${id}`, ok: true })) },
    { name: 'scram', securityProtocol: 'SASL_PLAINTEXT', checked: 'tcp', error: null, advertised: [0, 1, 2].map((id) => ({ brokerId: null, address: `127.0.0.1:939${id}`, ok: true })) },
  ];
  const listenerFindings = () => diagnoseCluster(facts).filter((f) => f.check === 'advertised-listeners');
  assert.deepEqual(
    listenerFindings().map((f) => f.severity),
    ['ok', 'ok', 'ok'],
  );
  assert.match(listenerFindings()[0]!.title, /every advertised address on the internal REPLICATION listener is reachable/);
  assert.match(listenerFindings()[2]!.title, /^listener scram \(SASL_PLAINTEXT\): every advertised address is reachable from here \(3 brokers\); authentication not checked/);
  assert.equal(doctorExitCode(diagnoseCluster(facts)), 0);

  facts.listeners[0]!.advertised[2] = { brokerId: 2, address: 'dev-2.dev.kafka.svc.cluster.local:9092', ok: false, reason: 'the host name does not resolve from here', code: 'ENOTFOUND' };
  facts.listeners[1] = {
    ...facts.listeners[1]!,
    advertised: [{ brokerId: null, address: '127.0.0.1:9391', ok: false, reason: 'connection refused: nothing listens on that port', code: 'ECONNREFUSED' }],
  };
  const [, plain, scram] = listenerFindings();
  assert.equal(plain!.severity, 'critical');
  assert.match(plain!.title, /^listener plain \(PLAINTEXT\): 1 advertised address this machine cannot reach/);
  assert.deepEqual(plain!.detail, ['broker 2 advertises dev-2.dev.kafka.svc.cluster.local:9092: the host name does not resolve from here']);
  assert.match(cliHint(plain!.fix)!, /nodeport or loadbalancer/);
  assert.equal(scram!.severity, 'critical');
  assert.deepEqual(scram!.detail, ['127.0.0.1:9391: connection refused: nothing listens on that port']);
  assert.equal(doctorExitCode(diagnoseCluster(facts)), 1);

  facts.listeners = [{ name: 'tls', securityProtocol: 'SSL', checked: 'metadata', error: 'unable to verify the first certificate', advertised: [] }];
  assert.match(listenerFindings()[1]!.title, /listener tls \(SSL\): Kafka does not answer on it from here: unable to verify/);
});

test('the cluster stops answering the Admin client mid-checks: critical, whatever the other findings say', () => {
  const facts = healthy();
  facts.connectError = 'Kafka at k:9092 stopped answering: no response for 22.5 s while waiting on k2:9092';
  const f = diagnoseCluster(facts).find((x) => x.check === 'checks')!;
  assert.equal(f.severity, 'critical');
  assert.match(f.title, /^some checks could not finish, Kafka did not answer: Kafka at k:9092 stopped answering/);
  assert.equal(doctorExitCode(diagnoseCluster(facts)), 1);
});

test('a local node that is not running is the root cause: critical, first, pointing at its log; the missing broker is its symptom', () => {
  const facts = healthy();
  facts.local = {
    name: 'dev',
    nodes: [
      { id: 0, roles: ['broker', 'controller'], running: true, state: 'running', problem: null, disk: null, logFile: '/s/0.log' },
      { id: 3, roles: ['broker'], running: false, state: 'stopped', problem: null, disk: null, logFile: '/s/3.log' },
    ],
  };
  const f = diagnoseCluster(facts).find((x) => x.check === 'local-nodes')!;
  assert.equal(f.severity, 'critical');
  assert.equal(f.id, 'node-3');
  assert.match(cliHint(f.fix)!, /kafkaplane logs 3/);
  // The fix names commands as data (a hint); the CLI words them.
  assert.ok(Array.isArray(f.fix), 'the fix is a structured hint, not CLI text');
  assert.equal(cliHint(f.fix), 'look at the log (kafkaplane logs 3), then start it again: `kafkaplane up -f <spec>` (running nodes and data are kept)');
  const brokers = diagnoseCluster(facts).find((x) => x.check === 'brokers')!;
  assert.equal(brokers.severity, 'info');
  assert.equal(brokers.causedBy, 'node-3');
});

/** Seconds after `kill -9` of node 2 of 3: the controller still lists it, the ISR still has it, its address refuses. */
function killedNode2(): DoctorFacts {
  const facts = healthy();
  facts.local = {
    name: 'dev',
    nodes: [0, 1, 2].map((id) => ({
      id,
      roles: ['broker', 'controller'],
      running: id !== 2,
      state: id === 2 ? ('stopped' as const) : ('running' as const),
      problem: null,
      disk: null,
      logFile: `/s/${id}.log`,
    })),
  };
  const c = facts.cluster!;
  c.advertised = c.advertised.map((a) => (a.brokerId === 2 ? { ...a, ok: false, reason: 'connection refused', code: 'ECONNREFUSED' } : a));
  c.groupsUnavailableFrom = [{ brokerId: 2, error: 'connection refused' }];
  facts.listeners = [
    {
      name: 'external',
      securityProtocol: 'SASL_PLAINTEXT',
      checked: 'tcp',
      error: null,
      advertised: [0, 1, 2].map((id) => ({ brokerId: id, address: `k${id}:19092`, ok: id !== 2, ...(id === 2 ? { reason: 'connection refused' } : {}) })),
    },
  ];
  return facts;
}

test('kill -9 of node 2: the stopped node is the one critical finding; addresses, registration, ISR and groups are its symptoms', () => {
  const findings = diagnoseCluster(killedNode2());
  const critical = findings.filter((f) => f.severity === 'critical');
  assert.deepEqual(
    critical.map((f) => f.id),
    ['node-2'],
    JSON.stringify(critical, null, 1),
  );
  const symptoms = findings.filter((f) => f.causedBy === 'node-2');
  assert.deepEqual([...new Set(symptoms.map((f) => f.check))].sort(), ['advertised-listeners', 'brokers', 'consumer-lag', 'partitions', 'quorum']);
  assert.ok(symptoms.every((f) => f.severity === 'info' || f.check === 'quorum'));
  // Nothing claims all is well with node 2 gone.
  assert.ok(!findings.some((f) => f.severity === 'ok' && /full ISR|every advertised address/.test(f.title)), JSON.stringify(findings.filter((f) => f.severity === 'ok')));
  assert.match(findings.find((f) => f.check === 'partitions')!.title, /3 partitions still list node 2 in their ISR/);
  assert.equal(doctorExitCode(findings), 1);
});

test('an address that fails on a running node is still its own advertised.listeners problem', () => {
  const facts = killedNode2();
  facts.cluster!.advertised = facts.cluster!.advertised.map((a) => (a.brokerId === 1 ? { ...a, ok: false, reason: 'does not resolve', code: 'ENOTFOUND' } : a));
  const advertised = diagnoseCluster(facts).filter((f) => f.check === 'advertised-listeners' && f.severity === 'critical');
  assert.equal(advertised.length, 1);
  assert.match(advertised[0]!.detail.join('\n'), /broker 1 advertises k1:9092/);
  assert.doesNotMatch(advertised[0]!.detail.join('\n'), /broker 2/);
});

test('a frozen node explains requests that hang; a full disk is named as the reason a node stopped', () => {
  const frozen = killedNode2();
  frozen.local!.nodes[2] = { ...frozen.local!.nodes[2]!, running: true, state: 'frozen' };
  frozen.connectError = 'reading consumer groups: no response for 10 s';
  const findings = diagnoseCluster(frozen);
  assert.match(findings.find((f) => f.id === 'node-2')!.title, /is frozen/);
  const checks = findings.find((f) => f.check === 'checks')!;
  assert.equal(checks.causedBy, 'node-2');
  assert.equal(checks.severity, 'info');

  const full = killedNode2();
  full.local!.nodes[2] = { ...full.local!.nodes[2]!, problem: 'the disk is full', disk: { path: '/s/2/data', freeBytes: 0, totalBytes: 64 << 20 } };
  const cause = diagnoseCluster(full).find((f) => f.id === 'node-2')!;
  assert.match(cause.title, /stopped: the disk of its log directory is full/);
  assert.match(cause.detail.join('\n'), /\/s\/2\/data: 0 MiB free of 64 MiB/);
  assert.match(cliHint(cause.fix)!, /retention/);
});
