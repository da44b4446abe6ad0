import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RenderError } from '../../src/render/errors.ts';
import { renderFormat } from '../../src/render/index.ts';
import { strimziInput } from '../helpers/render.ts';
import { example } from '../helpers/spec.ts';

const production = example('production.yaml');
const input = { cluster: production.clusters[0]!, topics: production.topics.map((t) => t.topic), users: production.users.map((u) => u.user), source: 'examples/production.yaml' };

test('spec.internalTls: yaml, kustomize and compose refuse it with the field named (nothing half-rendered); strimzi renders it', () => {
  for (const format of ['yaml', 'kustomize', 'compose'] as const) {
    assert.throws(
      () => renderFormat(input, format),
      (e: unknown) => e instanceof RenderError && /spec\.internalTls/.test(JSON.stringify((e as RenderError).problems)) && /--format strimzi/.test(JSON.stringify((e as RenderError).problems)),
      format,
    );
  }
  const strimzi = renderFormat(strimziInput(input), 'strimzi');
  assert.ok(strimzi.files[0]!.content.includes('kind: Kafka\n'));
});
