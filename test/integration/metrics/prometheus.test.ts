// The dashboards and alert rules kafkaplane renders, on a real Prometheus (Debian's package; the test command installs
// it) scraping a local 3-node cluster run with `up --monitoring` (the JMX exporter agent on every node) and the
// kafkaplane exporter: promtool accepts the rules and their unit tests (one per alert), every dashboard panel's
// PromQL returns series, and real faults — a broker killed, a consumer group frozen — fire the matching alerts.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import { type AlertOptions, alertRulesFile } from '../../../src/render/alerts.ts';
import { dashboardQueries } from '../../../src/render/dashboards.ts';
import { runCli } from '../../helpers/cli.ts';
import { runKcat } from '../../helpers/kafka-tools.ts';
import { nodeJvms, startTestCluster, TEST_PORTS, type TestCluster, testClusterSpec } from '../../helpers/local-cluster.ts';
import { type Service, startService } from '../../helpers/service.ts';
import { spawnWithTimeout } from '../../helpers/spawn.ts';

const CLUSTER = 'monitored';
const TOPIC = 'orders';
let cluster: TestCluster;
let exporter: Service;
let prometheus: ChildProcess;
let promUrl: string;
let dir: string;

const ALERTS: AlertOptions = { namespace: 'local', cluster: CLUSTER, exporter: 'kafkaplane', consumerLagThreshold: 10, lagSecondsThreshold: 2, missingPods: { expectedNodes: 3 }, forOverride: '5s' };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const response = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(10_000) });
  const body = (await response.json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  assert.equal(body.status, 'success', `${expr}: ${body.error}`);
  return body.data.result;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 1_000 && Date.now() < deadline; i++) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
}

async function firing(alert: string): Promise<boolean> {
  const response = await fetch(`${promUrl}/api/v1/alerts`, { signal: AbortSignal.timeout(10_000) });
  const body = (await response.json()) as { data: { alerts: { labels: { alertname: string }; state: string }[] } };
  return body.data.alerts.some((a) => a.labels.alertname === alert && a.state === 'firing');
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kafkaplane-prometheus-'));
  cluster = await startTestCluster(testClusterSpec(CLUSTER, ''), { portBase: TEST_PORTS.prometheus, monitoring: true });
  assert.equal((await runCli(['topics', 'create', TOPIC, '--partitions', '3', '--replication-factor', '3', '--state-dir', cluster.stateDir])).code, 0);
  const records = Array.from({ length: 300 }, (_, i) => `record-${i}`).join('\n');
  assert.equal((await runKcat(['-P', '-b', cluster.bootstrap, '-t', TOPIC, '-X', 'acks=all'], { input: `${records}\n` })).code, 0);
  // A group 50 records behind on every partition (lag in records and in seconds).
  assert.equal((await runCli(['groups', 'reset-offsets', 'billing', '--topic', TOPIC, '--to-offset', '50', '--execute', '--allow-new-group', '--state-dir', cluster.stateDir])).code, 0);
  const started = await startService(['exporter', '--state-dir', cluster.stateDir, '--web.listen-address', '127.0.0.1:0', '--collect.interval', '1'], /metrics at http:\/\/(\S+)\/metrics/);
  exporter = started.service;
  const targetsFile = cluster.result.metrics.targetsFile;
  assert.ok(targetsFile, 'up --monitoring wrote a file_sd targets file');
  await writeFile(join(dir, 'rules.yml'), stringify(alertRulesFile(ALERTS)));
  await writeFile(
    join(dir, 'prometheus.yml'),
    stringify({
      // The JMX agent's thousands of series take a while on a loaded two-core machine: scrapes every 5 s, 5 s to answer.
      global: { scrape_interval: '5s', scrape_timeout: '5s', evaluation_interval: '1s' },
      rule_files: [join(dir, 'rules.yml')],
      scrape_configs: [
        { job_name: 'kafka', file_sd_configs: [{ files: [targetsFile], refresh_interval: '5s' }] },
        { job_name: 'kafkaplane-exporter', static_configs: [{ targets: [started.match[1]], labels: { namespace: 'local', kafka_cluster: CLUSTER } }] },
      ],
    }),
  );
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  prometheus = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
    stdio: 'ignore',
  });
  let seen = '';
  await until('Prometheus scrapes every target', async () => {
    const up = await query('up');
    seen = up.map((s) => `${s.metric.instance}=${s.value[1]}`).join(' ');
    return up.length === 4 && up.every((s) => s.value[1] === '1') ? true : undefined;
  }).catch((error: Error) => {
    throw new Error(`${error.message} (up: ${seen || 'no series'})`);
  });
});

