/**
 * Helpers of the real-node tests (test/integration/node/*.test.ts): render a spec with the test images through the
 * real CLI, apply it server-side, wait for pods, run commands in pods, count records with kcat.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { type KubeNode, waitUntil } from '../../helpers/kube-node.ts';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const CLI = path.join(REPO_ROOT, 'bin', 'kafkaplane.js');

const tempDirs: string[] = [];
process.on('exit', () => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});
/** A temp dir removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function elapsed(since: number): number {
  return Math.round((Date.now() - since) / 100) / 10;
}

/** Runs the kafkaplane CLI (bin/kafkaplane.js) with this Node. */
export function cli(args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 << 20, env: options.env ?? process.env }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * An example spec with the test image (spec.kubernetes.image: the official image cannot be pulled here) and whatever
 * else `edit` changes in the KafkaCluster document. Returns the path of the edited copy.
 */
export function exampleWithImage(example: string, image: string, edit?: (cluster: Record<string, any>) => void, editOthers?: (doc: Record<string, any>) => void): string {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'examples', example), 'utf8');
  const docs = parseAllDocuments(text).map((d) => d.toJS() as Record<string, any>);
  for (const doc of docs) {
    if (doc.kind !== 'KafkaCluster') {
      editOthers?.(doc);
      continue;
    }
    doc.spec.kubernetes = { ...(doc.spec.kubernetes ?? {}), image, imagePullPolicy: 'Never' };
    edit?.(doc);
  }
  const dir = tempDir('kafkaplane-node-spec-');
  const file = path.join(dir, example);
  fs.writeFileSync(file, docs.map((d) => stringify(d)).join('---\n'));
  return file;
}

/** `kafkaplane render -f spec` (yaml, to a string) or `--format kustomize -d dir` (the dir). */
export async function render(spec: string, format: 'yaml' | 'kustomize'): Promise<string> {
  if (format === 'yaml') {
    const r = await cli(['render', '-f', spec]);
    if (r.code !== 0) throw new Error(`kafkaplane render failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  }
  const dir = tempDir('kafkaplane-node-kustomize-');
  const r = await cli(['render', '-f', spec, '--format', 'kustomize', '-d', dir]);
  if (r.code !== 0) throw new Error(`kafkaplane render --format kustomize failed (${r.code}): ${r.stderr}`);
  return dir;
}

export async function ensureNamespace(node: KubeNode, namespace: string): Promise<void> {
  await node.kubectl(['apply', '--server-side', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }) });
}

interface PodInfo {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  uid: string;
  ip: string;
  node: string;
  /** kafkaplane.io/pool of a Kafka pod. */
  pool: string | undefined;
}

export async function pods(node: KubeNode, namespace: string, selector?: string): Promise<PodInfo[]> {
  const args = ['get', 'pods', '-n', namespace, '-o', 'json', ...(selector ? ['-l', selector] : [])];
  const items = JSON.parse((await node.kubectl(args)).stdout).items as any[];
  return items.map((p) => ({
    name: p.metadata.name,
    phase: p.status.phase,
    ready: (p.status.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'),
    restarts: (p.status.containerStatuses ?? []).reduce((n: number, c: any) => n + c.restartCount, 0),
    uid: p.metadata.uid,
    ip: p.status.podIP ?? '',
    node: p.spec.nodeName ?? '',
    pool: p.metadata.labels?.['kafkaplane.io/pool'],
  }));
}

/** Waits until `count` pods match and all are Running and Ready; on timeout, says what each pod is doing. */
export async function waitPodsReady(node: KubeNode, namespace: string, selector: string, count: number, timeoutMs: number): Promise<PodInfo[]> {
  try {
    return await waitUntil(
      `${count} pods ${selector} Running and Ready in ${namespace}`,
      timeoutMs,
      async () => {
        const list = await pods(node, namespace, selector);
        return list.length === count && list.every((p) => p.phase === 'Running' && p.ready) ? list : false;
      },
      2_000,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${await describe(node, namespace)}`);
  }
}

/** What a failing test needs to see: pods, events, the last log lines of not-ready pods. */
export async function describe(node: KubeNode, namespace: string): Promise<string> {
  const out: string[] = [];
  const get = await node.kubectl(['get', 'pods,pvc,jobs', '-n', namespace, '-o', 'wide'], { allowFail: true });
  out.push(get.stdout, get.stderr);
  const events = await node.kubectl(['get', 'events', '-n', namespace, '--sort-by=.lastTimestamp'], { allowFail: true });
  out.push(events.stdout.split('\n').slice(-25).join('\n'));
  for (const p of await pods(node, namespace).catch(() => [])) {
    if (p.ready) continue;
    const logs = await node.kubectl(['logs', '-n', namespace, p.name, '--all-containers', '--tail=20'], { allowFail: true });
    out.push(`--- logs ${p.name} ---\n${logs.stdout}${logs.stderr}`);
  }
  return out.join('\n');
}

/** `kubectl exec` in a pod; rejects on a non-zero exit unless allowFail. */
export async function exec(node: KubeNode, namespace: string, pod: string, command: string[], options: { input?: string; timeoutMs?: number; allowFail?: boolean; container?: string } = {}) {
  return node.kubectl(['exec', '-i', '-n', namespace, pod, ...(options.container ? ['-c', options.container] : []), '--', ...command], options);
}

