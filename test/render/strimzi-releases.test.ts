/**
 * The Strimzi release table (src/render/strimzi-releases.ts) against each release's own kafka-versions.yaml — the
 * file Strimzi's Cluster Operator loads at start (io.strimzi.operator.cluster.model.KafkaVersion) and checks
 * spec.kafka.version against. Strimzi publishes only its parent pom, api, crd-annotations, crd-generator and test
 * modules to Maven Central (.azure/scripts/push-to-central.sh at each release tag), none of which carries that file,
 * so each release's file is kept verbatim in test/fixtures/strimzi/kafka-versions/ and pinned here to its git blob id
 * at the release tag of github.com/strimzi/strimzi-kafka-operator (`git rev-parse <tag>:kafka-versions.yaml`).
 * test/integration/kube/strimzi-versions.test.ts checks the default version against the parent pom on Maven Central.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseSpec } from '../../src/api/load.ts';
import type { RenderError } from '../../src/render/errors.ts';
import { renderFormat } from '../../src/render/index.ts';
import { DEFAULT_STRIMZI_VERSION, STRIMZI_RELEASES } from '../../src/render/strimzi-releases.ts';
import { formatHint } from '../../src/errors.ts';
import { renderInput } from '../helpers/render.ts';
import { clusterYaml } from '../helpers/spec.ts';

/** `git rev-parse <tag>:kafka-versions.yaml` in strimzi/strimzi-kafka-operator. */
const BLOB_IDS: Record<string, string> = {
  '0.46.0': 'ccba2b39488fa8905dfe22e493f4927015c3b03e',
  '0.47.0': '06bed39d5d83bf5c4b7606701e0e6525ef3675b7',
  '0.48.0': '69d321f662e3005965e0237df5c53e6195dada44',
};

const gitBlobId = (content: Buffer) =>
  createHash('sha1')
    .update(Buffer.concat([Buffer.from(`blob ${content.length}\0`), content]))
    .digest('hex');

/** Read with the failsafe schema: every scalar a string, as Strimzi reads `metadata: 4.0` (not the number 4). */
interface KafkaVersionEntry {
  version: string;
  metadata: string;
  supported: string;
  default: string;
}

for (const [release, entry] of Object.entries(STRIMZI_RELEASES)) {
  test(`Strimzi ${release}: the table matches the release's own kafka-versions.yaml`, () => {
    const raw = readFileSync(new URL(`../fixtures/strimzi/kafka-versions/${release}.yaml`, import.meta.url));
    assert.equal(gitBlobId(raw), BLOB_IDS[release], `test/fixtures/strimzi/kafka-versions/${release}.yaml is not the file of the ${release} tag`);
    const versions = parse(raw.toString('utf8'), { schema: 'failsafe' }) as KafkaVersionEntry[];
    const supported = versions.filter((v) => v.supported === 'true');
    assert.deepEqual(entry.kafkaVersions, Object.fromEntries(supported.map((v) => [v.version, v.metadata])));
    assert.deepEqual(
      versions.filter((v) => v.default === 'true').map((v) => v.version),
      [entry.defaultKafkaVersion],
    );
  });
}

test('the default Strimzi release is in the table, and every release in the table has its pinned file', () => {
  assert.ok(Object.hasOwn(STRIMZI_RELEASES, DEFAULT_STRIMZI_VERSION));
  assert.deepEqual(Object.keys(BLOB_IDS), Object.keys(STRIMZI_RELEASES));
});

const CLI_WORDS = { setting: (name: string) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, action: (name: string) => name };

test('a Kafka version the target release does not run is refused at spec.version, naming the versions it runs', () => {
  const at = (version: string) => renderInput(parseSpec(clusterYaml(`version: ${version}`, 'demo')));
  const error = (() => {
    try {
      renderFormat(at('4.1.2'), 'strimzi');
    } catch (e) {
      return e as RenderError;
    }
    assert.fail('Kafka 4.1.2 was rendered for Strimzi 0.48.0');
  })();
  assert.equal(error.code, 'CANNOT_RENDER');
  assert.equal(error.problems.length, 1);
  assert.equal(error.problems[0]!.path, 'spec.version');
  assert.match(error.problems[0]!.message, /^Strimzi 0\.48\.0 runs Kafka 4\.0\.0, 4\.1\.0 only; its operator would refuse Kafka 4\.1\.2/);
  assert.match(formatHint(error.hint!, CLI_WORDS), /set spec\.version to one of 4\.0\.0, 4\.1\.0, or target another Strimzi release with --strimzi-version/);

  // 3.9.1 is refused by 0.48.0 (it dropped 3.9) and the message points at the release that runs it.
  const older = (() => {
    try {
      renderFormat(at('3.9.1'), 'strimzi');
    } catch (e) {
      return e as RenderError;
    }
    assert.fail('Kafka 3.9.1 was rendered for Strimzi 0.48.0');
  })();
  assert.match(older.problems[0]!.message, /\(Strimzi 0\.47\.0 runs it\)/);
  // … and rendered for that release.
  const rendered = renderFormat({ ...at('3.9.1'), strimziVersion: '0.47.0' }, 'strimzi');
  assert.match(rendered.files[0]!.content, /Kafka 3\.9\.1, for Strimzi 0\.47\.0/);
  assert.match(rendered.files[0]!.content, /^ {4}version: 3\.9\.1$/m);

  // Every version the default release runs renders.
  for (const version of Object.keys(STRIMZI_RELEASES[DEFAULT_STRIMZI_VERSION].kafkaVersions)) renderFormat(at(version), 'strimzi');

  // An unknown release is refused, naming the ones kafkaplane knows.
  assert.throws(() => renderFormat({ ...at('4.1.0'), strimziVersion: '0.44.0' }, 'strimzi'), /Strimzi 0\.44\.0 is not a release kafkaplane renders for; it renders for 0\.46\.0, 0\.47\.0, 0\.48\.0/);
});
