/**
 * A roll under load, shared by the real-node tests that restart Kafka pods (rolls.test.ts): kcat produces with
 * acks=all in bounded batches while `drive` runs the roll, and every ~2 s a sample records which pods are away (not
 * Ready, or replaced and not Ready yet), of which pools, and the smallest ISR of the topic. At the end every acked
 * record is looked for in what a consumer reads back.
 */
import type { KubeNode } from '../../helpers/kube-node.ts';
import { CLIENT_POD, KAFKA_PODS, type Deployment } from './kafka.ts';
import { elapsed, exec, kcatConsumeAll, kcatProduce, ledger, pods } from './support.ts';

/** ISR sizes per partition of a topic, from kcat's metadata (cheap enough to poll every second or two). */
export async function isrSizes(node: KubeNode, d: Deployment, topic: string): Promise<number[]> {
  const r = await exec(node, d.namespace, CLIENT_POD, ['kcat', '-b', d.bootstrap, '-L', '-t', topic, '-m', '5'], { allowFail: true, timeoutMs: 20_000 });
  return [...r.stdout.matchAll(/partition \d+, leader -?\d+, replicas: [\d,]*, isrs: ([\d,]*)/g)].map((m) => m[1]!.split(',').filter(Boolean).length);
}

export interface RollUnderLoad<T> {
  /** What `drive` returned. */
  result: T;
  seconds: number;
  acked: number;
  failed: number;
  batches: number;
  lost: string[];
  duplicates: number;
  readOwn: number;
  /** The smallest ISR seen in any sample. */
  minIsr: number;
  /** The most pods away in one sample, and the most pools with a pod away in one sample. */
  maxAway: number;
  maxPoolsAway: number;
  /** Pods in the order they were replaced (a new uid). */
  restartOrder: string[];
}

export async function rollUnderLoad<T>(node: KubeNode, d: Deployment, topic: string, drive: () => Promise<T>, options: { prefix?: string } = {}): Promise<RollUnderLoad<T>> {
  const prefix = options.prefix ?? 'roll';
  const started = Date.now();
  const initial = await pods(node, d.namespace, KAFKA_PODS);
  const uids = new Map(initial.map((p) => [p.name, p.uid]));
  let rolling = true;
  const acked = new Set<string>();
  let failed = 0;
  let batches = 0;
  const load = (async () => {
    let from = 1;
    while (rolling && batches < 60) {
      const p = await kcatProduce(node, d.namespace, CLIENT_POD, d.bootstrap, topic, prefix, 5_000, 180_000, { perSecond: 1_000, from });
      for (const k of p.acked) acked.add(k);
      failed += p.failed;
      from += 5_000;
      batches++;
    }
  })();
  let minIsr = Number.POSITIVE_INFINITY;
  let maxAway = 0;
  let maxPoolsAway = 0;
  const restartOrder: string[] = [];
  const sample = async () => {
    const list = await pods(node, d.namespace, KAFKA_PODS);
    const away = [...new Set([...initial.map((p) => p.name).filter((n) => !list.some((q) => q.name === n)), ...list.filter((p) => !p.ready).map((p) => p.name)])];
    maxAway = Math.max(maxAway, away.length);
    maxPoolsAway = Math.max(maxPoolsAway, new Set(away.map((n) => initial.find((p) => p.name === n)?.pool)).size);
    for (const p of list) if (uids.get(p.name) !== p.uid && !restartOrder.includes(p.name)) restartOrder.push(p.name);
    const isr = await isrSizes(node, d, topic);
    if (isr.length > 0) minIsr = Math.min(minIsr, ...isr);
  };
  let driving = true;
  const sampler = (async () => {
    while (driving) {
      await sample().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 2_000));
    }
  })();
  let result: T;
  try {
    result = await drive();
  } finally {
    driving = false;
    await sampler;
    rolling = false;
    await load;
  }
  await sample();
  const seconds = elapsed(started);
  const read = await kcatConsumeAll(node, d.namespace, CLIENT_POD, d.bootstrap, topic);
  const { lost, duplicates, readOwn } = ledger(acked, read, prefix);
  return { result, seconds, acked: acked.size, failed, batches, lost, duplicates, readOwn, minIsr, maxAway, maxPoolsAway, restartOrder };
}