/** A pod running the kafka-client image (kcat + Kafka's tools), Ready when it runs. */
export async function startClientPod(node: KubeNode, namespace: string, name = 'client'): Promise<string> {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'kafkaplane-test-client' } },
    spec: {
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'client', image: node.images.kafkaClient, imagePullPolicy: 'Never', command: ['sleep', 'infinity'], resources: { requests: { cpu: '50m', memory: '128Mi' } } }],
    },
  };
  await node.kubectl(['apply', '--server-side', '-f', '-'], { input: JSON.stringify(pod) });
  await waitPodsReady(node, namespace, 'app=kafkaplane-test-client', 1, 120_000);
  return name;
}

/** Records kcat's producer reported as delivered (acked): "partition:offset" keys. */
export interface Produced {
  acked: Set<string>;
  failed: number;
  seconds: number;
}

/**
 * Produces `count` records "<prefix>-<i>" with kcat from the client pod with acks=all and idempotence, and returns
 * the partition:offset of every record kcat's delivery report confirmed (-vvv prints one line per delivered record).
 * Bounded by `timeoutMs` (kcat's message.timeout.ms is set below it, so kcat gives up on a record before the exec
 * is killed).
 */
export async function kcatProduce(
  node: KubeNode,
  namespace: string,
  pod: string,
  bootstrap: string,
  topic: string,
  prefix: string,
  count: number,
  timeoutMs = 180_000,
  options: { /** records per second (default: as fast as kcat goes) */ perSecond?: number; from?: number } = {},
): Promise<Produced> {
  const started = Date.now();
  const from = options.from ?? 1;
  const to = from + count - 1;
  // The records are generated inside the pod, so the exec stream carries only kcat's delivery reports. With a rate,
  // a quarter of a second's records at a time.
  const step = options.perSecond ? Math.max(1, Math.round(options.perSecond / 4)) : 0;
  const generator = step
    ? `i=${from}; while [ $i -le ${to} ]; do e=$((i + ${step} - 1)); [ $e -gt ${to} ] && e=${to}; seq $i $e | sed 's/^/${prefix}-/'; i=$((e + 1)); sleep 0.25; done`
    : `seq ${from} ${to} | sed 's/^/${prefix}-/'`;
  const script =
    `(${generator}) | ` +
    `kcat -P -b ${bootstrap} -t ${topic} -X acks=all -X enable.idempotence=true -X message.timeout.ms=${Math.max(10_000, timeoutMs - 30_000)} -vvv 2>&1 >/dev/null | grep -E 'Message delivered|Delivery failed' || true`;
  const r = await exec(node, namespace, pod, ['sh', '-c', script], { timeoutMs, allowFail: true });
  const acked = new Set<string>();
  const text = r.stdout + r.stderr;
  for (const m of text.matchAll(/Message delivered to partition (\d+) \(offset (\d+)\)/g)) acked.add(`${m[1]}:${m[2]}`);
  const failed = [...text.matchAll(/Delivery failed/g)].length;
  return { acked, failed, seconds: elapsed(started) };
}

/** Reads a topic from the beginning to its end (-e) with kcat: "partition:offset" → value. */
export async function kcatConsumeAll(node: KubeNode, namespace: string, pod: string, bootstrap: string, topic: string, timeoutMs = 180_000): Promise<Map<string, string>> {
  const r = await exec(node, namespace, pod, ['sh', '-c', `kcat -C -b ${bootstrap} -t ${topic} -o beginning -e -q -f '%p:%o %s\\n'`], { timeoutMs });
  const records = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) records.set(line.slice(0, space), line.slice(space + 1));
  }
  return records;
}

/** Acked records missing from what was read back, and values read more than once. */
export function ledger(acked: Set<string>, read: Map<string, string>, prefix: string): { lost: string[]; duplicates: number; readOwn: number } {
  const lost = [...acked].filter((k) => !read.has(k));
  const values = [...read.values()].filter((v) => v.startsWith(`${prefix}-`));
  return { lost, duplicates: values.length - new Set(values).size, readOwn: values.length };
}

/**
 * A self-signed PKCS12 keystore for a cluster's TLS listeners (Secret `<cluster>-tls`, as a user or cert-manager
 * provides it): its names cover every pod of `pool` and the bootstrap Service; the certificate (PEM) is the clients' CA.
 */
export function selfSignedKeystore(cluster: string, pool: string, namespace: string): { p12: Buffer; password: string; pem: string } {
  const dir = tempDir('kafkaplane-tls-');
  const password = randomBytes(12).toString('hex');
  const file = path.join(dir, 'keystore.p12');
  const san = `SAN=dns:*.${cluster}-${pool}.${namespace}.svc.cluster.local,dns:${cluster}-bootstrap.${namespace}.svc.cluster.local`;
  execFileSync(
    'keytool',
    ['-genkeypair', '-alias', 'broker', '-keyalg', 'RSA', '-keysize', '2048', '-validity', '2', '-storetype', 'PKCS12', '-keystore', file, '-storepass', password, '-dname', 'CN=kafka', '-ext', san],
    { stdio: 'ignore' },
  );
  const pem = execFileSync('keytool', ['-exportcert', '-rfc', '-alias', 'broker', '-keystore', file, '-storepass', password], { encoding: 'utf8' });
  return { p12: fs.readFileSync(file), password, pem };
}

/** The two Secrets a cluster's TLS listeners read (docs/render.md): `<cluster>-tls` and `<cluster>-tls-password`. */
export function tlsSecrets(cluster: string, namespace: string, tls: { p12: Buffer; password: string }): object[] {
  return [
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${cluster}-tls`, namespace }, data: { 'keystore.p12': tls.p12.toString('base64') } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${cluster}-tls-password`, namespace }, stringData: { password: tls.password } },
  ];
}
