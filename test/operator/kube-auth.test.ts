import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { inClusterAuth, kubeconfigSource, staticKubeconfigAuth } from '../../src/operator/kube/auth.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'kube-auth-'));
const write = (name: string, text: string) => {
  writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};
const kubeconfig = (user: string, cluster = 'server: https://10.0.0.1:6443\n      certificate-authority: ca.pem') =>
  `apiVersion: v1
kind: Config
current-context: b
contexts:
  - name: a
    context: { cluster: other, user: other }
  - name: b
    context: { cluster: c, user: u }
clusters:
  - name: other
    cluster: { server: https://wrong:1 }
  - name: c
    cluster:
      ${cluster}
users:
  - name: other
    user: { token: wrong }
  - name: u
    user:
      ${user}
`;
const apply = async (auth: { applyToHTTPSOptions(o: RequestOptions): Promise<void> }) => {
  const o: RequestOptions = { headers: { accept: 'application/json' } };
  await auth.applyToHTTPSOptions(o);
  return o;
};

test('a kubeconfig with client certificates: the current context, files relative to the kubeconfig', async () => {
  write('ca.pem', 'CA');
  write('cert.pem', 'CERT');
  const file = write('config-cert', kubeconfig(`client-certificate: cert.pem\n      client-key-data: ${Buffer.from('KEY').toString('base64')}`));
  const auth = staticKubeconfigAuth(file)!;
  assert.equal(auth.server, 'https://10.0.0.1:6443');
  const o = await apply(auth);
  assert.equal(String(o.ca), 'CA');
  assert.equal(String(o.cert), 'CERT');
  assert.equal(String(o.key), 'KEY');
  assert.deepEqual(o.headers, { accept: 'application/json' }, 'no token, no Authorization header');
});

test('a kubeconfig with a token, tls-server-name and insecure-skip-tls-verify', async () => {
  const file = write('config-token', kubeconfig('token: s3cret', 'server: https://h:6443\n      insecure-skip-tls-verify: true\n      tls-server-name: api.local'));
  const o = await apply(staticKubeconfigAuth(file)!);
  assert.equal(o.rejectUnauthorized, false);
  assert.equal(o.servername, 'api.local');
  assert.equal((o.headers as Record<string, string>).Authorization, 'Bearer s3cret');
});

test('exec plugins, auth providers, basic auth, impersonation and proxies are left to client-node', () => {
  for (const user of ['exec: { command: aws, apiVersion: client.authentication.k8s.io/v1beta1 }', 'auth-provider: { name: oidc }', 'username: a\n      password: b', 'as: someone']) {
    assert.equal(staticKubeconfigAuth(write('config-x', kubeconfig(user))), undefined, user);
  }
  assert.equal(staticKubeconfigAuth(write('config-p', kubeconfig('token: t', 'server: https://h:1\n      proxy-url: http://proxy:3128'))), undefined);
});

test('in a pod: the ServiceAccount token (re-read as it rotates) and CA, IPv6 service hosts bracketed', async () => {
  const sa = mkdtempSync(path.join(tmpdir(), 'sa-'));
  writeFileSync(path.join(sa, 'token'), 'tok1\n');
  writeFileSync(path.join(sa, 'ca.crt'), 'SACA');
  const auth = inClusterAuth({ KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, sa);
  assert.equal(auth.server, 'https://[fd00::1]:443');
  const o = await apply(auth);
  assert.equal(String(o.ca), 'SACA');
  assert.equal((o.headers as Record<string, string>).Authorization, 'Bearer tok1');
});

test('where the kubeconfig comes from: the flag, then one $KUBECONFIG file; several files go to client-node', () => {
  assert.deepEqual(kubeconfigSource('/x', { KUBECONFIG: '/y' }), { file: '/x' });
  assert.deepEqual(kubeconfigSource(undefined, { KUBECONFIG: '/y' }), { file: '/y' });
  assert.equal(kubeconfigSource(undefined, { KUBECONFIG: `/y${path.delimiter}/z` }), undefined);
});
