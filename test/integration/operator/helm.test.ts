// The Helm chart (deploy/helm/kafkaplane-operator) and `kafkaplane operator install` produce the same objects for
// the same settings: `helm lint`, `helm template --include-crds` against `operator install -o json`, canonicalised.
// Helm is built from the Go module proxy by scripts/helm/build.sh (the test command runs it; a missing helm fails).
// And `operator install --apply` is accepted by a real apiserver (server-side apply, fieldValidation=Strict).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { runCli, runCliJson } from '../../helpers/cli.ts';
import { startControlPlane } from '../../helpers/control-plane.ts';
import { kubeRequest } from '../../helpers/kube-api.ts';
import { spawnWithTimeout } from '../../helpers/spawn.ts';
import { REPO } from '../../helpers/spec.ts';

const CHART = new URL('deploy/helm/kafkaplane-operator', REPO).pathname;
const HELM = execFileSync('bash', [new URL('scripts/helm/build.sh', REPO).pathname, '--print-bin'], { encoding: 'utf8' }).trim();

interface Obj {
  kind: string;
  metadata: { name: string; namespace?: string };
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== null && x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, x]) => [k, canonical(x)]),
    );
  }
  return v;
}
const sorted = (objects: Obj[]) =>
  objects.map((o) => canonical(o) as Obj).sort((a, b) => `${a.kind}/${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.namespace}/${b.metadata.name}`));

async function helm(args: string[]) {
  assert.ok(existsSync(HELM), `helm is not built at ${HELM}: run scripts/helm/build.sh (the test command does)`);
  const r = await spawnWithTimeout(HELM, args, { timeoutMs: 60_000 });
  assert.equal(r.code, 0, `helm ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('helm lint passes', async () => {
  await helm(['lint', '--strict', CHART]);
});

test("the chart's crds/ is what src/api/crd.ts generates", async () => {
  const list = await runCliJson<{ items: Obj[] }>(['operator', 'install', '-o', 'json']);
  const crds = list.items.filter((o) => o.kind === 'CustomResourceDefinition');
  const file = parseAllDocuments(readFileSync(`${CHART}/crds/kafkaplane.io.yaml`, 'utf8')).map((d) => d.toJS() as Obj);
  assert.deepEqual(sorted(file), sorted(crds), 'regenerate it: node scripts/helm/crds.ts');
});

const CASES: { name: string; cli: string[]; helm: string[] }[] = [
  { name: 'defaults (watch the release namespace)', cli: ['-n', 'ops'], helm: [] },
  {
    name: 'another watched namespace, image and deletion policy',
    cli: ['-n', 'ops', '--watch-namespace', 'kafka', '--image', 'registry.example/kafkaplane:9.9.9', '--topic-deletion', 'keep'],
    helm: ['--set', 'watchNamespace=kafka', '--set', 'image=registry.example/kafkaplane:9.9.9', '--set', 'topicDeletion=keep'],
  },
  { name: 'all namespaces', cli: ['-n', 'ops', '--all-namespaces'], helm: ['--set', 'allNamespaces=true'] },
];

for (const c of CASES) {
  test(`helm template = operator install -o json: ${c.name}`, async () => {
    const fromCli = (await runCliJson<{ items: Obj[] }>(['operator', 'install', '-o', 'json', ...c.cli])).items;
    const rendered = await helm(['template', 'kafkaplane-operator', CHART, '--namespace', 'ops', '--include-crds', ...c.helm]);
    const fromHelm = parseAllDocuments(rendered)
      .map((d) => d.toJS() as Obj | null)
      .filter((o): o is Obj => o !== null);
    assert.deepEqual(sorted(fromHelm), sorted(fromCli));
  });
}

test('operator install --apply: a real apiserver accepts every object; a second apply changes nothing', { timeout: 180_000 }, async (t) => {
  const cp = await startControlPlane({ log: (line) => t.diagnostic(line) });
  t.after(() => cp.stop());
  const ns = await kubeRequest(cp, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ops' } });
  assert.equal(ns.status, 201, ns.body);
  const first = await runCliJson<{ applied: { kind: string; changed: boolean }[] }>(['operator', 'install', '-n', 'ops', '--apply', '--kubeconfig', cp.kubeconfigPath, '-o', 'json']);
  assert.equal(first.applied.length, 11);
  assert.ok(first.applied.every((a) => a.changed));
  const second = await runCliJson<{ applied: { kind: string; changed: boolean }[] }>(['operator', 'install', '-n', 'ops', '--apply', '--kubeconfig', cp.kubeconfigPath, '-o', 'json']);
  assert.deepEqual(
    second.applied.filter((a) => a.changed),
    [],
  );
  const text = await runCli(['operator', 'install', '-n', 'ops']);
  assert.equal(text.code, 0);
  assert.doesNotMatch(text.stdout, /[&*]a\d/, 'no YAML anchors or aliases in the printed objects');
});
