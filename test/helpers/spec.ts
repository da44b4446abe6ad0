import { readFileSync } from 'node:fs';
import { SpecError } from '../../src/errors.ts';
import type { KafkaCluster } from '../../src/api/kafka-cluster.ts';
import { type SpecFile, parseSpec } from '../../src/api/load.ts';

export const REPO = new URL('../../', import.meta.url);

export function example(name: string): SpecFile {
  const file = new URL(`examples/${name}`, REPO);
  return parseSpec(readFileSync(file, 'utf8'), `examples/${name}`);
}

/** A KafkaCluster document from YAML for the spec section only. */
export function clusterYaml(spec: string, name = 'demo'): string {
  return `apiVersion: kafkaplane.io/v1alpha1\nkind: KafkaCluster\nmetadata:\n  name: ${name}\nspec:\n${spec
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;
}

export function cluster(spec: string, name = 'demo'): KafkaCluster {
  return parseSpec(clusterYaml(spec, name)).clusters[0]!;
}

/** The problems a spec produces, as `path: message` strings (throws if it is valid). */
export function problems(text: string): string[] {
  try {
    parseSpec(text, 'test.yaml');
  } catch (error) {
    if (error instanceof SpecError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  throw new Error('expected the spec to be invalid');
}
