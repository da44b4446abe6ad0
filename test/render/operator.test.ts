import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderOperator } from '../../src/render/operator.ts';

const kinds = (objects: { kind: string; metadata: { name: string; namespace?: string } }[]) => objects.map((o) => `${o.kind}/${o.metadata.namespace ?? '-'}/${o.metadata.name}`);

test('one watched namespace: a Role there, cluster-scoped only what rack RBAC needs, the leader Role at home', () => {
  const objects = renderOperator({ namespace: 'ops', watchNamespace: 'kafka', image: 'kafkaplane:0.1.0' });
  assert.deepEqual(
    kinds(objects).filter((k) => !k.startsWith('CustomResourceDefinition')),
    [
      'ServiceAccount/ops/kafkaplane-operator',
      'Role/kafka/kafkaplane-operator',
      'RoleBinding/kafka/kafkaplane-operator',
      'ClusterRole/-/kafkaplane-operator-ops',
      'ClusterRoleBinding/-/kafkaplane-operator-ops',
      'Role/ops/kafkaplane-operator-leader',
      'RoleBinding/ops/kafkaplane-operator-leader',
      'Deployment/ops/kafkaplane-operator',
    ],
  );
  const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as { spec: { template: { spec: { containers: { args: string[]; image: string }[] } } } };
  assert.deepEqual(deployment.spec.template.spec.containers[0]!.args, ['operator', 'run', '--namespace', 'kafka', '--topic-deletion', 'delete', '--health-port', '8080']);
});

test('all namespaces: a ClusterRole with the same rules; no wildcard verbs or resources anywhere', () => {
  const objects = renderOperator({ namespace: 'ops', image: 'x', topicDeletion: 'keep' });
  assert.ok(kinds(objects).includes('ClusterRole/-/kafkaplane-operator-ops-watched'));
  assert.ok(!kinds(objects).some((k) => k.startsWith('Role/kafka')));
  for (const o of objects) {
    for (const rule of (o.rules as { verbs: string[]; resources: string[] }[] | undefined) ?? []) {
      assert.ok(!rule.verbs.includes('*') && !rule.resources.includes('*'), JSON.stringify(rule));
    }
  }
  const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as { spec: { template: { spec: { containers: { args: string[] }[] } } } };
  assert.deepEqual(deployment.spec.template.spec.containers[0]!.args.slice(2, 5), ['--all-namespaces', '--topic-deletion', 'keep']);
});
