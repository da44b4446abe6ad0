import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KafkaplaneError } from '../../src/errors.ts';
import fc from 'fast-check';
import { type BrokerInfo, type PartitionAssignment, type RebalancePlan, planRebalance } from '../../src/ops/rebalance-plan.ts';

const brokers = (n: number, racks?: string[]): BrokerInfo[] => Array.from({ length: n }, (_, id) => ({ id, rack: racks ? racks[id % racks.length]! : null }));
const partitions = (topic: string, assignment: number[][], size = 0): PartitionAssignment[] => assignment.map((replicas, partition) => ({ topic, partition, replicas, sizeBytes: size }));

/** The assignment after a plan is applied. */
function applied(parts: readonly PartitionAssignment[], plan: RebalancePlan): PartitionAssignment[] {
  const to = new Map(plan.moves.map((m) => [`${m.topic}/${m.partition}`, m.to]));
  return parts.map((p) => ({ ...p, replicas: to.get(`${p.topic}/${p.partition}`) ?? p.replicas }));
}

test('a fourth broker added to three: replicas spread 1 apart, each move adds one replica to the new broker, leaders even', () => {
  const parts = partitions(
    'orders',
    Array.from({ length: 6 }, (_, i) => [i % 3, (i + 1) % 3, (i + 2) % 3]),
    1000,
  );
  const plan = planRebalance(brokers(4), parts, { kind: 'balance' });
  assert.deepEqual(
    plan.before.map((b) => b.replicas),
    [6, 6, 6, 0],
  );
  assert.deepEqual(plan.after.map((b) => b.replicas).sort(), [4, 4, 5, 5]);
  assert.ok(
    plan.after.every((b) => b.leaders >= 1 && b.leaders <= 2),
    JSON.stringify(plan.after),
  );
  const copying = plan.moves.filter((m) => m.bytes > 0);
  assert.equal(copying.length, 4, 'four replicas must reach broker 3: four moves that copy data');
  for (const m of copying) {
    assert.equal(m.bytes, 1000);
    assert.ok(m.to.includes(3) && !m.from.includes(3));
    assert.match(m.why.join(';'), /broker \d held [56] replicas and broker 3 held [0-3]\b/);
  }
  assert.equal(plan.bytesToMove, 4000);
  assert.deepEqual(planRebalance(brokers(4), applied(parts, plan), { kind: 'balance' }).moves, []);
});

test('drain: broker 2 ends with no replica, the others take them evenly, nothing else moves', () => {
  const parts = partitions('t', [
    [0, 1],
    [1, 2],
    [2, 3],
    [3, 0],
    [2, 0],
  ]);
  const plan = planRebalance(brokers(4), parts, { kind: 'drain', brokers: [2] });
  assert.equal(plan.moves.length, 3);
  assert.equal(plan.after.find((b) => b.broker === 2)!.replicas, 0);
  for (const m of plan.moves) assert.deepEqual(m.why, ['broker 2 is drained']);
  // The preferred leader position is kept: a drained leader's replacement is first.
  assert.deepEqual(plan.moves.find((m) => m.partition === 2)!.to[1], 3);
});

test('drain refuses a broker the cluster does not have, and a replication factor larger than the brokers left', () => {
  assert.throws(
    () => planRebalance(brokers(3), [], { kind: 'drain', brokers: [7] }),
    (e: unknown) => e instanceof KafkaplaneError && /no such broker \(brokers: 0, 1, 2\)/.test(e.message) && /start it before draining it/.test(String(e.hint)),
  );
  assert.throws(() => planRebalance(brokers(3), partitions('t', [[0, 1, 2]]), { kind: 'drain', brokers: [2] }), /t-0 has 3 replicas, but only 2 brokers would be left/);
});

test('balance with a broker missing (down): its replicas stay where they are, the live brokers are evened', () => {
  const plan = planRebalance(
    brokers(2),
    partitions('t', [
      [0, 5],
      [0, 5],
      [0, 1],
      [0, 1],
    ]),
    { kind: 'balance' },
  );
  for (const m of plan.moves) assert.equal(m.to.includes(5), m.from.includes(5), 'the replica on missing broker 5 is kept');
  assert.deepEqual(
    plan.after.map((b) => b.replicas),
    [3, 3],
  );
});

test('racks: two replicas in one rack move apart; a drain goes to the other rack', () => {
  const b = brokers(4, ['a', 'b']); // 0:a 1:b 2:a 3:b
  const plan = planRebalance(b, partitions('t', [[0, 2]]), { kind: 'balance' });
  assert.equal(plan.moves.length, 1);
  const [m] = plan.moves;
  assert.deepEqual(m!.to.map((id) => b[id]!.rack).sort(), ['a', 'b']);
  assert.match(m!.why[0]!, /rack a held 2 of its 2 replicas/);
  const drain = planRebalance(b, partitions('t', [[0, 1]]), { kind: 'drain', brokers: [1] });
  assert.deepEqual(drain.moves[0]!.to, [0, 3]);
});

