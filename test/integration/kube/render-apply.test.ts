/**
 * Every example × the yaml, kustomize and strimzi formats, sent to a real kube-apiserver with server-side apply,
 * dryRun=All and fieldValidation=Strict: the apiserver checks each object against the real schemas (built-in kinds;
 * the Prometheus Operator's published PodMonitor and PrometheusRule CRDs in test/fixtures/crds; Strimzi's Kafka,
 * KafkaNodePool, KafkaTopic and KafkaUser CRDs in test/fixtures/crds/strimzi/<release>, made by Strimzi's own CRD
 * generator with scripts/strimzi-crds/generate.sh: 0.48.0's (v1beta2) judge the v1beta2 output, then, each installed
 * in the previous one's place in the same apiserver, 0.51.0's (v1 beside v1beta2) and 1.2.0's (v1 only) the v1 output
 * rendered for that release; cert-manager v1.21's own CRDs from its Go module, fetched and cached
 * by scripts/cert-manager/build.sh --crds-only), including their CEL rules, runs admission and defaulting, and
 * persists nothing. Kustomize output is built first with the control plane's own `kubectl kustomize`.
 *
 * Fails (does not skip) when the control-plane binaries are missing.
 *   node_modules/.bin/node --test test/integration/kube/render-apply.test.ts
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../../src/render/objects.ts';
import { type ControlPlane, startControlPlane } from '../../helpers/control-plane.ts';
import { type KubeResponse, ensureNamespace, installCrds, kubeRequest, serverSideApply } from '../../helpers/kube-api.ts';
import { objectPath } from '../../helpers/kube-resources.ts';
import { EXAMPLES, renderExample, renderInput, strimziInput } from '../../helpers/render.ts';
import { STRIMZI_RELEASES, type StrimziVersion } from '../../../src/render/strimzi-releases.ts';
import { certManagerCrds } from '../../helpers/cert-manager.ts';
import { renderFormat } from '../../../src/render/index.ts';
import { parseSpec } from '../../../src/api/load.ts';
import { example } from '../../helpers/spec.ts';

const run = promisify(execFile);
const CRDS = fileURLToPath(new URL('../../fixtures/crds/', import.meta.url));
const TEMPLATED = new URL('../../fixtures/specs/pod-template.yaml', import.meta.url);
/**
 * The Strimzi releases whose CRDs judge the strimzi output, one set at a time (CRDs are cluster-scoped and every set
 * defines kafkas.kafka.strimzi.io, ...): 0.48.0 (kafka.strimzi.io/v1beta2, what 0.46-0.48 get), 0.51.0 (v1 served
 * beside the stored v1beta2: the v1 that 0.49-0.51 get) and 1.2.0 (v1 only). The releases of
 * scripts/strimzi-crds/generate.sh.
 */
const STRIMZI_CRD_RELEASES = ['0.48.0', '0.51.0', '1.2.0'] as const satisfies readonly StrimziVersion[];
const FIELD_MANAGER = 'kafkaplane';

function apply(cp: ControlPlane, object: KubeObject, dryRun: boolean): Promise<KubeResponse> {
  return serverSideApply(cp, objectPath(object), object, { dryRun, fieldManager: FIELD_MANAGER });
}

async function applyAll(cp: ControlPlane, objects: KubeObject[], what: string): Promise<void> {
  assert.ok(objects.length > 0, `${what}: nothing to apply`);
  const failures: string[] = [];
  for (const object of objects) {
    const res = await apply(cp, object, true);
    if (res.status !== 200 && res.status !== 201) failures.push(`${object.kind}/${object.metadata.name}: HTTP ${res.status} ${res.body.slice(0, 600)}`);
    else assert.equal(res.json().metadata.name, object.metadata.name);
  }
  assert.deepEqual(failures, [], `${what}: the apiserver refused objects`);
}

function yamlFiles(dir: string): KubeObject[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => parse(readFileSync(join(dir, f), 'utf8')) as KubeObject);
}

