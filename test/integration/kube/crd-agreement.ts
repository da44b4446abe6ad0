/**
 * Generated specs against the real apiserver's validation of kafkaplane's CRDs (issue 12: "every valid spec renders
 * deterministically and passes the CRD/apiserver schema tests"). A seeded sample of generated valid spec files and of
 * mutations of them (test/helpers/spec-arbitrary.ts, the generators of test/api/spec-fuzz.test.ts) is sent document by
 * document as custom resources (create, dryRun=All, fieldValidation=Strict), and the two validators must agree:
 *   - a file kafkaplane accepts: the apiserver accepts every document of it;
 *   - a document the apiserver refuses: kafkaplane refuses that document alone too (its schema and its own rules).
 * Refused by kafkaplane only is expected: the CRDs cannot say everything zod and the cross-field rules say (see
 * KNOWN_GAPS; the operator reports those as the InvalidSpec condition). Then the valid files' clusters are rendered
 * (--format yaml) and every object is dry-run too.
 *
 * Seeded and reproducible: FUZZ_SEED picks the sample (printed), CRD_FUZZ_FILES and CRD_FUZZ_RENDERS its size.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { API_GROUP, API_GROUP_VERSION, CRD_KINDS } from '../../../src/api/crd.ts';
import { parseSpec } from '../../../src/api/load.ts';
import { KafkaplaneError, SpecError } from '../../../src/errors.ts';
import { renderFormat } from '../../../src/render/index.ts';
import type { KubeObject } from '../../../src/render/objects.ts';
import type { ControlPlane } from '../../helpers/control-plane.ts';
import { ensureNamespace, kubeRequest, serverSideApply } from '../../helpers/kube-api.ts';
import { objectPath } from '../../helpers/kube-resources.ts';
import { renderInput } from '../../helpers/render.ts';
import { type Doc, OBJECT_MUTATIONS, type GeneratedSpec, mutatedSpecArbitrary, toYaml, validSpecArbitrary } from '../../helpers/spec-arbitrary.ts';

export const SEED = process.env.FUZZ_SEED === undefined ? 20261204 : Number(process.env.FUZZ_SEED);
/** Spec files per kind of sample (valid, mutated): ~2 documents each. */
export const FILES = process.env.CRD_FUZZ_FILES === undefined ? 120 : Number(process.env.CRD_FUZZ_FILES);
/** Valid files whose clusters are rendered and dry-run (~30 objects a cluster). */
export const RENDERS = process.env.CRD_FUZZ_RENDERS === undefined ? 20 : Number(process.env.CRD_FUZZ_RENDERS);
const PARALLEL = 6;

/**
 * What kafkaplane refuses and the CRDs cannot: checked by the operator (condition InvalidSpec), counted here. Each
 * entry: a pattern of kafkaplane's problem message, and why the CRD schema cannot say it.
 */
export const KNOWN_GAPS: { pattern: RegExp; why: string }[] = [
  { pattern: /roles\[…\]: duplicate role/, why: 'a set of roles: the CRD has a plain list (x-kubernetes-list-type: set would say it)' },
  { pattern: /duplicate listener name/, why: 'unique listener names: the CRD has a plain list (x-kubernetes-list-type: map would say it)' },
  { pattern: /cannot be satisfied by … brokers/, why: "config checked against the pools' broker count: a cross-field rule" },
  { pattern: /resource\.name is required unless resource\.type is cluster/, why: 'a field required depending on another: needs a CEL rule' },
  { pattern: /must be at most the (cpu|memory) limit/, why: 'a request compared with its limit (quantities): a cross-field rule; Kubernetes itself refuses the pod' },
  { pattern: /a toleration (without a key must have operator: Exists|with operator: Exists takes no value)/, why: "Kubernetes' toleration rules depend on two fields: a cross-field rule" },
];

type Verdict = { ok: true } | { ok: false; message: string };

function zodVerdict(text: string): Verdict {
  try {
    parseSpec(text, 'fuzz.yaml');
    return { ok: true };
  } catch (error) {
    if (error instanceof SpecError) return { ok: false, message: error.problems.map((p) => `${p.path}: ${p.message}`).join('; ') };
    throw error;
  }
}

const plural = (kind: unknown) => CRD_KINDS.find((k) => k.kind === kind)?.plural ?? CRD_KINDS[0]!.plural;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A document as a custom resource in `namespace` (a valid namespace of its own is replaced; an invalid one kept). */
function asResource(doc: Doc, namespace: string): Doc {
  const copy = structuredClone(doc);
  const metadata = copy.metadata;
  if (metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata)) {
    if (metadata.namespace === undefined || (typeof metadata.namespace === 'string' && DNS_LABEL.test(metadata.namespace))) metadata.namespace = namespace;
  }
  return copy;
}

