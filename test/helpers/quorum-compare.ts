// `kafkaplane cluster describe` against `kafka-metadata-quorum describe --replication`, row by row: node, directory
// id, status, log end offset and lag, voters and observers alike.
import assert from 'node:assert/strict';
import type { ToolResult } from './kafka-tools.ts';

export interface QuorumRow {
  id: number;
  directoryId: string;
  status: string;
  logEndOffset: number;
  lag: number;
}

interface ClusterReport {
  quorum: { leaderId: number; voters: QuorumRow[]; observers: QuorumRow[] };
}

/** MetadataQuorumCommand's `--replication` table: NodeId DirectoryId LogEndOffset Lag LastFetchTimestamp LastCaughtUpTimestamp Status. */
export function parseReplication(text: string): QuorumRow[] {
  const lines = text.trim().split('\n');
  const header = lines[0]!.trim().split(/\s+/);
  assert.deepEqual(header, ['NodeId', 'DirectoryId', 'LogEndOffset', 'Lag', 'LastFetchTimestamp', 'LastCaughtUpTimestamp', 'Status'], text);
  return lines.slice(1).map((l) => {
    const c = l.trim().split(/\s+/);
    return { id: Number(c[0]), directoryId: c[1]!, logEndOffset: Number(c[2]), lag: Number(c[3]), status: c[6]! };
  });
}

/**
 * The metadata log grows all the time (the active controller appends a no-op record every 500 ms), so no two
 * calls see the same offsets. Ours is taken before and after Kafka's tool: every log end offset Kafka reports must lie
 * between ours, and in both tables the lag must be what Kafka defines it as — the leader's log end offset minus the
 * node's — so a column computed from another figure (the high watermark, the wrong node) fails.
 */
export async function compareQuorum(ours: () => Promise<ClusterReport>, theirs: () => Promise<ToolResult>, expect: { voters: number; observers: number }): Promise<void> {
  const before = await ours();
  const tool = await theirs();
  assert.equal(tool.code, 0, tool.stderr);
  const after = await ours();
  const kafka = parseReplication(tool.stdout);
  const rows = (r: ClusterReport) => [...r.quorum.voters, ...r.quorum.observers];
  assert.equal(before.quorum.voters.length, expect.voters);
  assert.equal(before.quorum.observers.length, expect.observers);
  assert.equal(after.quorum.leaderId, before.quorum.leaderId, 'the leader changed while comparing; run again');
  const key = (r: QuorumRow) => `${r.id} ${r.directoryId} ${r.status}`;
  assert.deepEqual(rows(before).map(key).sort(), kafka.map(key).sort(), 'the same nodes, directory ids and statuses (voters and observers)');
  for (const k of kafka) {
    const b = rows(before).find((r) => r.id === k.id)!;
    const a = rows(after).find((r) => r.id === k.id)!;
    assert.ok(
      b.logEndOffset <= k.logEndOffset && k.logEndOffset <= a.logEndOffset,
      `node ${k.id}: Kafka's LogEndOffset ${k.logEndOffset} is not between ours before (${b.logEndOffset}) and after (${a.logEndOffset})`,
    );
  }
  const lagIsLeaderMinusNode = (table: QuorumRow[], leaderId: number, who: string) => {
    const leaderEnd = table.find((r) => r.id === leaderId)!.logEndOffset;
    for (const r of table) assert.equal(r.lag, Math.max(0, leaderEnd - r.logEndOffset), `${who}: node ${r.id} lag`);
  };
  lagIsLeaderMinusNode(kafka, before.quorum.leaderId, 'kafka-metadata-quorum');
  lagIsLeaderMinusNode(rows(before), before.quorum.leaderId, 'kafkaplane');
  lagIsLeaderMinusNode(rows(after), after.quorum.leaderId, 'kafkaplane');
}
