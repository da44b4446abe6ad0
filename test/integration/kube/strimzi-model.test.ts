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
 * concrete subtype class as the operator does, does not. Checked with the classes of Strimzi 0.48.0 (the v1beta2
 * output) and 1.2.0 (the v1 output). Needs mvn and a JDK >= 21 (javac); a missing one fails the test.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { KubeObject } from '../../../src/render/objects.ts';
import { STRIMZI_RELEASES, type StrimziVersion } from '../../../src/render/strimzi-releases.ts';
import { EXAMPLES, renderExample, renderInput, strimziInput } from '../../helpers/render.ts';
import { renderFormat } from '../../../src/render/index.ts';
import { parseSpec } from '../../../src/api/load.ts';

const run = promisify(execFile);
/**
 * The releases whose model classes judge the output: 0.48.0, the last serving only kafka.strimzi.io/v1beta2 (what
 * 0.46-0.48 get), and 1.2.0, the default, serving only v1 (what 0.49+ get; its model has none of the fields v1 removed,
 * where 0.49-0.51's classes still carry them for v1beta2). The same releases as scripts/strimzi-crds/generate.sh.
 */
const STRIMZI_APIS = ['0.48.0', '1.2.0'] as const satisfies readonly StrimziVersion[];
const CHECK = fileURLToPath(new URL('../../fixtures/strimzi/StrictStrimziModel.java', import.meta.url));

