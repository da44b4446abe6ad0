/**
 * The strimzi format, read by Strimzi's own model classes: io.strimzi:api from Maven Central (the classes the Strimzi
 * operator deserializes Kafka, KafkaNodePool, KafkaTopic and KafkaUser with), through a small Java check
 * (test/fixtures/strimzi/StrictStrimziModel.java) that fails on every property those classes do not know and on
 * every value Jackson cannot map (enums such as listener types, node roles, ACL operations; numbers; storage types).
 *
 * render-apply.test.ts sends the same output to a real apiserver with Strimzi's CRDs installed (schemas, enums,
 * patterns, required fields, CEL rules). This test checks what those schemas cannot: Strimzi's CRD generator flattens
 * every polymorphic type (listener authentication, storage, metrics config, ...) into the union of its subtypes'
 * properties, so the apiserver accepts a property of one subtype under another `type`; Jackson, reading into the
 * concrete subtype class as the operator does, does not. Needs mvn and a JDK (javac); a missing one fails the test.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { KubeObject } from '../../../src/render/objects.ts';
import { STRIMZI_RELEASES } from '../../../src/render/strimzi-releases.ts';
import { EXAMPLES, renderExample, renderInput, strimziInput } from '../../helpers/render.ts';
import { renderFormat } from '../../../src/render/index.ts';
import { parseSpec } from '../../../src/api/load.ts';

const run = promisify(execFile);
/** The last Strimzi line whose operator serves kafka.strimzi.io/v1beta2 with KRaft node pools as the main API. */
const STRIMZI_API = '0.48.0';
const CHECK = fileURLToPath(new URL('../../fixtures/strimzi/StrictStrimziModel.java', import.meta.url));

