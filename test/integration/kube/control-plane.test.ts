/**
 * Starts a real etcd + kube-apiserver (built by scripts/control-plane/build.sh) and checks the
 * things kafkaplane relies on: version, server-side apply dry runs with strict field validation,
 * kubectl against the kubeconfig, and `kubectl kustomize`.
 *
 * Fails (does not skip) when the binaries have not been built.
 *
 *   node_modules/.bin/node --test test/integration/kube/control-plane.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startControlPlane, type ControlPlane } from '../../helpers/control-plane.ts';
import { kubeRequest } from '../../helpers/kube-api.ts';

const run = promisify(execFile);

/** kubeRequest with this file's option style. */
function request(cp: ControlPlane, method: string, urlPath: string, options: { body?: unknown; contentType?: string } = {}) {
  return kubeRequest(cp, method, urlPath, options.body, options.contentType);
}

const configMap = (extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'x', namespace: 'default' },
  data: { 'server.properties': 'num.partitions=3\n' },
  ...extra,
});

const APPLY_DRY_RUN = '/api/v1/namespaces/default/configmaps/x?fieldManager=kafkaplane-test&dryRun=All&fieldValidation=Strict';

test('real kube-apiserver: version, server-side apply dry run, kubectl, kustomize', { timeout: 240_000 }, async (t) => {
  const cp = await startControlPlane({ log: (line) => t.diagnostic(line) });
  t.after(() => cp.stop());

  await t.test('GET /version reports the built version', async () => {
    const res = await request(cp, 'GET', '/version');
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json().gitVersion, cp.version);
    assert.match(cp.version, /^v1\.\d+\.\d+$/);
  });

  await t.test('server-side apply dry run of a valid ConfigMap succeeds and persists nothing', async () => {
    const res = await request(cp, 'PATCH', APPLY_DRY_RUN, {
      body: configMap(),
      contentType: 'application/apply-patch+yaml',
    });
    assert.ok(res.status === 200 || res.status === 201, `expected 200/201, got ${res.status}: ${res.body}`);
    const obj = res.json();
    assert.equal(obj.kind, 'ConfigMap');
    assert.equal(obj.data['server.properties'], 'num.partitions=3\n');
    assert.ok(
      obj.metadata.managedFields?.some((f: { manager?: string }) => f.manager === 'kafkaplane-test'),
      'managedFields should name our field manager',
    );

    const get = await request(cp, 'GET', '/api/v1/namespaces/default/configmaps/x');
    assert.equal(get.status, 404, `dry run must not create the object: ${get.body}`);
  });

  await t.test('server-side apply dry run with an unknown field is rejected, naming the field', async () => {
    const res = await request(cp, 'PATCH', APPLY_DRY_RUN, {
      body: configMap({ data2: { bogus: '1' } }),
      contentType: 'application/apply-patch+yaml',
    });
    // Server-side apply rejects fields missing from the schema whatever fieldValidation says, but
    // Kubernetes (still in v1.34) reports it as HTTP 500 "failed to create typed patch object (…):
    // .data2: field not declared in schema" (kubernetes/kubernetes#122480, #139253), not as a 4xx.
    // Accept a 4xx too, so this keeps passing once that is fixed upstream.
    assert.ok(res.status >= 400 && res.status <= 500, `expected 4xx/500, got ${res.status}: ${res.body}`);
    assert.equal(res.json().kind, 'Status');
    assert.match(res.body, /\.data2: field not declared in schema/, `error should name the unknown field: ${res.body}`);
  });

  await t.test('create dry run with an unknown field and fieldValidation=Strict is a 400 naming the field', async () => {
    const res = await request(cp, 'POST', '/api/v1/namespaces/default/configmaps?dryRun=All&fieldValidation=Strict', {
      body: configMap({ data2: { bogus: '1' } }),
    });
    assert.equal(res.status, 400, res.body);
    assert.match(res.json().message, /unknown field "data2"/, `error should name the unknown field: ${res.body}`);
  });

  await t.test('kubectl version -o json works with the kubeconfig', async () => {
    const { stdout } = await run(cp.kubectl, ['--kubeconfig', cp.kubeconfigPath, 'version', '-o', 'json'], { timeout: 30_000 });
    const v = JSON.parse(stdout);
    assert.equal(v.clientVersion.gitVersion, cp.version);
    assert.equal(v.serverVersion.gitVersion, cp.version);
  });

  await t.test('kubectl kustomize builds a kustomization, and kubectl server-side dry-run applies it', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kafkaplane-kustomize-'));
    t.after(() => fs.rm(dir, { recursive: true, force: true }));
    await fs.writeFile(path.join(dir, 'configmap.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broker-config\ndata:\n  num.partitions: "3"\n');
    await fs.writeFile(
      path.join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'namespace: default',
        'namePrefix: kp-',
        'labels:',
        '  - pairs:',
        '      app.kubernetes.io/managed-by: kafkaplane',
        'resources:',
        '  - configmap.yaml',
        '',
      ].join('\n'),
    );
    const { stdout: built } = await run(cp.kubectl, ['kustomize', dir], { timeout: 30_000 });
    assert.match(built, /name: kp-broker-config/);
    assert.match(built, /namespace: default/);
    assert.match(built, /app\.kubernetes\.io\/managed-by: kafkaplane/);

    const outFile = path.join(dir, 'out.yaml');
    await fs.writeFile(outFile, built);
    const { stdout: applied } = await run(cp.kubectl, ['--kubeconfig', cp.kubeconfigPath, 'apply', '--server-side', '--dry-run=server', '--field-manager=kafkaplane-test', '-f', outFile], {
      timeout: 30_000,
    });
    assert.match(applied, /configmap\/kp-broker-config serverside-applied \(server dry run\)/);
  });
});