after(async () => {
  prometheus?.kill('SIGKILL');
  await exporter?.stop();
  await cluster?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('promtool accepts the rules, and a unit test of every alert passes', async () => {
  const check = await spawnWithTimeout('promtool', ['check', 'rules', join(dir, 'rules.yml')], { missing: 'the test command installs it: apt-get install prometheus' });
  assert.equal(check.code, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /SUCCESS: \d+ rules found/);
  const sel = `namespace="local",kafka_cluster="${CLUSTER}"`;
  const base = { namespace: 'local', kafka_cluster: CLUSTER };
  // Per alert: the input series (1 s apart), the labels the firing alert carries besides alertname and severity, and
  // the value its annotations see.
  const cases: Record<string, { input: [string, string][]; labels: Record<string, string>; value: string }> = {
    KafkaOfflinePartitions: { input: [[`kafka_controller_kafkacontroller_offlinepartitionscount{${sel},pod="node-0"}`, '2x20']], labels: {}, value: '2' },
    KafkaUnderReplicatedPartitions: { input: [[`kafka_server_replicamanager_underreplicatedpartitions{${sel},pod="node-0"}`, '1x20']], labels: {}, value: '1' },
    KafkaUnderMinIsrPartitions: { input: [[`kafka_server_replicamanager_underminisrpartitioncount{${sel},pod="node-0"}`, '1x20']], labels: {}, value: '1' },
    KafkaNoActiveController: { input: [[`kafka_controller_kafkacontroller_activecontrollercount{${sel},pod="node-0"}`, '0x20']], labels: {}, value: '0' },
    KafkaNodeDown: { input: [[`up{${sel},container="kafka",pod="node-0"}`, '0x20']], labels: { ...base, container: 'kafka', pod: 'node-0', __name__: 'up' }, value: '0' },
    KafkaNodesMissing: { input: [[`up{${sel},container="kafka",pod="node-0"}`, '1x20']], labels: {}, value: '1' },
    KafkaConsumerGroupLag: { input: [[`kafka_consumergroup_lag_sum{${sel},consumergroup="g",topic="t"}`, '50x20']], labels: { consumergroup: 'g', topic: 't' }, value: '50' },
    KafkaConsumerGroupLagSeconds: {
      input: [[`kafkaplane_consumergroup_lag_seconds{${sel},consumergroup="g",topic="t",partition="0"}`, '30x20']],
      labels: { consumergroup: 'g', topic: 't' },
      value: '30',
    },
    KafkaConsumerGroupStalled: { input: [[`kafkaplane_consumergroup_status{${sel},consumergroup="g"}`, '3x20']], labels: { consumergroup: 'g' }, value: '3' },
    KafkaQuorumLagging: { input: [[`kafkaplane_controller_quorum_lag{${sel},node="1",role="voter"}`, '5000x20']], labels: { node: '1' }, value: '5000' },
    KafkaExporterStale: {
      input: [
        [`kafkaplane_exporter_collection_age_seconds{${sel}}`, '500x20'],
        [`kafkaplane_exporter_up{${sel}}`, '1x20'],
      ],
      labels: {},
      value: '500',
    },
    KafkaTlsCertificateExpiringSoon: {
      input: [[`kafkaplane_tls_certificate_expiry_seconds{${sel},broker="1",address="b1:9093",subject="kafka-1"}`, '86400x20']],
      labels: { broker: '1', subject: 'kafka-1' },
      value: '86400',
    },
  };
  const rules = alertRulesFile(ALERTS).groups[0]!.rules;
  assert.deepEqual(rules.map((r) => r.alert).sort(), Object.keys(cases).sort(), 'a unit test for every alert');
  // The annotations as Prometheus expands them for that value and those labels.
  const expand = (text: string, c: (typeof cases)[string]) => text.replaceAll('{{ $value }}', c.value).replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, l: string) => c.labels[l] ?? '');
  const tests = rules.map((r) => {
    const c = cases[r.alert]!;
    const { __name__: _name, ...labels } = c.labels;
    return {
      interval: '1s',
      input_series: c.input.map(([series, values]) => ({ series, values })),
      alert_rule_test: [
        {
          eval_time: '15s',
          alertname: r.alert,
          exp_alerts: [{ exp_labels: { severity: r.labels.severity, ...labels }, exp_annotations: Object.fromEntries(Object.entries(r.annotations).map(([k, v]) => [k, expand(v, c)])) }],
        },
      ],
    };
  });
  await writeFile(join(dir, 'rules.test.yml'), stringify({ rule_files: [join(dir, 'rules.yml')], evaluation_interval: '1s', tests }));
  const run = await spawnWithTimeout('promtool', ['test', 'rules', join(dir, 'rules.test.yml')]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /SUCCESS/);
});