async function strimziClasspath(): Promise<string> {
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kafkaplane', `strimzi-api-${STRIMZI_API}`);
  const jars = join(cache, 'jars');
  if (!existsSync(join(jars, `api-${STRIMZI_API}.jar`))) {
    mkdirSync(cache, { recursive: true });
    const pom = join(cache, 'pom.xml');
    writeFileSync(
      pom,
      `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion><groupId>kafkaplane</groupId><artifactId>strimzi-api-check</artifactId><version>1</version><dependencies><dependency><groupId>io.strimzi</groupId><artifactId>api</artifactId><version>${STRIMZI_API}</version></dependency></dependencies></project>\n`,
    );
    await run('mvn', ['-B', '-q', '-f', pom, 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${jars}`], {
      timeout: 600_000,
    }).catch((error: Error) => {
      throw new Error(`cannot fetch io.strimzi:api:${STRIMZI_API} and its dependencies with mvn (is Maven installed?): ${error.message}`);
    });
  }
  const source = readFileSync(CHECK, 'utf8');
  const classes = join(cache, `classes-${createHash('sha256').update(source).digest('hex').slice(0, 12)}`);
  if (!existsSync(join(classes, 'StrictStrimziModel.class'))) {
    mkdirSync(classes, { recursive: true });
    await run('javac', ['-d', classes, '-cp', `${jars}/*`, CHECK], { timeout: 120_000 }).catch((error: Error) => {
      throw new Error(`cannot compile ${CHECK} (is a JDK with javac installed?): ${error.message}`);
    });
  }
  return `${jars}/*:${classes}`;
}

async function check(classpath: string, objects: unknown[], dir: string, name: string): Promise<{ code: number; lines: string[] }> {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(objects));
  try {
    const { stdout } = await run('java', ['-cp', classpath, 'StrictStrimziModel', file], { timeout: 120_000 });
    return { code: 0, lines: stdout.trim().split('\n') };
  } catch (error) {
    const e = error as { code?: number; stdout?: string };
    return { code: e.code ?? 1, lines: (e.stdout ?? '').trim().split('\n') };
  }
}

test(`strimzi format: every resource reads cleanly into Strimzi's own model (io.strimzi:api ${STRIMZI_API})`, { timeout: 900_000 }, async (t) => {
  const classpath = await strimziClasspath();
  const dir = mkdtempSync(join(tmpdir(), 'kafkaplane-strimzi-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  for (const name of EXAMPLES) {
    await t.test(`examples/${name}`, async () => {
      // The Prometheus Operator's PodMonitor and PrometheusRule are not Strimzi's: render-apply.test.ts checks them
      // against their CRDs.
      const objects = (renderExample(name, 'strimzi').objects as KubeObject[]).filter((o) => !o.apiVersion.startsWith('monitoring.coreos.com/'));
      const result = await check(classpath, objects, dir, name);
      assert.equal(result.code, 0, result.lines.join('\n'));
      assert.deepEqual(
        result.lines,
        objects.map((o) => `ok ${o.kind}/${o.metadata.name} ${o.apiVersion.includes('/') ? o.apiVersion : 'v1'}`),
      );
    });
  }

  // Pod templates as Strimzi's template (src/render/formats/strimzi-template.ts): every mapped field, every volume source.
  for (const fixture of ['strimzi-template.yaml', 'pod-template.yaml']) {
    await t.test(`test/fixtures/specs/${fixture}: pod templates as Strimzi's template`, async () => {
      const text = readFileSync(new URL(`../../fixtures/specs/${fixture}`, import.meta.url), 'utf8');
      const objects = (renderFormat(strimziInput(renderInput(parseSpec(text, fixture))), 'strimzi').objects as KubeObject[]).filter((o) => !o.apiVersion.startsWith('monitoring.coreos.com/'));
      assert.ok(objects.some((o) => o.kind === 'KafkaNodePool' && (o.spec as { template?: unknown }).template !== undefined));
      const result = await check(classpath, objects, dir, fixture);
      assert.equal(result.code, 0, result.lines.join('\n'));
      assert.deepEqual(
        result.lines,
        objects.map((o) => `ok ${o.kind}/${o.metadata.name} ${o.apiVersion.includes('/') ? o.apiVersion : 'v1'}`),
      );
    });
  }

  await t.test('the check is real: unknown fields and bad enum values are reported', async () => {
    const strimziOnly = () => (structuredClone(renderExample('external-access.yaml', 'strimzi').objects) as any[]).filter((o) => !o.apiVersion.startsWith('monitoring.coreos.com/'));
    const objects = strimziOnly();
    const kafka = objects.find((o) => o.kind === 'Kafka');
    kafka.spec.kafka.listenerz = [];
    kafka.spec.kafka.listeners[1].configuration.bootstrap.nodeport = 31000;
    const result = await check(classpath, objects, dir, 'tampered');
    assert.equal(result.code, 1);
    assert.ok(result.lines.includes('problem Kafka/edge: unknown property .spec.kafka.listenerz'), result.lines.join('\n'));
    assert.ok(
      result.lines.some((l) => /^problem Kafka\/edge: unknown property \.spec\.kafka\.listeners\[1\]\.configuration\.bootstrap\.nodeport$/.test(l)),
      result.lines.join('\n'),
    );
    const badEnum = strimziOnly();
    badEnum.find((o) => o.kind === 'Kafka').spec.kafka.listeners[0].type = 'clusterip2';
    badEnum.find((o) => o.kind === 'KafkaNodePool').spec.storage.type = 'nfs';
    // Strimzi's pod template has no nodeSelector (hence the translation into node affinity) and no sidecars.
    const templated = (structuredClone(renderExample('pod-templates.yaml', 'strimzi').objects) as any[]).filter((o) => !o.apiVersion.startsWith('monitoring.coreos.com/'));
    templated.find((o) => o.kind === 'Kafka').spec.kafka.template.pod.nodeSelector = { 'kubernetes.io/os': 'linux' };
    templated.find((o) => o.kind === 'KafkaNodePool' && o.spec.template).spec.template.pod.containers = [{ name: 'shipper', image: 'busybox:1.36' }];
    const result3 = await check(classpath, templated, dir, 'templated');
    assert.equal(result3.code, 1);
    assert.ok(result3.lines.includes('problem Kafka/payments: unknown property .spec.kafka.template.pod.nodeSelector'), result3.lines.join('\n'));
    assert.ok(result3.lines.includes('problem KafkaNodePool/broker: unknown property .spec.template.pod.containers'), result3.lines.join('\n'));
    const result2 = await check(classpath, badEnum, dir, 'bad-enum');
    assert.equal(result2.code, 1);
    assert.match(result2.lines.join('\n'), /problem Kafka\/edge: .*\.spec\.kafka\.listeners\[0\]\.type \(the model did not keep "clusterip2"\)/);
    assert.match(result2.lines.join('\n'), /problem KafkaNodePool\/broker: Could not resolve type id 'nfs'/);
  });
});

/**
 * Each Strimzi release in kafkaplane's table, against what the release published on Maven Central. Strimzi publishes
 * only its parent pom, api, crd-annotations, crd-generator and test there; the parent pom's kafka.version is the
 * Kafka the release builds its operator against, kept at the default of its kafka-versions.yaml (the version the
 * operator runs when spec.kafka.version is left out). The full supported list is checked against each release's own
 * kafka-versions.yaml, pinned to its git blob id, in test/render/strimzi-releases.test.ts.
 */
test("strimzi releases: the table's default Kafka version is each release's own, from its parent pom on Maven Central", { timeout: 600_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kafkaplane-strimzi-poms-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [release, entry] of Object.entries(STRIMZI_RELEASES)) {
    await t.test(`Strimzi ${release}`, async () => {
      await run('mvn', ['-B', '-q', 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy', `-Dartifact=io.strimzi:strimzi:${release}:pom`, `-DoutputDirectory=${dir}`], {
        timeout: 300_000,
      }).catch((error: Error) => {
        throw new Error(`cannot fetch io.strimzi:strimzi:${release}:pom with mvn (is Maven installed?): ${error.message}`);
      });
      const pom = readFileSync(join(dir, `strimzi-${release}.pom`), 'utf8');
      assert.equal(/<artifactId>strimzi<\/artifactId>[\s\S]*?<version>([^<]+)<\/version>/.exec(pom)?.[1], release);
      const kafkaVersion = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
      assert.equal(kafkaVersion, entry.defaultKafkaVersion, `io.strimzi:strimzi:${release} builds against Kafka ${kafkaVersion}`);
      assert.ok(Object.hasOwn(entry.kafkaVersions, kafkaVersion!), `Kafka ${kafkaVersion} is not in the table's list for ${release}`);
    });
  }
});