test('sizes: the smaller partition is the one that moves', () => {
  const parts: PartitionAssignment[] = [
    { topic: 'big', partition: 0, replicas: [0], sizeBytes: 9_000_000 },
    { topic: 'small', partition: 0, replicas: [0], sizeBytes: 10 },
  ];
  const plan = planRebalance(brokers(2), parts, { kind: 'balance' });
  assert.deepEqual(
    plan.moves.map((m) => [m.topic, m.to, m.bytes]),
    [['small', [1], 10]],
  );
});

test('the same input gives the same plan (input order does not matter)', () => {
  const parts = partitions('x', [
    [0, 1],
    [0, 1],
    [0, 1],
    [1, 0],
  ]).concat(partitions('y', [[0], [0], [1]]));
  const a = planRebalance(brokers(3), parts, { kind: 'balance' });
  const b = planRebalance([...brokers(3)].reverse(), [...parts].reverse(), { kind: 'balance' });
  assert.deepEqual(a, b);
});

const clusterArb = fc
  .record({
    brokers: fc.integer({ min: 1, max: 7 }),
    racks: fc.integer({ min: 0, max: 3 }),
    seed: fc.array(fc.record({ rf: fc.integer({ min: 1, max: 3 }), start: fc.nat(), size: fc.nat({ max: 1e6 }), picks: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }) }), { maxLength: 40 }),
  })
  .map(({ brokers: n, racks, seed }) => {
    const b = brokers(n, racks > 0 ? ['r1', 'r2', 'r3'].slice(0, racks) : undefined);
    const parts: PartitionAssignment[] = seed.map((s, i) => {
      const rf = Math.min(s.rf, n);
      const pool = b.map((x) => x.id);
      const replicas: number[] = [];
      for (let k = 0; k < rf; k++) replicas.push(pool.splice((s.start + s.picks[k]!) % pool.length, 1)[0]!);
      return { topic: `t${i % 3}`, partition: i, replicas, sizeBytes: s.size };
    });
    return { b, parts };
  });

function check(b: BrokerInfo[], parts: PartitionAssignment[], plan: RebalancePlan, drained: number[]) {
  const after = applied(parts, plan);
  for (const [i, p] of after.entries()) {
    assert.equal(p.replicas.length, parts[i]!.replicas.length, 'replication factor kept');
    assert.equal(new Set(p.replicas).size, p.replicas.length, 'no broker twice');
    for (const d of drained) assert.ok(!p.replicas.includes(d), `broker ${d} drained`);
  }
  for (const m of plan.moves) assert.notDeepEqual(m.from, m.to);
  const racked = b.every((x) => x.rack !== null);
  if (racked && plan.unmet.length === 0) {
    const racks = new Set(b.filter((x) => !drained.includes(x.id)).map((x) => x.rack));
    const keeps = (replicas: number[]) => {
      const per = new Map<string, number>();
      for (const r of replicas) per.set(b[r]!.rack!, (per.get(b[r]!.rack!) ?? 0) + 1);
      return Math.max(...per.values()) <= Math.ceil(replicas.length / racks.size);
    };
    // balance enforces the rule everywhere; drain (fewest moves) never breaks it where it held.
    for (const [i, p] of after.entries()) if (drained.length === 0 || keeps(parts[i]!.replicas)) assert.ok(keeps(p.replicas), `rack rule: ${parts[i]!.replicas} → ${p.replicas}`);
  }
  return after;
}

test('property: balance keeps RF, never puts a broker twice, keeps the rack rule, evens counts, and is idempotent', () => {
  fc.assert(
    fc.property(clusterArb, ({ b, parts }) => {
      const plan = planRebalance(b, parts, { kind: 'balance' });
      const after = check(b, parts, plan, []);
      if (b.every((x) => x.rack === null)) {
        const counts = plan.after.map((x) => x.replicas);
        // Without racks a move from the fullest to the emptiest broker always exists while they differ by 2+.
        assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `counts ${counts}`);
      }
      assert.deepEqual(planRebalance(b, after, { kind: 'balance' }).moves, [], 'planning again after applying gives no moves');
    }),
    { numRuns: 300 },
  );
});

test('property: drain empties the brokers, moves only partitions that had a replica there, and is idempotent', () => {
  fc.assert(
    fc.property(clusterArb, fc.nat(), ({ b, parts }, pick) => {
      const d = b[pick % b.length]!.id;
      if (parts.some((p) => p.replicas.length > b.length - 1)) {
        assert.throws(() => planRebalance(b, parts, { kind: 'drain', brokers: [d] }), /would be left/);
        return;
      }
      const plan = planRebalance(b, parts, { kind: 'drain', brokers: [d] });
      const after = check(b, parts, plan, [d]);
      assert.equal(plan.moves.length, parts.filter((p) => p.replicas.includes(d)).length, 'fewest moves: only the partitions on the drained broker');
      assert.equal(plan.after.find((x) => x.broker === d)!.replicas, 0);
      assert.deepEqual(planRebalance(b, after, { kind: 'drain', brokers: [d] }).moves, []);
    }),
    { numRuns: 300 },
  );
});
