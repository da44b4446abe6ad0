import { KafkaplaneError, hint, setting } from '../errors.ts';
import { type TopicPartition, compareTopicPartitions as compare, partitionKey } from '../model/topic-partition.ts';

// What kafka-consumer-groups --reset-offsets computes (GroupOffsetsResetter), as pure functions over offsets the
// caller fetched: the same inputs give the same plan as Kafka's tool. Offsets are Kafka's int64, as bigint.

export type ResetScenario =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'current' }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'shift-by'; shift: bigint }
  /** --to-datetime and --by-duration: the first offset at or after this time (ms since the epoch). */
  | { kind: 'timestamp'; ms: number; label: string }
  /** --from-file: offsets per partition, as the CSV gives them. */
  | { kind: 'file'; offsets: ReadonlyMap<string, bigint> };

/** Offsets per partition (keyed by partitionKey()) per group, as a reset plan file gives them; '' is "no group column". */
export type ResetFile = Map<string, Map<string, bigint>>;

/** What the caller fetched for one partition in scope. */
export interface PartitionOffsets extends TopicPartition {
  /** Log start offset (ListOffsets earliest). */
  start: bigint;
  /** Log end offset (ListOffsets latest). */
  end: bigint;
  /** The group's committed offset, if any. */
  committed?: bigint | undefined;
  /** For timestamp scenarios: ListOffsets by timestamp; null when no record is at or after the time. */
  atTimestamp?: bigint | null | undefined;
}

export interface ResetRow extends TopicPartition {
  /** The committed offset before the reset, null when the group has none for this partition. */
  current: bigint | null;
  newOffset: bigint;
}

export interface ResetPlan {
  group: string;
  rows: ResetRow[];
  /** Adjustments the user should know about (clamped offsets, empty partitions), like the tool's warnings. */
  warnings: string[];
}

/**
 * The new offset of every partition in scope. Requested offsets (--to-offset, --shift-by, --from-file) outside
 * [log start, log end] are moved to the nearest end with a warning; --to-current keeps committed offsets and uses
 * the log end where nothing is committed; a timestamp past the last record falls back to the log end.
 */
export function planOffsetReset(group: string, scenario: ResetScenario, partitions: readonly PartitionOffsets[]): ResetPlan {
  const warnings: string[] = [];
  const clamp = (p: PartitionOffsets, requested: bigint): bigint => {
    if (requested > p.end) {
      warnings.push(`New offset (${requested}) is higher than latest offset for topic partition ${p.topic}-${p.partition}. Value will be set to ${p.end}.`);
      return p.end;
    }
    if (requested < p.start) {
      warnings.push(`New offset (${requested}) is lower than earliest offset for topic partition ${p.topic}-${p.partition}. Value will be set to ${p.start}.`);
      return p.start;
    }
    return requested;
  };
  const rows = [...partitions].sort(compare).map((p): ResetRow => {
    const current = p.committed ?? null;
    let newOffset: bigint;
    switch (scenario.kind) {
      case 'earliest':
        newOffset = p.start;
        break;
      case 'latest':
        newOffset = p.end;
        break;
      case 'current':
        newOffset = current ?? p.end;
        break;
      case 'offset':
        newOffset = clamp(p, scenario.offset);
        break;
      case 'shift-by':
        if (current === null) {
          throw new KafkaplaneError('NO_COMMITTED_OFFSET', `cannot shift the offset of ${p.topic}-${p.partition} for group '${group}': the group has no committed offset there`, {
            exitCode: 2,
            hint: hint`use ${setting('toEarliest')}, ${setting('toLatest')} or ${setting('toOffset')} for partitions the group never committed`,
          });
        }
        newOffset = clamp(p, current + scenario.shift);
        break;
      case 'timestamp':
        if (p.atTimestamp === null || p.atTimestamp === undefined) {
          warnings.push(`Partition ${p.partition} from topic ${p.topic} has no record at or after ${scenario.label}. Falling back to latest known offset (${p.end}).`);
          newOffset = p.end;
        } else newOffset = p.atTimestamp;
        break;
      case 'file': {
        const requested = scenario.offsets.get(partitionKey(p));
        if (requested === undefined) throw new Error(`no offset in the reset file for ${p.topic}-${p.partition}`);
        newOffset = clamp(p, requested);
        break;
      }
    }
    return { topic: p.topic, partition: p.partition, current, newOffset };
  });
  return { group, rows, warnings };
}

/** Kafka lets a group's offsets be reset only while it has no members (Empty; Dead means it does not exist yet). */
export function resetRefusal(group: string, state: string): string | undefined {
  if (state === 'Empty' || state === 'Dead') return undefined;
  return `Assignments can only be reset if the group '${group}' is inactive, but the current state is ${state}.`;
}

/**
 * --to-datetime, as Kafka's Utils.getDateTime reads it: `YYYY-MM-DDTHH:mm:SS.sss` with an optional zone (`Z`,
 * `+01:00`, `+0100`, `+01`); without a zone the time is UTC. Seconds' fraction is optional here (Kafka requires
 * three digits). Fields are checked strictly: 2024-02-30 is an error, not March 1st.
 */
