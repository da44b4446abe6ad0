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
import type { KubeObject } from '../../src/render/objects.ts';
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
  // 0.49.0 to 0.50.1 share one file.
  '0.49.1': '633a1b9c63652e847fc4757144587fd67f39ddeb',
  '0.50.1': '633a1b9c63652e847fc4757144587fd67f39ddeb',
  '0.51.0': 'feeef6d8d7cca5302310f5afe298ade3dc121297',
  '1.2.0': '12ed355a7ec6ed534fb8acff88c79be91faa2cca',
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

const CLI_WORDS = {
  setting: (name: string, value?: string) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}${value === undefined ? '' : ` ${value}`}`,
  action: (name: string) => name,
};

const refusal = (render: () => unknown, what: string): RenderError => {
  try {
    render();
  } catch (e) {
    return e as RenderError;
  }
  assert.fail(what);
};

test('a Kafka version the target release does not run is refused at spec.version, naming the versions it runs and what to do', () => {
  const at = (version: string) => renderInput(parseSpec(clusterYaml(`version: ${version}`, 'demo')));
  // kafkaplane's default Kafka, 4.1.2, for the default release (1.2.0): no release in the table runs 4.1.2; the hint
  // names 1.2.0's versions and the newest release running Kafka 4.1.
  const error = refusal(() => renderFormat(at('4.1.2'), 'strimzi'), 'Kafka 4.1.2 was rendered for Strimzi 1.2.0');
  assert.equal(error.code, 'CANNOT_RENDER');
  assert.equal(error.problems.length, 1);
  assert.equal(error.problems[0]!.path, 'spec.version');
  assert.equal(
    error.problems[0]!.message,
    'Strimzi 1.2.0 runs Kafka 4.2.0, 4.2.1, 4.3.0, 4.3.1 only; its operator would refuse Kafka 4.1.2 (none of the releases kafkaplane renders for, 0.46.0, 0.47.0, 0.48.0, 0.49.1, 0.50.1, 0.51.0, 1.2.0, runs it; for Kafka 4.1, Strimzi 0.51.0 runs 4.1.0, 4.1.1)',
  );
  assert.equal(
    formatHint(error.hint!, CLI_WORDS),
    "set spec.version to one of 4.2.0, 4.2.1, 4.3.0, 4.3.1 (Strimzi 1.2.0's default is 4.3.1), or keep Kafka 4.1: set spec.version to 4.1.0 or 4.1.1 and render with --strimzi-version 0.51.0; nothing was written",
  );

  // The same for 0.48.0, which runs 4.0.0 and 4.1.0.
  const old = refusal(() => renderFormat({ ...at('4.1.2'), strimziVersion: '0.48.0' }, 'strimzi'), 'Kafka 4.1.2 was rendered for Strimzi 0.48.0');
  assert.match(old.problems[0]!.message, /^Strimzi 0\.48\.0 runs Kafka 4\.0\.0, 4\.1\.0 only; its operator would refuse Kafka 4\.1\.2/);
  assert.match(formatHint(old.hint!, CLI_WORDS), /^set spec\.version to one of 4\.0\.0, 4\.1\.0 \(Strimzi 0\.48\.0's default is 4\.1\.0\)/);

  // 3.9.1 is refused by 1.2.0 and the message points at the release that runs it …
  const older = refusal(() => renderFormat(at('3.9.1'), 'strimzi'), 'Kafka 3.9.1 was rendered for Strimzi 1.2.0');
  assert.match(older.problems[0]!.message, /\(Strimzi 0\.47\.0 runs it\)$/);
  assert.match(formatHint(older.hint!, CLI_WORDS), /or render for a release that runs it: --strimzi-version 0\.47\.0; nothing was written$/);
  // … and rendered for that release.
  const rendered = renderFormat({ ...at('3.9.1'), strimziVersion: '0.47.0' }, 'strimzi');
  assert.match(rendered.files[0]!.content, /Kafka 3\.9\.1, for Strimzi 0\.47\.0/);
  assert.match(rendered.files[0]!.content, /^ {4}version: 3\.9\.1$/m);

  // A Kafka line no release runs (4.4): only the release's own versions are offered.
  const newer = refusal(() => renderFormat(at('4.4.0'), 'strimzi'), 'Kafka 4.4.0 was rendered for Strimzi 1.2.0');
  assert.equal(formatHint(newer.hint!, CLI_WORDS), "set spec.version to one of 4.2.0, 4.2.1, 4.3.0, 4.3.1 (Strimzi 1.2.0's default is 4.3.1); nothing was written");

  // Every version every release runs renders, in that release's API.
  for (const [release, entry] of Object.entries(STRIMZI_RELEASES)) {
    for (const version of Object.keys(entry.kafkaVersions)) {
      const objects = renderFormat({ ...at(version), strimziVersion: release }, 'strimzi').objects as KubeObject[];
      assert.deepEqual([...new Set(objects.map((o) => o.apiVersion))], [entry.apiVersion], `${release} at ${version}`);
    }
  }

  // An unknown release is refused, naming the ones kafkaplane knows.
  assert.throws(
    () => renderFormat({ ...at('4.1.0'), strimziVersion: '0.44.0' }, 'strimzi'),
    /Strimzi 0\.44\.0 is not a release kafkaplane renders for; it renders for 0\.46\.0, 0\.47\.0, 0\.48\.0, 0\.49\.1, 0\.50\.1, 0\.51\.0, 1\.2\.0/,
  );
});

test('the API per release: v1beta2 up to 0.48, v1 from 0.49 (served beside v1beta2 until 1.0, alone from 1.0)', () => {
  assert.deepEqual(Object.fromEntries(Object.entries(STRIMZI_RELEASES).map(([r, e]) => [r, e.apiVersion.replace('kafka.strimzi.io/', '')])), {
    '0.46.0': 'v1beta2',
    '0.47.0': 'v1beta2',
    '0.48.0': 'v1beta2',
    '0.49.1': 'v1',
    '0.50.1': 'v1',
    '0.51.0': 'v1',
    '1.2.0': 'v1',
  });
  assert.equal(DEFAULT_STRIMZI_VERSION, '1.2.0');
});

test('spec.rack: releases from 0.49 no longer spread the pods over zones themselves, and render says so', () => {
  const racked = (release: string) =>
    renderFormat(
      {
        ...renderInput(parseSpec(clusterYaml(`version: ${STRIMZI_RELEASES[release as keyof typeof STRIMZI_RELEASES].defaultKafkaVersion}\nrack: {topologyKey: topology.kubernetes.io/zone}`, 'demo'))),
        strimziVersion: release,
      },
      'strimzi',
    ).warnings;
  assert.deepEqual(racked('0.48.0'), []);
  assert.match(
    racked('1.2.0').join('\n'),
    /spec\.rack: Strimzi 1\.2\.0 sets broker\.rack from the zone but no longer spreads the Kafka pods over the zones itself .*topologySpreadConstraints on topology\.kubernetes\.io\/zone/,
  );
  // A template that spreads the pods itself silences it.
  const spread =
    'version: 4.3.1\nrack: {topologyKey: topology.kubernetes.io/zone}\nkubernetes:\n  template:\n    pod:\n      topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app.kubernetes.io/instance: demo}}}]';
  assert.ok(!renderFormat(renderInput(parseSpec(clusterYaml(spread, 'demo'))), 'strimzi').warnings.some((w) => w.startsWith('spec.rack')));
});
