/**
 * The rendered JMX exporter rules, run by the real Prometheus JMX exporter javaagent (the pinned jar from Maven
 * Central, checked against the SHA-256 the init container checks) in a JVM that registers MBeans named and shaped like
 * a Kafka broker's (test/fixtures/jmx/FakeKafkaMBeans.java) — no Kafka is started. Proves the rules parse, produce the
 * metric names the PrometheusRule alerts on, and that the pinned checksum is right. Needs mvn and a JDK.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { JMX_EXPORTER_CONFIG } from '../../../src/render/monitoring.ts';
import type { KubeObject } from '../../../src/render/objects.ts';
import { JMX_EXPORTER_SHA256, JMX_EXPORTER_VERSION } from '../../../src/api/kubernetes.ts';
import { renderExample } from '../../helpers/render.ts';

const run = promisify(execFile);
const FAKE = fileURLToPath(new URL('../../fixtures/jmx/FakeKafkaMBeans.java', import.meta.url));

async function agentJar(): Promise<string> {
  const repository = join(homedir(), '.m2', 'repository');
  const jar = join(repository, 'io', 'prometheus', 'jmx', 'jmx_prometheus_javaagent', JMX_EXPORTER_VERSION, `jmx_prometheus_javaagent-${JMX_EXPORTER_VERSION}.jar`);
  if (!existsSync(jar)) {
    await run(
      'mvn',
      ['-B', '-q', 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get', `-Dartifact=io.prometheus.jmx:jmx_prometheus_javaagent:${JMX_EXPORTER_VERSION}`, '-Dtransitive=false'],
      { timeout: 300_000 },
    ).catch((error: Error) => {
      throw new Error(`cannot fetch the JMX exporter agent with mvn (is Maven installed?): ${error.message}`);
    });
  }
  return jar;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('JMX exporter: the pinned agent matches its SHA-256 and the rendered rules give the metrics the alerts use', { timeout: 600_000 }, async (t) => {
  const jar = await agentJar();
  assert.equal(createHash('sha256').update(readFileSync(jar)).digest('hex'), JMX_EXPORTER_SHA256, `${jar} does not match the SHA-256 the init container checks`);

  const dir = mkdtempSync(join(tmpdir(), 'kafkaplane-jmx-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await run('javac', ['-d', dir, FAKE], { timeout: 120_000 }).catch((error: Error) => {
    throw new Error(`cannot compile ${FAKE} (is a JDK with javac installed?): ${error.message}`);
  });
  // The rules exactly as rendered into the metrics ConfigMap.
  const configMap = (renderExample('external-access.yaml', 'yaml').objects as KubeObject[]).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'edge-metrics')!;
  assert.equal((configMap.data as Record<string, string>)['metrics.yaml'], JMX_EXPORTER_CONFIG);
  const config = join(dir, 'metrics.yaml');
  writeFileSync(config, JMX_EXPORTER_CONFIG);

  const port = await freePort();
  const jvm = spawn('java', [`-javaagent:${jar}=127.0.0.1:${port}:${config}`, '-Xmx64m', '-cp', dir, 'FakeKafkaMBeans'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  jvm.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => jvm.once('exit', () => resolve()));
  t.after(async () => {
    jvm.stdin.end();
    jvm.kill();
    await exited;
  });

  let body = '';
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      body = await res.text();
      if (res.ok && body.includes('kafka_')) break;
    } catch {
      // not listening yet
    }
    assert.ok(jvm.exitCode === null, `the JVM exited: ${stderr}`);
    assert.ok(Date.now() < deadline, `no metrics after 60 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 300));
  }

  const sample = (line: RegExp) =>
    assert.match(
      body,
      line,
      body
        .split('\n')
        .filter((l) => l.startsWith('kafka_'))
        .join('\n'),
    );
  sample(/^kafka_server_replicamanager_underreplicatedpartitions 2\.0$/m);
  sample(/^kafka_server_replicamanager_underminisrpartitioncount 1\.0$/m);
  sample(/^kafka_controller_kafkacontroller_offlinepartitionscount 3\.0$/m);
  sample(/^kafka_controller_kafkacontroller_activecontrollercount 1\.0$/m);
  sample(/^kafka_log_log_size\{partition="0",topic="orders"\} 1234\.0$/m);
  sample(/^kafka_server_brokertopicmetrics_messagesin_total\{topic="orders"\} 42\.0$/m);
  sample(/^kafka_server_brokertopicmetrics_bytesin_total 1000\.0$/m);
  sample(/^kafka_network_requestmetrics_totaltimems\{quantile="0\.99",request="Produce"\} 12\.5$/m);
  sample(/^kafka_network_requestmetrics_totaltimems_count\{request="Produce"\} 7\.0$/m);
  sample(/^kafka_network_requestmetrics_requests_total\{request="Produce",version="11"\} 5\.0$/m);
  sample(/^kafka_server_kafkarequesthandlerpool_requesthandleravgidlepercent 0\.75$/m);
  sample(/^jvm_memory_used_bytes\{/m);

  // Every broker metric an alert uses is produced by the rules.
  const rule = (renderExample('external-access.yaml', 'yaml').objects as KubeObject[]).find((o) => o.kind === 'PrometheusRule')!;
  const used = new Set(((rule.spec as any).groups[0].rules as { expr: string }[]).flatMap((r) => r.expr.match(/\bkafka_(server|controller)_\w+/g) ?? []));
  assert.ok(used.size >= 4, [...used].join(', '));
  for (const name of used) assert.match(body, new RegExp(`^${name}[ {]`, 'm'), `${name} (used by an alert) is not exported`);
});
