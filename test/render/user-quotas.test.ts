import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSpec } from '../../src/api/load.ts';
import { renderFormat } from '../../src/render/index.ts';
import type { KubeObject } from '../../src/render/objects.ts';
import { renderInput, strimziInput } from '../helpers/render.ts';
import { clusterYaml } from '../helpers/spec.ts';

const SPEC = `${clusterYaml('{}')}---
apiVersion: kafkaplane.io/v1alpha1
kind: KafkaUser
metadata: {name: app}
spec:
  quotas: {producerByteRate: 1048576, requestPercentage: 55.5}
`;

test('KafkaUser spec.quotas: the topics Job sets them with kafka-configs; Strimzi gets the same spec.quotas', () => {
  const input = renderInput(parseSpec(SPEC, 'quotas.yaml'));
  const job = (renderFormat(input, 'yaml').objects as KubeObject[]).find((o) => o.kind === 'Job')!;
  const script = JSON.stringify(job);
  assert.match(script, /--alter --entity-type users --entity-name '?app'? --add-config '?producer_byte_rate=1048576,request_percentage=55.5'?/);
  const strimzi = (renderFormat(strimziInput(input), 'strimzi').objects as KubeObject[]).find((o) => o.kind === 'KafkaUser')!;
  assert.deepEqual((strimzi.spec as { quotas: unknown }).quotas, { producerByteRate: 1048576, requestPercentage: 55.5 });
});
