import { KafkaplaneError } from '../errors.ts';

/** `key=value` pairs (Kafka properties given one by one); `source` names them in messages (a flag, a file). */
export function parseKeyValues(pairs: readonly string[], source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new KafkaplaneError('BAD_PROPERTY', `${source} "${pair}": expected key=value`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}
