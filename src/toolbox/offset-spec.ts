import { KafkaplaneError } from '../errors.ts';

/** Where a consumer starts, as kcat's `-o` and kafka-console-consumer's `--offset` spell it. */
export type StartOffset =
  | { kind: 'beginning' }
  | { kind: 'end' }
  /** The group's committed offset (group mode only; falls back to `fallback` when nothing is committed). */
  | { kind: 'stored' }
  | { kind: 'absolute'; offset: bigint }
  /** N records before the end of each partition (kcat -o -N). */
  | { kind: 'fromEnd'; count: bigint }
  /** The first record whose timestamp is at or after this time (kcat -o s@ms). */
  | { kind: 'timestamp'; ms: bigint };

export interface OffsetSpec {
  /** Absent when only a stop time (or nothing) was given: the reader's default applies. */
  start?: StartOffset;
  /** Stop each partition before the first record with a timestamp at or after this time (kcat -o e@ms). */
  stopAt?: bigint;
}

export const OFFSET_HELP =
  'beginning|earliest, end|latest, stored (group mode), N (absolute), -N (N before the end), s@TIME (first record at or after TIME), e@TIME (stop before TIME); TIME is ms since the epoch or an ISO-8601 date';

function bad(value: string, reason: string): never {
  throw new KafkaplaneError('BAD_OFFSET', `invalid offset "${value}": ${reason}`, { hint: `offsets: ${OFFSET_HELP}` });
}

/** Parses a time given as milliseconds since the epoch or as an ISO-8601 date with a time zone. */
export function parseTimestamp(value: string, context: string): bigint {
  if (/^\d{1,16}$/.test(value)) return BigInt(value);
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(value)) {
    const ms = Date.parse(value.includes('T') || !value.includes(' ') ? value : value.replace(' ', 'T'));
    if (Number.isFinite(ms) && ms >= 0) return BigInt(ms);
  }
  return bad(context, `"${value}" is neither milliseconds since the epoch nor an ISO-8601 date (e.g. 2024-05-01T12:00:00Z)`);
}

/** One or two --offset values: at most one start and at most one e@ stop. */
export function parseOffsetSpecs(values: readonly string[]): OffsetSpec {
  let start: StartOffset | undefined;
  let stopAt: bigint | undefined;
  for (const raw of values) {
    const value = raw.trim();
    if (value.startsWith('e@')) {
      if (stopAt !== undefined) bad(raw, 'only one e@ stop time may be given');
      stopAt = parseTimestamp(value.slice(2), raw);
      continue;
    }
    if (start !== undefined) bad(raw, 'only one start offset may be given (plus an optional e@ stop time)');
    start = parseStartOffset(value, raw);
  }
  const spec: OffsetSpec = {};
  if (start !== undefined) spec.start = start;
  if (stopAt !== undefined) spec.stopAt = stopAt;
  return spec;
}

function parseStartOffset(value: string, raw: string): StartOffset {
  switch (value.toLowerCase()) {
    case 'beginning':
    case 'earliest':
      return { kind: 'beginning' };
    case 'end':
    case 'latest':
      return { kind: 'end' };
    case 'stored':
    case 'committed':
      return { kind: 'stored' };
  }
  if (value.startsWith('s@')) return { kind: 'timestamp', ms: parseTimestamp(value.slice(2), raw) };
  if (/^-\d{1,19}$/.test(value)) {
    const count = BigInt(value.slice(1));
    if (count === 0n) bad(raw, '-0 is not a relative offset; use "end"');
    return { kind: 'fromEnd', count };
  }
  if (/^\d{1,19}$/.test(value)) {
    const offset = BigInt(value);
    if (offset > 9223372036854775807n) bad(raw, 'larger than the largest Kafka offset');
    return { kind: 'absolute', offset };
  }
  return bad(raw, 'not a known offset form');
}

export interface PartitionBounds {
  /** Log start offset. */
  earliest: bigint;
  /** Log end offset (the next offset to be written). */
  latest: bigint;
}

/**
 * The offset to start reading a partition from. `byTimestamp` is what ListOffsets answered for an s@ time (-1 when
 * no record is that recent). Returns a reason instead of an offset when the request cannot be met.
 */
export function planStartOffset(start: StartOffset, bounds: PartitionBounds, byTimestamp?: bigint): { offset: bigint } | { error: string } {
  switch (start.kind) {
    case 'beginning':
      return { offset: bounds.earliest };
    case 'end':
    case 'stored':
      return { offset: bounds.latest };
    case 'fromEnd': {
      const from = bounds.latest - start.count;
      return { offset: from < bounds.earliest ? bounds.earliest : from };
    }
    case 'timestamp':
      return { offset: byTimestamp === undefined || byTimestamp < 0n ? bounds.latest : byTimestamp };
    case 'absolute':
      if (start.offset < bounds.earliest || start.offset > bounds.latest) {
        return {
          error: `offset ${start.offset} is out of range (the partition holds offsets ${bounds.earliest} to ${bounds.latest - 1n}${bounds.latest === bounds.earliest ? ', i.e. none' : ''}; ${bounds.latest} is the next to be written)`,
        };
      }
      return { offset: start.offset };
  }
}
