/**
 * A minimal Kubernetes API client for tests against the real control plane (test/helpers/control-plane.ts): it
 * trusts the apiserver's own CA (no insecure mode) and sends the admin token. Deliberately not the product's client,
 * so tests check what the apiserver stores, not what our client believes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { ControlPlane } from './control-plane.ts';

export interface KubeResponse {
  status: number;
  body: string;
  json: () => any;
}

export interface KubeObjectLike {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string | undefined };
}

export async function kubeRequest(cp: Pick<ControlPlane, 'caFile' | 'token' | 'server'>, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<KubeResponse> {
  const ca = readFileSync(cp.caFile);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { authorization: `Bearer ${cp.token}`, accept: 'application/json' };
  if (payload !== undefined) {
    headers['content-type'] = contentType;
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, cp.server), { method, headers, ca, agent: false, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text, json: () => JSON.parse(text) });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout ${method} ${path}`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Server-side apply (as `kubectl apply --server-side`) with strict field validation, at `path` (the object's URL). */
export function serverSideApply(cp: ControlPlane, path: string, object: unknown, options: { dryRun?: boolean; fieldManager?: string } = {}): Promise<KubeResponse> {
  const query = `fieldManager=${options.fieldManager ?? 'kafkaplane'}&force=true&fieldValidation=Strict${options.dryRun ? '&dryRun=All' : ''}`;
  return kubeRequest(cp, 'PATCH', `${path}?${query}`, object, 'application/apply-patch+yaml');
}

/** Applies CRDs and waits until each is Established (only then does the apiserver serve its kind). */
export async function installCrds(cp: ControlPlane, crds: readonly KubeObjectLike[]): Promise<string[]> {
  const names: string[] = [];
  for (const crd of crds) {
    const res = await serverSideApply(cp, `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`, crd);
    assert.ok(res.status === 200 || res.status === 201, `installing CRD ${crd.metadata.name}: HTTP ${res.status} ${res.body.slice(0, 1500)}`);
    names.push(crd.metadata.name);
  }
  const deadline = Date.now() + 30_000;
  for (const name of names) {
    for (;;) {
      const res = await kubeRequest(cp, 'GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      const established = res.json().status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True');
      if (established) break;
      assert.ok(Date.now() < deadline, `CRD ${name} is not Established after 30 s: ${res.body.slice(0, 400)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return names;
}

/** Creates a namespace (an existing one is fine). */
export async function ensureNamespace(cp: ControlPlane, name: string): Promise<void> {
  const res = await kubeRequest(cp, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  assert.ok(res.status === 201 || res.status === 409, `creating namespace ${name}: ${res.body}`);
}
