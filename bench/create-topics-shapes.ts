// How soon 100 new topics (3 partitions each) show in a broker's metadata (ListTopics from a second client, every
// 50 ms), by the shape of the CreateTopics requests: one request of 100, four concurrent of 25, four sequential of 25 —
// on the one-broker SCRAM cluster the operator bench uses. Why the operator's KafkaTopic batcher collects a burst
// whole (BENCHMARKS.md, the operator section). Run: flock /tmp/kafkaplane-itest.lock node bench/create-topics-shapes.ts
import { createAdmin } from '../src/kafka/admin-session.ts';
import { adminConnection } from '../src/local/local-cluster.ts';
import { locate } from '../src/local/locate.ts';
import { startTestCluster, testClusterSpec, TEST_PORTS } from '../test/helpers/local-cluster.ts';
import { CLUSTER, CLUSTER_BODY } from '../test/integration/operator/harness.ts';

const kafka = await startTestCluster(testClusterSpec(CLUSTER, CLUSTER_BODY), { portBase: TEST_PORTS.operator });
try {
  const local = await locate({ stateDir: kafka.stateDir });
  const cfg = adminConnection(local, 15_000);
  const creator = await createAdmin(cfg);
  const lister = await createAdmin(cfg);
  await lister.listTopics();
  await creator.listTopics();
  const pct = (v: number[], p: number) => v.sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor((p / 100) * v.length))]!;
  async function trial(label: string, groups: string[][], concurrent: boolean) {
    const all = groups.flat();
    const seen = new Map<string, number>();
    let answered = 0;
    const t0 = performance.now();
    let polling = true;
    const poll = (async () => {
      for (let i = 0; polling && i < 400; i++) {
        const now = performance.now();
        for (const t of await lister.listTopics()) if (!seen.has(t) && all.includes(t)) seen.set(t, now - t0);
        if (seen.size >= all.length) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const create = async (g: string[]) => {
      await creator.createTopics({ topics: g.map((topic) => ({ topic, partitions: 3, replicas: 1 })), configs: [{ name: 'retention.ms', value: '3600000' }] });
      answered = Math.max(answered, performance.now() - t0);
    };
    if (concurrent) await Promise.all(groups.map(create));
    else for (const g of groups) await create(g);
    await poll;
    polling = false;
    const v = [...seen.values()];
    console.log(`${label}: answered ${answered.toFixed(0)} ms; visible p50 ${pct(v, 50).toFixed(0)} p99 ${pct(v, 99).toFixed(0)} ms (${v.length}/${all.length})`);
  }
  const names = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}-${String(i).padStart(3, '0')}`);
  for (let r = 1; r <= 3; r++) {
    await trial(`r${r} one request of 100`, [names(`a${r}`, 100)], false);
    await trial(
      `r${r} 4 concurrent of 25`,
      [0, 1, 2, 3].map((g) => names(`b${r}g${g}`, 25)),
      true,
    );
    await trial(
      `r${r} 4 sequential of 25`,
      [0, 1, 2, 3].map((g) => names(`c${r}g${g}`, 25)),
      false,
    );
  }
  await creator.close();
  await lister.close();
} finally {
  await kafka.stop();
}