async function dryRunCreate(cp: ControlPlane, namespace: string, doc: Doc): Promise<Verdict> {
  const res = await kubeRequest(cp, 'POST', `/apis/${API_GROUP}/${API_GROUP_VERSION}/namespaces/${namespace}/${plural(doc.kind)}?dryRun=All&fieldValidation=Strict`, asResource(doc, namespace));
  if (res.status === 201 || res.status === 200) return { ok: true };
  assert.ok(res.status >= 400 && res.status < 500, `the apiserver answered ${res.status}: ${res.body.slice(0, 400)}`);
  let message = res.body;
  try {
    message = res.json().message ?? res.body;
  } catch {}
  return { ok: false, message: message.slice(0, 600) };
}

async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export interface AgreementReport {
  files: number;
  documents: number;
  bothAccept: number;
  bothRefuse: number;
  /** Refused by kafkaplane only, by the first problem's message with its values taken out. */
  kafkaplaneOnly: Map<string, number>;
  disagreements: string[];
  ms: number;
}

/** The sample: valid files, and mutated files with object-level mutations (text mutations are not documents). */
export function sample(): { valid: Doc[][]; mutated: GeneratedSpec[] } {
  const valid = fc.sample(validSpecArbitrary, { seed: SEED, numRuns: FILES });
  const objectMutation = (g: GeneratedSpec) => g.mutation !== '' && (OBJECT_MUTATIONS as readonly string[]).some((m) => g.mutation.startsWith(m));
  const mutated = fc.sample(mutatedSpecArbitrary.filter(objectMutation), { seed: SEED + 1, numRuns: FILES });
  return { valid, mutated };
}

/** Sends every document of every file; returns what agreed and every disagreement (with the seed's file and document). */
export async function checkAgreement(cp: ControlPlane, namespace: string, files: { docs: Doc[]; label: string }[]): Promise<AgreementReport> {
  const started = Date.now();
  const report: AgreementReport = { files: files.length, documents: 0, bothAccept: 0, bothRefuse: 0, kafkaplaneOnly: new Map(), disagreements: [], ms: 0 };
  const jobs = files.flatMap((file) => {
    const whole = zodVerdict(toYaml(file.docs));
    return file.docs.filter((d) => d !== null && typeof d === 'object' && !Array.isArray(d)).map((doc, i) => ({ file, whole, doc, i }));
  });
  await inParallel(jobs, async ({ file, whole, doc, i }) => {
    report.documents++;
    const crd = await dryRunCreate(cp, namespace, doc);
    const alone = zodVerdict(toYaml([doc]));
    const where = `${file.label}, document ${i + 1} (${String(doc.kind)} ${JSON.stringify((doc.metadata as Doc | undefined)?.name ?? null)})`;
    if (whole.ok && !crd.ok) report.disagreements.push(`${where}: kafkaplane accepts the file, the apiserver refuses: ${crd.message}`);
    else if (!crd.ok && alone.ok) report.disagreements.push(`${where}: the apiserver refuses, kafkaplane accepts the document: ${crd.message}`);
    else if (crd.ok && alone.ok) report.bothAccept++;
    else if (!crd.ok && !alone.ok) report.bothRefuse++;
    else if (!alone.ok) {
      const first = alone.message.split('; ')[0]!.replace(/"[^"]*"|\d+/g, '…');
      report.kafkaplaneOnly.set(first, (report.kafkaplaneOnly.get(first) ?? 0) + 1);
    }
  });
  report.ms = Date.now() - started;
  return report;
}

/** Renders the clusters of valid files (--format yaml) and dry-runs every object; returns the refusals. */
export async function dryRunRendered(cp: ControlPlane, files: Doc[][]): Promise<{ clusters: number; refused: number; objects: number; failures: string[]; ms: number }> {
  const started = Date.now();
  const out = { clusters: 0, refused: 0, objects: 0, failures: [] as string[], ms: 0 };
  const objects: { object: KubeObject; label: string }[] = [];
  files.forEach((docs, f) => {
    const spec = parseSpec(toYaml(docs), 'fuzz.yaml');
    for (const cluster of spec.clusters) {
      out.clusters++;
      let rendered: KubeObject[];
      try {
        rendered = renderFormat(renderInput({ ...spec, clusters: [cluster] }, 'fuzz.yaml'), 'yaml').objects as KubeObject[];
      } catch (error) {
        // A valid spec the yaml format cannot express (e.g. a nodeport listener without ports) is an explained refusal.
        if (error instanceof KafkaplaneError && error.code === 'CANNOT_RENDER') {
          out.refused++;
          continue;
        }
        throw error;
      }
      for (const object of rendered) objects.push({ object, label: `valid file ${f + 1}, cluster ${cluster.metadata.name}` });
    }
  });
  const namespaces = new Set(objects.map((o) => o.object.metadata.namespace).filter((n): n is string => n !== undefined));
  for (const namespace of namespaces) await ensureNamespace(cp, namespace);
  await inParallel(objects, async ({ object, label }) => {
    out.objects++;
    const res = await serverSideApply(cp, objectPath(object), object, { dryRun: true });
    if (res.status !== 200 && res.status !== 201) out.failures.push(`${label}: ${object.kind}/${object.metadata.name}: HTTP ${res.status} ${res.body.slice(0, 500)}`);
  });
  out.ms = Date.now() - started;
  return out;
}