test("every dashboard panel's PromQL returns series", async () => {
  for (const q of dashboardQueries('local', CLUSTER)) {
    const result = await until(
      `${q.dashboard} / ${q.panel}: ${q.expr}`,
      async () => {
        const r = await query(q.expr);
        return r.length > 0 ? r : undefined;
      },
      60_000,
    );
    assert.ok(result.length > 0);
  }
});

test('a consumer group frozen with records waiting: the group is ERR and its alerts fire', async () => {
  // A member that read everything, then is frozen while more arrives: its committed offset stops, its lag grows.
  const member = spawn(process.execPath, [join(import.meta.dirname, '../../../bin/kafkaplane.js'), 'consume', '-t', TOPIC, '-G', 'frozen', '--state-dir', cluster.stateDir, '-q'], { stdio: 'ignore' });
  try {
    await until('the frozen group consumed everything', async () => ((await query(`kafka_consumergroup_lag_sum{consumergroup="frozen"}`))[0]?.value[1] === '0' ? true : undefined));
    member.kill('SIGSTOP');
    const more = Array.from({ length: 30 }, (_, i) => `late-${i}`).join('\n');
    assert.equal((await runKcat(['-P', '-b', cluster.bootstrap, '-t', TOPIC, '-X', 'acks=all'], { input: `${more}\n` })).code, 0);
    await until('KafkaConsumerGroupStalled fires', async () => ((await firing('KafkaConsumerGroupStalled')) ? true : undefined), 90_000);
    assert.ok(await until('KafkaConsumerGroupLagSeconds fires', async () => ((await firing('KafkaConsumerGroupLagSeconds')) ? true : undefined)));
  } finally {
    member.kill('SIGKILL');
  }
});

test('a broker killed: KafkaNodeDown and KafkaUnderReplicatedPartitions fire', async () => {
  const [victim] = nodeJvms(cluster.stateDir).slice(-1);
  assert.ok(victim, 'a node JVM to kill');
  process.kill(victim, 'SIGKILL');
  await until('KafkaNodeDown fires', async () => ((await firing('KafkaNodeDown')) ? true : undefined));
  await until('KafkaUnderReplicatedPartitions fires', async () => ((await firing('KafkaUnderReplicatedPartitions')) ? true : undefined));
});
