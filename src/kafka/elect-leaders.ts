import type { Admin } from '@platformatic/kafka';
import { KafkaplaneError } from '../errors.ts';
import { brokerConnection } from './broker-link.ts';
import { loadKafka } from './client.ts';

// ElectLeaders (API key 43, KIP-460) is not among @platformatic/kafka's protocol APIs; this is the one request
// kafka-leader-election.sh --election-type PREFERRED sends, built with the library's own Writer, Reader and createAPI
// (the same shape as its generated API files). v2: flexible versions, Kafka 2.6+.

const PREFERRED = 0;
/** ELECTION_NOT_NEEDED: the preferred replica already leads. */
const NOT_NEEDED = 84;

type Reader = InstanceType<Awaited<ReturnType<typeof loadKafka>>['Reader']>;

interface ElectLeadersResponse {
  errorCode: number;
  results: { topic: string; partitions: { partition: number; errorCode: number; errorMessage: string | null }[] }[];
}

let api: ReturnType<typeof build> | undefined;

function build(lib: Awaited<ReturnType<typeof loadKafka>>) {
  const createRequest = (topics: { topic: string; partitions: number[] }[], timeoutMs: number) =>
    lib.Writer.create()
      .appendInt8(PREFERRED)
      .appendArray(topics, (w, t) => {
        w.appendString(t.topic).appendArray(t.partitions, (w2, p) => w2.appendInt32(p), true, false);
      })
      .appendInt32(timeoutMs)
      .appendTaggedFields();
  const parseResponse = (_correlationId: number, _apiKey: number, _apiVersion: number, reader: Reader): ElectLeadersResponse => {
    reader.readInt32(); // throttle_time_ms
    const errorCode = reader.readInt16();
    const results = reader.readArray((r) => ({
      topic: r.readString(),
      partitions: r.readArray((r2) => ({ partition: r2.readInt32(), errorCode: r2.readInt16(), errorMessage: r2.readNullableString() })),
    }));
    reader.readTaggedFields();
    return { errorCode, results };
  };
  return lib.createAPI<[topics: { topic: string; partitions: number[] }[], timeoutMs: number], ElectLeadersResponse>(43, 2, createRequest, parseResponse);
}

/** Makes the preferred replica (the first) the leader of these partitions; returns how many changed leader. */
export async function electPreferredLeaders(admin: Admin, partitions: readonly { topic: string; partition: number }[], timeoutMs = 30_000): Promise<number> {
  if (partitions.length === 0) return 0;
  const lib = await loadKafka();
  api ??= build(lib);
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
  const response = await api.async(
    await brokerConnection(admin),
    [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps })),
    timeoutMs,
  );
  const failed = response.results.flatMap((t) =>
    t.partitions.filter((p) => p.errorCode !== 0 && p.errorCode !== NOT_NEEDED).map((p) => `${t.topic}-${p.partition}: ${p.errorMessage ?? `error ${p.errorCode}`}`),
  );
  if (response.errorCode !== 0 || failed.length > 0) {
    throw new KafkaplaneError('LEADER_ELECTION_FAILED', `the preferred leader election failed: ${failed.slice(0, 5).join('; ') || `error code ${response.errorCode}`}`, {
      hint: 'the partitions are moved; Kafka elects the preferred leaders itself within leader.imbalance.check.interval.seconds (300 s by default)',
    });
  }
  return response.results.reduce((n, t) => n + t.partitions.filter((p) => p.errorCode === 0).length, 0);
}