export function parseResetDatetime(text: string, source: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(text.trim());
  const bad = (why: string): never => {
    throw new KafkaplaneError('BAD_DATETIME', `${source} "${text}": ${why}`, {
      hint: 'use YYYY-MM-DDTHH:mm:SS.sss, optionally with a zone: 2024-05-01T12:00:00.000, 2024-05-01T12:00:00.000+02:00 (no zone means UTC)',
    });
  };
  if (!m) return bad('not an ISO-8601 date-time');
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const millis = Number((m[7] ?? '0').padEnd(3, '0'));
  if (month < 1 || month > 12) bad(`month ${month} does not exist`);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) bad(`day ${day} does not exist in ${year}-${String(month).padStart(2, '0')}`);
  if (hour > 23 || minute > 59 || second > 59) bad('the time of day is out of range');
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    const hours = Number(z[2]);
    const minutes = Number(z[3] ?? '0');
    if (hours > 18 || minutes > 59) bad(`the zone offset ${zone} is out of range`);
    offsetMinutes = (z[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

/**
 * --by-duration, a java.time.Duration string: `P[nD][T[nH][nM][n[.fff]S]]`, e.g. PT1H30M, P1D, PT0.5S (sign
 * allowed per field and in front). Returns milliseconds; the reset goes to now − duration.
 */
export function parseIsoDuration(text: string, source: string): number {
  const m = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{0,9}))?S)?)?$/i.exec(text.trim());
  if (!m || text.trim().toUpperCase().endsWith('T') || (m[2] ?? m[3] ?? m[4] ?? m[5]) === undefined) {
    throw new KafkaplaneError('BAD_DURATION', `${source} "${text}" is not an ISO-8601 duration`, { hint: 'e.g. PT30M (30 minutes), PT2H, P1D, P1DT12H' });
  }
  const [sign, days, hours, minutes, seconds, fraction] = m.slice(1) as (string | undefined)[];
  const secondsValue = Number(seconds ?? '0');
  const fractionMs = fraction ? Number(`0.${fraction}`) * 1000 * (seconds?.startsWith('-') ? -1 : 1) : 0;
  const ms = Number(days ?? 0) * 86_400_000 + Number(hours ?? 0) * 3_600_000 + Number(minutes ?? 0) * 60_000 + secondsValue * 1000 + fractionMs;
  return sign === '-' ? -ms : ms;
}

/** A topic, and the partitions of it a reset covers (all of them when absent). */
export interface TopicScope {
  topic: string;
  partitions?: number[];
}

/**
 * Topic arguments of a reset (kafka-consumer-groups --topic): `topic` (every partition) or `topic:0,1,2` (those
 * partitions). `source` names where they came from in messages (the CLI: --topic).
 */
export function parseTopicScope(args: readonly string[], source: string): TopicScope[] {
  return args.map((arg) => {
    const i = arg.indexOf(':');
    if (i < 0) {
      if (arg.trim() === '') throw new KafkaplaneError('BAD_TOPIC', `an empty ${source} was given`);
      return { topic: arg.trim() };
    }
    const topic = arg.slice(0, i).trim();
    const list = arg.slice(i + 1);
    if (topic === '' || list.includes(':')) throw new KafkaplaneError('BAD_TOPIC', `invalid ${source} "${arg}": expected topic or topic:partition[,partition…]`);
    const partitions = list.split(',').map((p) => {
      if (!/^\s*\d+\s*$/.test(p)) throw new KafkaplaneError('BAD_TOPIC', `invalid partition "${p}" in ${source} "${arg}"`, { hint: hint`partitions are numbers: ${setting('topic', 'orders:0,1,2')}` });
      return Number(p);
    });
    return { topic, partitions };
  });
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A whole number that fits Kafka's int64 (an offset, a shift), or undefined. */
function int64(text: string): bigint | undefined {
  if (!/^[-+]?\d+$/.test(text.trim())) return undefined;
  const n = BigInt(text.trim());
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/** An offset or a shift typed by the user (the CLI: --to-offset, --shift-by). */
export function parseWholeOffset(text: string, source: string): bigint {
  const n = int64(text);
  if (n === undefined) throw new KafkaplaneError('BAD_OFFSET', `${source} "${text}" is not a whole number`);
  return n;
}

/**
 * A reset plan file (--from-file) in the tool's CSV: `topic,partition,offset` per line for one group, or
 * `group,topic,partition,offset` (several groups; also accepted for one). No header; blank lines are ignored.
 */
export function parseResetCsv(text: string, source: string): ResetFile {
  const plans: ResetFile = new Map();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const fields = line.split(',').map((f) => f.trim());
    const where = `${source}:${index + 1}`;
    if (fields.length !== 3 && fields.length !== 4) {
      throw new KafkaplaneError('BAD_RESET_FILE', `${where}: expected topic,partition,offset (or group,topic,partition,offset), got "${line}"`);
    }
    const [group, topic, partition, offset] = fields.length === 4 ? fields : ['', ...fields];
    if (!/^\d+$/.test(partition!)) throw new KafkaplaneError('BAD_RESET_FILE', `${where}: partition "${partition}" is not a number`);
    const value = /^-?\d+$/.test(offset!) ? int64(offset!) : undefined;
    if (value === undefined) throw new KafkaplaneError('BAD_RESET_FILE', `${where}: offset "${offset}" is not a whole number`);
    if (topic === '') throw new KafkaplaneError('BAD_RESET_FILE', `${where}: the topic is empty`);
    const plan = plans.get(group!) ?? new Map<string, bigint>();
    plan.set(partitionKey({ topic: topic!, partition: Number(partition) }), value);
    plans.set(group!, plan);
  });
  return plans;
}

/** The plan as the tool's --export CSV: `topic,partition,offset`, or with the group first when several groups. */
export function formatResetCsv(plans: readonly ResetPlan[]): string {
  const withGroup = plans.length > 1;
  return plans
    .flatMap((plan) => plan.rows.map((r) => (withGroup ? `${plan.group},${r.topic},${r.partition},${r.newOffset}` : `${r.topic},${r.partition},${r.newOffset}`)))
    .map((l) => `${l}\n`)
    .join('');
}