/** Replaces whatever Strimzi CRDs are installed by `release`'s (deleting the old ones first: served versions differ). */
async function installStrimziCrds(cp: ControlPlane, release: StrimziVersion): Promise<string[]> {
  const crds = yamlFiles(join(CRDS, 'strimzi', release));
  for (const crd of crds) {
    const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`;
    const res = await kubeRequest(cp, 'DELETE', path);
    assert.ok(res.status === 200 || res.status === 404, `deleting CRD ${crd.metadata.name}: HTTP ${res.status} ${res.body.slice(0, 400)}`);
    const deadline = Date.now() + 30_000;
    while ((await kubeRequest(cp, 'GET', path)).status !== 404) {
      assert.ok(Date.now() < deadline, `CRD ${crd.metadata.name} still there 30 s after its deletion`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const names = await installCrds(cp, crds);
  // Established comes before the apiserver routes the new versions (a re-created CRD answers 404 for a moment).
  for (const crd of crds as any[]) {
    for (const version of crd.spec.versions.filter((v: { served: boolean }) => v.served)) {
      const path = `/apis/${crd.spec.group}/${version.name}/${crd.spec.names.plural}`;
      const deadline = Date.now() + 30_000;
      while ((await kubeRequest(cp, 'GET', path)).status !== 200) {
        assert.ok(Date.now() < deadline, `${path} not served 30 s after installing Strimzi ${release}'s CRDs`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
  return names;
}

async function kustomizeBuild(cp: ControlPlane, dir: string): Promise<KubeObject[]> {
  const { stdout } = await run(cp.kubectl, ['kustomize', dir], { timeout: 60_000, maxBuffer: 32 * 1024 * 1024 });
  return parseAllDocuments(stdout).map((d) => d.toJS() as KubeObject);
}

test('rendered manifests pass a real kube-apiserver: server-side apply, dryRun=All, fieldValidation=Strict', { timeout: 600_000 }, async (t) => {
  const cp = await startControlPlane({ log: (line) => t.diagnostic(line) });
  t.after(() => cp.stop());
  const work = mkdtempSync(join(tmpdir(), 'kafkaplane-render-apply-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));

  const crds = await installCrds(cp, [...yamlFiles(CRDS), ...((await certManagerCrds()) as KubeObject[])]);
  t.diagnostic(`installed CRDs: ${crds.join(', ')}`);
  const namespaces = new Set<string>();
  for (const name of EXAMPLES)
    for (const format of ['yaml', 'strimzi'] as const) for (const o of renderExample(name, format).objects as KubeObject[]) if (o.metadata.namespace) namespaces.add(o.metadata.namespace);
  for (const namespace of namespaces) await ensureNamespace(cp, namespace);

  await t.test('examples/production.yaml (spec.internalTls) --format yaml and kustomize: cert-manager Issuers and Certificates against cert-manager v1.21 CRDs', async () => {
    const result = renderExample('production.yaml', 'yaml');
    const objects = result.objects as KubeObject[];
    assert.deepEqual(
      objects.filter((o) => o.apiVersion === 'cert-manager.io/v1').map((o) => `${o.kind}/${o.metadata.name}`),
      ['Issuer/production-selfsigned', 'Certificate/production-ca', 'Issuer/production-ca', 'Certificate/production-node-tls', 'Certificate/production-internal-client-tls'],
    );
    await applyAll(cp, objects, 'production yaml');
    const kustomize = renderExample('production.yaml', 'kustomize');
    const dir = join(work, 'production');
    for (const file of kustomize.files) {
      await mkdir(dirname(join(dir, file.path)), { recursive: true });
      await writeFile(join(dir, file.path), file.content);
    }
    await applyAll(cp, await kustomizeBuild(cp, join(dir, 'overlays', 'prod')), 'production kustomize prod');
    // The schema is checked for real: a Certificate without issuerRef is refused.
    const broken = structuredClone(objects.find((o) => o.kind === 'Certificate')!) as KubeObject & { spec: Record<string, unknown> };
    delete broken.spec.issuerRef;
    const res = await apply(cp, broken, true);
    assert.equal(res.status, 422, res.body.slice(0, 400));
    assert.match(res.body, /issuerRef/);
  });

  for (const name of EXAMPLES) {
    await t.test(`examples/${name} --format yaml`, async () => {
      await applyAll(cp, renderExample(name, 'yaml').objects as KubeObject[], `${name} yaml`);
    });

    await t.test(`examples/${name} --format kustomize: base, overlays/dev, overlays/prod built with kubectl kustomize`, async () => {
      const result = renderExample(name, 'kustomize');
      const dir = join(work, name.replace(/\.yaml$/, ''));
      for (const file of result.files) {
        await mkdir(dirname(join(dir, file.path)), { recursive: true });
        await writeFile(join(dir, file.path), file.content);
      }
      const base = await kustomizeBuild(cp, join(dir, 'base'));
      assert.equal(base.length, (result.objects as KubeObject[]).length);
      await applyAll(cp, base, `${name} kustomize base`);
      for (const overlay of ['dev', 'prod']) {
        const built = await kustomizeBuild(cp, join(dir, 'overlays', overlay));
        assert.equal(built.length, base.length);
        for (const o of built) assert.equal(o.metadata.labels?.['kafkaplane.io/environment'], overlay, `${o.kind}/${o.metadata.name}`);
        const statefulSets = built.filter((o) => o.kind === 'StatefulSet') as any[];
        assert.ok(statefulSets.length > 0);
        for (const sts of statefulSets) {
          const pod = sts.spec.template.spec;
          if (overlay === 'dev') assert.equal(pod.containers.find((c: { name: string }) => c.name === 'kafka').resources.requests.cpu, '100m');
          else {
            assert.deepEqual(Object.keys(pod.affinity.podAntiAffinity), ['requiredDuringSchedulingIgnoredDuringExecution']);
            // With spec.rack the zone spread is strict in prod, and stays one constraint (replaced, not appended).
            // Without it the overlay leaves a template's own constraints alone (examples/pod-templates.yaml).
            if (renderInput(example(name)).cluster.spec.rack)
              assert.deepEqual(
                pod.topologySpreadConstraints.map((c: { whenUnsatisfiable: string }) => c.whenUnsatisfiable),
                ['DoNotSchedule'],
              );
            assert.deepEqual(sts.spec.selector, (base.find((o) => o.kind === 'StatefulSet' && o.metadata.name === sts.metadata.name) as any).spec.selector, 'selectors untouched');
          }
        }
        await applyAll(cp, built, `${name} kustomize overlays/${overlay}`);
      }
    });
  }

  await t.test('a fully templated cluster (test/fixtures/specs/pod-template.yaml): every pod template field, cluster and pool level', async () => {
    const objects = renderFormat(renderInput(parseSpec(readFileSync(TEMPLATED, 'utf8'), 'pod-template.yaml')), 'yaml').objects as KubeObject[];
    const broker = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'templated-broker') as any;
    assert.deepEqual(
      broker.spec.template.spec.containers.map((c: { name: string }) => c.name),
      ['kafka', 'log-shipper'],
    );
    await applyAll(cp, objects, 'pod-template yaml');
  });

  await t.test('the dry runs persisted nothing', async () => {
    for (const path of ['/apis/apps/v1/namespaces/kafka/statefulsets']) {
      const res = await kubeRequest(cp, 'GET', path);
      assert.equal(res.status, 200, path);
      assert.deepEqual(res.json().items, [], path);
    }
  });

  await t.test('validation is real: an unknown field inside a rendered StatefulSet is refused, naming it', async () => {
    const sts = structuredClone((renderExample('seed-002-combined.yaml', 'yaml').objects as KubeObject[]).find((o) => o.kind === 'StatefulSet')!) as any;
    sts.spec.template.spec.containers[0].startupProbes = sts.spec.template.spec.containers[0].startupProbe;
    const res = await apply(cp, sts, true);
    assert.ok(res.status >= 400, `expected a refusal, got ${res.status}`);
    assert.match(res.body, /startupProbes/);
  });

  for (const release of STRIMZI_CRD_RELEASES) {
    const apiVersion = STRIMZI_RELEASES[release].apiVersion;
    await t.test(`Strimzi ${release}'s CRDs installed (in place of any other release's)`, async () => {
      t.diagnostic(`Strimzi ${release} CRDs: ${(await installStrimziCrds(cp, release)).join(', ')}`);
    });

    for (const name of EXAMPLES) {
      await t.test(`examples/${name} --format strimzi --strimzi-version ${release}: ${apiVersion} against Strimzi ${release}'s CRDs`, async () => {
        const objects = renderExample(name, 'strimzi', release).objects as KubeObject[];
        assert.ok(objects.some((o) => o.kind === 'Kafka') && objects.some((o) => o.kind === 'KafkaNodePool'));
        assert.ok(objects.filter((o) => o.apiVersion.startsWith('kafka.strimzi.io/')).every((o) => o.apiVersion === apiVersion));
        await applyAll(cp, objects, `${name} strimzi ${release}`);
      });
    }

    // Pod templates as Strimzi's template (src/render/formats/strimzi-template.ts), against this release's CRDs.
    for (const fixture of ['strimzi-template.yaml', 'pod-template.yaml']) {
      await t.test(`test/fixtures/specs/${fixture} --format strimzi --strimzi-version ${release}: pod templates as Strimzi's template`, async () => {
        const text = readFileSync(new URL(`../../fixtures/specs/${fixture}`, import.meta.url), 'utf8');
        const objects = renderFormat(strimziInput(renderInput(parseSpec(text, fixture)), release), 'strimzi').objects as KubeObject[];
        assert.ok(objects.some((o) => o.kind === 'KafkaNodePool' && (o.spec as { template?: unknown }).template !== undefined));
        await applyAll(cp, objects, `${fixture} strimzi ${release}`);
      });
    }

    await t.test(`validation is real for Strimzi ${release}'s CRDs: an unknown field, a wrong enum and a CEL rule are refused`, async () => {
      const objects = renderExample('seed-002-combined.yaml', 'strimzi', release).objects as KubeObject[];
      const kafka = () => structuredClone(objects.find((o) => o.kind === 'Kafka')!) as any;
      const pool = structuredClone(objects.find((o) => o.kind === 'KafkaNodePool')!) as any;

      const unknown = kafka();
      unknown.spec.kafka.listeners[0].tlsx = true;
      let res = await apply(cp, unknown, true);
      assert.ok(res.status >= 400, `expected a refusal, got ${res.status}`);
      assert.match(res.body, /tlsx/);

      pool.spec.roles = ['broker', 'voter'];
      res = await apply(cp, pool, true);
      assert.equal(res.status, 422, res.body.slice(0, 400));
      assert.deepEqual(
        res.json().details.causes.map((c: { field: string; reason: string }) => `${c.field} ${c.reason}`),
        ['spec.roles[1] FieldValueNotSupported'],
      );

      // Strimzi's @CelValidation on MetricsConfig (0.48 and later): jmxPrometheusExporter needs valueFrom.
      const metrics = kafka();
      metrics.spec.kafka.metricsConfig = { type: 'jmxPrometheusExporter' };
      res = await apply(cp, metrics, true);
      assert.equal(res.status, 422, res.body.slice(0, 400));
      assert.match(res.body, /valueFrom property is required/);

      if (apiVersion === 'kafka.strimzi.io/v1') {
        // What v1 removed is refused: spec.kafka.replicas (node pools carry it), and a resource without spec.
        const replicas = kafka();
        replicas.spec.kafka.replicas = 3;
        res = await apply(cp, replicas, true);
        assert.ok(res.status >= 400, `spec.kafka.replicas under v1: expected a refusal, got ${res.status}`);
        assert.match(res.body, /replicas/);
        const topic = structuredClone((renderExample('topics-users.yaml', 'strimzi', release).objects as KubeObject[]).find((o) => o.kind === 'KafkaTopic')!) as any;
        delete topic.spec;
        res = await apply(cp, topic, true);
        assert.equal(res.status, 422, res.body.slice(0, 400));
        assert.match(res.body, /spec: Required value/);
        // … and from 1.0 on, v1beta2 is not served any more.
        const served = (yamlFiles(join(CRDS, 'strimzi', release))[0] as any).spec.versions.map((v: { name: string }) => v.name);
        const old = kafka();
        old.apiVersion = 'kafka.strimzi.io/v1beta2';
        res = await apply(cp, old, true);
        if (served.includes('v1beta2')) assert.ok(res.status === 200 || res.status === 201, `v1beta2 is served by ${release}: HTTP ${res.status} ${res.body.slice(0, 400)}`);
        else assert.equal(res.status, 404, res.body.slice(0, 400));
      }
    });

    await t.test(`Strimzi ${release}: the dry runs persisted nothing`, async () => {
      const path = `/apis/${apiVersion}/namespaces/kafka/kafkas`;
      const res = await kubeRequest(cp, 'GET', path);
      assert.equal(res.status, 200, path);
      assert.deepEqual(res.json().items, [], path);
    });
  }

  await t.test('applied for real twice, the second apply changes nothing (the render is stable)', async () => {
    const objects = renderExample('seed-002-combined.yaml', 'yaml').objects as KubeObject[];
    const versions = new Map<string, string>();
    for (const object of objects) {
      const res = await apply(cp, object, false);
      assert.ok(res.status === 200 || res.status === 201, `${object.kind}/${object.metadata.name}: ${res.body.slice(0, 400)}`);
      versions.set(objectPath(object), res.json().metadata.resourceVersion);
    }
    for (const object of objects) {
      const res = await apply(cp, object, false);
      assert.equal(res.status, 200);
      assert.equal(res.json().metadata.resourceVersion, versions.get(objectPath(object)), `${object.kind}/${object.metadata.name} changed on re-apply`);
    }
  });
});
