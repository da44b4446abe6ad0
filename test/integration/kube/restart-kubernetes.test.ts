/**
 * `kafkaplane restart --kubernetes` against a real kube-apiserver (no kubelet, so no pods): it refuses a cluster
 * whose StatefulSets are missing or still roll by themselves (RollingUpdate), before deleting anything; and with the
 * StatefulSets render makes (OnDelete) and no stale pod it has nothing to do. The roll itself: the real-node test
 * test/integration/node/rolls.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../../../src/render/objects.ts';
import { startControlPlane } from '../../helpers/control-plane.ts';
import { ensureNamespace, serverSideApply } from '../../helpers/kube-api.ts';
import { runCli } from '../../helpers/cli.ts';
import { renderExample } from '../../helpers/render.ts';

const SPEC = fileURLToPath(new URL('../../../examples/seed-002-combined.yaml', import.meta.url));

test('restart --kubernetes: no StatefulSet, or a RollingUpdate one, is refused with what to do; OnDelete with no stale pod is done', async (t) => {
  const cp = await startControlPlane({ log: (line) => t.diagnostic(line) });
  t.after(() => cp.stop());
  const args = ['restart', '--kubernetes', '-f', SPEC, '--kubeconfig', cp.kubeconfigPath, '--kafka-bootstrap', '127.0.0.1:1', '-o', 'json'];

  const missing = await runCli(args);
  assert.equal(missing.code, 1, missing.stderr);
  assert.match(missing.stderr, /StatefulSet kafka\/kafka-dual \(pool "dual"\) does not exist/);

  await ensureNamespace(cp, 'kafka');
  const sts = (renderExample('seed-002-combined.yaml', 'yaml').objects as KubeObject[]).find((o) => o.kind === 'StatefulSet')!;
  const path = '/apis/apps/v1/namespaces/kafka/statefulsets/kafka-dual';
  const rolling = { ...sts, spec: { ...(sts.spec as object), updateStrategy: { type: 'RollingUpdate' } } };
  assert.ok([200, 201].includes((await serverSideApply(cp, path, rolling)).status));
  const refused = await runCli(args);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /StatefulSet kafka\/kafka-dual rolls by itself \(updateStrategy RollingUpdate\)/);
  assert.match(refused.stderr, /render the spec with this kafkaplane version/);

  assert.equal((await serverSideApply(cp, path, sts)).status, 200);
  const plan = await runCli([...args, '--dry-run']);
  assert.equal(plan.code, 0, plan.stderr);
  assert.deepEqual(JSON.parse(plan.stdout).plan, [], 'no pod runs an old revision');
});
