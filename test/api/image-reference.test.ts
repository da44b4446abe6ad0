import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageReferenceProblem } from '../../src/api/image-reference.ts';
import { cluster, clusterYaml, problems } from '../helpers/spec.ts';

test('image references: capitals in tags and registry hosts, ports, digests are valid', () => {
  for (const ref of [
    'apache/kafka:4.1.2',
    'apache/kafka',
    'kafka',
    'apache/kafka:4.1.2-RC1',
    'apache/kafka:Latest',
    'apache/kafka:_build',
    'Registry.Example.com/team/kafka:4.1.2',
    'registry.example.com:5000/team/sub/kafka:4.1.2',
    'localhost:5000/kafka:dev',
    'localhost/kafka',
    '[::1]:5000/kafka:dev',
    'quay.io/strimzi/kafka:0.48.0-kafka-4.1.0',
    'my_org/kafka__native:x',
    `apache/kafka:4.1.2@sha256:${'a'.repeat(64)}`,
    `apache/kafka@sha256:${'0'.repeat(64)}`,
    `apache/kafka@sha512:${'f'.repeat(128)}`,
    `apache/kafka:${'T'.repeat(128)}`,
  ]) {
    assert.equal(imageReferenceProblem(ref), undefined, ref);
  }
});

test('image references: capital repositories, bad tags and digests are refused with the reason', () => {
  assert.match(imageReferenceProblem('Apache/kafka:4.1.2')!, /the repository Apache\/kafka has capital letters/);
  assert.match(imageReferenceProblem('registry.example.com/Team/kafka:4.1.2')!, /the repository Team\/kafka has capital letters/);
  for (const ref of [
    'apache/kafka:-rc1',
    `apache/kafka:${'t'.repeat(129)}`,
    'apache/kafka:4.1.2@sha256:abc',
    `apache/kafka@sha256:${'A'.repeat(64)}`,
    'apache//kafka',
    'apache/kafka:',
    '/kafka',
    'kafka-',
    'apache/kafka 4.1.2',
  ]) {
    assert.notEqual(imageReferenceProblem(ref), undefined, ref);
  }
  assert.match(imageReferenceProblem(`${'a'.repeat(250)}/kafka`)!, /at most 255/);
});

test('spec.kubernetes.image: a tag with capitals parses, a capital repository is refused at its path', () => {
  assert.equal(cluster('kubernetes: {image: "registry.example.com/kafka:4.1.2-RC1"}').spec.kubernetes?.image, 'registry.example.com/kafka:4.1.2-RC1');
  const found = problems(clusterYaml('kubernetes: {image: "Apache/kafka:4.1.2"}'));
  assert.equal(found.length, 1);
  assert.match(found[0]!, /^spec\.kubernetes\.image: the repository Apache\/kafka has capital letters/);
});