const javaMajor = async (java: string): Promise<number> => {
  const { stderr } = await run(java, ['-version'], { timeout: 30_000 });
  return Number(/version "(\d+)/.exec(stderr)?.[1] ?? 0);
};

/**
 * A JDK >= 21 (io.strimzi:api from 1.0 on is compiled for Java 21): $JAVA_HOME, else `javac` on PATH, else the newest
 * in /usr/lib/jvm. Fails, naming what it looked at, when there is none.
 */
async function jdk21(): Promise<{ java: string; javac: string }> {
  const homes = [process.env.JAVA_HOME, ...(existsSync('/usr/lib/jvm') ? readdirSync('/usr/lib/jvm').map((d) => join('/usr/lib/jvm', d)) : [])].filter((h): h is string => h !== undefined);
  const candidates = [...homes.map((h) => ({ java: join(h, 'bin', 'java'), javac: join(h, 'bin', 'javac') })), { java: 'java', javac: 'javac' }];
  let best: { java: string; javac: string; major: number } | undefined;
  for (const c of candidates) {
    if (c.java !== 'java' && !(existsSync(c.java) && existsSync(c.javac))) continue;
    const major = await javaMajor(c.java).catch(() => 0);
    if (major >= 21 && (best === undefined || major > best.major)) best = { ...c, major };
  }
  if (best === undefined) throw new Error(`no JDK >= 21 (java and javac) in $JAVA_HOME, /usr/lib/jvm or on PATH: io.strimzi:api:1.2.0 needs Java 21`);
  return best;
}

async function strimziClasspath(release: string, javac: string): Promise<string> {
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kafkaplane', `strimzi-api-${release}`);
  const jars = join(cache, 'jars');
  if (!existsSync(join(jars, `api-${release}.jar`))) {
    mkdirSync(cache, { recursive: true });
    const pom = join(cache, 'pom.xml');
    writeFileSync(
      pom,
      `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion><groupId>kafkaplane</groupId><artifactId>strimzi-api-check</artifactId><version>1</version><dependencies><dependency><groupId>io.strimzi</groupId><artifactId>api</artifactId><version>${release}</version></dependency></dependencies></project>\n`,
    );
    await run('mvn', ['-B', '-q', '-f', pom, 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${jars}`], {
      timeout: 600_000,
    }).catch((error: Error) => {
      throw new Error(`cannot fetch io.strimzi:api:${release} and its dependencies with mvn (is Maven installed?): ${error.message}`);
    });
  }
  const source = readFileSync(CHECK, 'utf8');
  const classes = join(cache, `classes-${createHash('sha256').update(source).digest('hex').slice(0, 12)}`);
  if (!existsSync(join(classes, 'StrictStrimziModel.class'))) {
    mkdirSync(classes, { recursive: true });
    await run(javac, ['-d', classes, '-cp', `${jars}/*`, CHECK], { timeout: 120_000 }).catch((error: Error) => {
      throw new Error(`cannot compile ${CHECK} with ${javac}: ${error.message}`);
    });
  }
  return `${jars}/*:${classes}`;
}

/**
 * Runs the check over several sets of resources in one JVM (its start-up is most of the time): each set's exit code
 * (1 when it has a problem) and its lines.
 */
async function checkAll(java: string, classpath: string, sets: Record<string, unknown[]>, dir: string): Promise<Record<string, { code: number; lines: string[] }>> {
  const files = Object.entries(sets).map(([name, objects]) => {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(objects));
    return file;
  });
  let stdout: string;
  try {
    stdout = (await run(java, ['-cp', classpath, 'StrictStrimziModel', ...files], { timeout: 300_000 })).stdout;
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (e.code !== 1) throw new Error(`StrictStrimziModel failed (exit ${e.code}): ${e.stderr ?? ''}`);
    stdout = e.stdout ?? '';
  }
  const results: Record<string, { code: number; lines: string[] }> = {};
  let current: string[] | undefined;
  for (const line of stdout.trim().split('\n')) {
    if (line.startsWith('file ')) {
      const name = Object.keys(sets)[files.indexOf(line.slice(5))]!;
      current = [];
      results[name] = { code: 0, lines: current };
    } else current?.push(line);
  }
  for (const result of Object.values(results)) result.code = result.lines.some((l) => l.startsWith('problem ')) ? 1 : 0;
  assert.deepEqual(Object.keys(results), Object.keys(sets), `StrictStrimziModel answered for every file:\n${stdout}`);
  return results;
}

/** Strimzi's resources of an example (the Prometheus Operator's are checked against their CRDs in render-apply.test.ts). */
const strimziObjects = (name: string, release: StrimziVersion) =>
  (structuredClone(renderExample(name, 'strimzi', release).objects) as KubeObject[]).filter((o) => !o.apiVersion.startsWith('monitoring.coreos.com/')) as any[];

/** Spec fixtures with pod templates in every field the Strimzi translation maps. */
const TEMPLATE_FIXTURES = ['strimzi-template.yaml', 'pod-template.yaml'] as const;
const templateFixture = (fixture: string, release: StrimziVersion) => {
  const text = readFileSync(new URL(`../../fixtures/specs/${fixture}`, import.meta.url), 'utf8');
  return (renderFormat(strimziInput(renderInput(parseSpec(text, fixture)), release), 'strimzi').objects as KubeObject[]).filter((o) => !o.apiVersion.startsWith('monitoring.coreos.com/')) as any[];
};

/** Deliberately wrong resources: unknown fields, bad enum values, and (v1) fields v1 removed. */
function tampered(release: StrimziVersion): Record<string, unknown[]> {
  const unknown = strimziObjects('external-access.yaml', release);
  const kafka = unknown.find((o) => o.kind === 'Kafka');
  kafka.spec.kafka.listenerz = [];
  kafka.spec.kafka.listeners[1].configuration.bootstrap.nodeport = 31000;
  const badEnum = strimziObjects('external-access.yaml', release);
  badEnum.find((o) => o.kind === 'Kafka').spec.kafka.listeners[0].type = 'clusterip2';
  badEnum.find((o) => o.kind === 'KafkaNodePool').spec.storage.type = 'nfs';
  // Strimzi's pod template has no nodeSelector and no sidecars.
  const templated = strimziObjects('pod-templates.yaml', release);
  templated.find((o) => o.kind === 'Kafka').spec.kafka.template.pod.nodeSelector = { 'kubernetes.io/os': 'linux' };
  templated.find((o) => o.kind === 'KafkaNodePool' && o.spec.template).spec.template.pod.containers = [{ name: 'shipper', image: 'busybox:1.36' }];
  const sets: Record<string, unknown[]> = { tampered: unknown, 'bad-enum': badEnum, templated };
  if (STRIMZI_RELEASES[release].apiVersion === 'kafka.strimzi.io/v1') {
    const removed = strimziObjects('seed-002-combined.yaml', release);
    const k = removed.find((o) => o.kind === 'Kafka');
    k.spec.kafka.replicas = 3;
    k.spec.kafka.storage = { type: 'ephemeral' };
    sets['v1-removed'] = removed;
  }
  return sets;
}

test(`strimzi format: every resource reads cleanly into Strimzi's own model (io.strimzi:api ${STRIMZI_APIS.join(', ')})`, { timeout: 900_000 }, async (t) => {
  const { java, javac } = await jdk21();
  const dir = mkdtempSync(join(tmpdir(), 'kafkaplane-strimzi-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  for (const release of STRIMZI_APIS) {
    const classpath = await strimziClasspath(release, javac);
    const sets: Record<string, unknown[]> = {
      ...Object.fromEntries(EXAMPLES.map((name) => [name, strimziObjects(name, release)])),
      ...Object.fromEntries(TEMPLATE_FIXTURES.map((fixture) => [fixture, templateFixture(fixture, release)])),
      ...tampered(release),
    };
    const results = await checkAll(java, classpath, Object.fromEntries(Object.entries(sets).map(([k, v]) => [`${release}-${k}`, v])), dir);
    const result = (name: string) => results[`${release}-${name}`]!;

    for (const name of EXAMPLES) {
      await t.test(`Strimzi ${release} (${STRIMZI_RELEASES[release].apiVersion}): examples/${name}`, () => {
        const objects = sets[name] as any[];
        assert.ok(objects.filter((o) => o.kind !== 'ConfigMap').every((o) => o.apiVersion === STRIMZI_RELEASES[release].apiVersion));
        assert.equal(result(name).code, 0, result(name).lines.join('\n'));
        assert.deepEqual(
          result(name).lines,
          objects.map((o) => `ok ${o.kind}/${o.metadata.name} ${o.apiVersion.includes('/') ? o.apiVersion : 'v1'}`),
        );
      });
    }

    await t.test(`Strimzi ${release}: the check is real: unknown fields and bad enum values are reported`, () => {
      const unknown = result('tampered');
      assert.equal(unknown.code, 1);
      assert.ok(unknown.lines.includes('problem Kafka/edge: unknown property .spec.kafka.listenerz'), unknown.lines.join('\n'));
      assert.ok(
        unknown.lines.some((l) => /^problem Kafka\/edge: unknown property \.spec\.kafka\.listeners\[1\]\.configuration\.bootstrap\.nodeport$/.test(l)),
        unknown.lines.join('\n'),
      );
      const badEnum = result('bad-enum');
      assert.equal(badEnum.code, 1);
      assert.match(badEnum.lines.join('\n'), /problem Kafka\/edge: .*\.spec\.kafka\.listeners\[0\]\.type \(the model did not keep "clusterip2"\)/);
      assert.match(badEnum.lines.join('\n'), /problem KafkaNodePool\/broker: Could not resolve type id 'nfs'/);
    });

    if (STRIMZI_RELEASES[release].apiVersion === 'kafka.strimzi.io/v1') {
      await t.test(`Strimzi ${release}: fields v1 removed are unknown to its model (spec.kafka.replicas, spec.kafka.storage)`, () => {
        const removed = result('v1-removed');
        assert.equal(removed.code, 1);
        assert.ok(removed.lines.includes('problem Kafka/kafka: unknown property .spec.kafka.replicas'), removed.lines.join('\n'));
        assert.ok(removed.lines.includes('problem Kafka/kafka: unknown property .spec.kafka.storage'), removed.lines.join('\n'));
      });
    }

    // Pod templates as Strimzi's template (src/render/formats/strimzi-template.ts): every mapped field, every volume source.
    for (const fixture of TEMPLATE_FIXTURES) {
      await t.test(`Strimzi ${release}: test/fixtures/specs/${fixture}: pod templates as Strimzi's template`, () => {
        const objects = sets[fixture] as any[];
        assert.ok(objects.some((o) => o.kind === 'KafkaNodePool' && (o.spec as { template?: unknown }).template !== undefined));
        assert.equal(result(fixture).code, 0, result(fixture).lines.join('\n'));
        assert.deepEqual(
          result(fixture).lines,
          objects.map((o) => `ok ${o.kind}/${o.metadata.name} ${o.apiVersion.includes('/') ? o.apiVersion : 'v1'}`),
        );
      });
    }

    await t.test(`Strimzi ${release}: its pod template has no nodeSelector (hence the translation into node affinity) and no sidecars`, () => {
      const templated = result('templated');
      assert.equal(templated.code, 1);
      assert.ok(templated.lines.includes('problem Kafka/payments: unknown property .spec.kafka.template.pod.nodeSelector'), templated.lines.join('\n'));
      assert.ok(templated.lines.includes('problem KafkaNodePool/broker: unknown property .spec.template.pod.containers'), templated.lines.join('\n'));
    });
  }
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
      // Maven's local repository keeps what it downloaded from Maven Central (checksum-verified); only a pom not there
      // yet is fetched, which saves a Maven start per release.
      const local = join(homedir(), '.m2', 'repository', 'io', 'strimzi', 'strimzi', release, `strimzi-${release}.pom`);
      if (!existsSync(local))
        await run('mvn', ['-B', '-q', 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy', `-Dartifact=io.strimzi:strimzi:${release}:pom`, `-DoutputDirectory=${dir}`], {
          timeout: 300_000,
        }).catch((error: Error) => {
          throw new Error(`cannot fetch io.strimzi:strimzi:${release}:pom with mvn (is Maven installed?): ${error.message}`);
        });
      const pom = readFileSync(existsSync(local) ? local : join(dir, `strimzi-${release}.pom`), 'utf8');
      assert.equal(/<artifactId>strimzi<\/artifactId>[\s\S]*?<version>([^<]+)<\/version>/.exec(pom)?.[1], release);
      const kafkaVersion = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
      assert.equal(kafkaVersion, entry.defaultKafkaVersion, `io.strimzi:strimzi:${release} builds against Kafka ${kafkaVersion}`);
      assert.ok(Object.hasOwn(entry.kafkaVersions, kafkaVersion!), `Kafka ${kafkaVersion} is not in the table's list for ${release}`);
    });
  }
});
