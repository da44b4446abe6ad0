// Reading and checking form input: every check happens before anything is sent to Kafka, and every refusal says
// which field and what is accepted. Pure functions (the pages call them; unit tests too).
import { topicName } from '../api/kafka-topic.ts';
import { KafkaplaneError } from '../errors.ts';

export type Form = Record<string, string | File | (string | File)[]>;

export function field(form: Form, name: string): string {
  const v = form[name];
  return typeof v === 'string' ? v.trim() : '';
}

/** The raw value (no trimming): record keys and values are sent as typed. */
export function rawField(form: Form, name: string): string {
  const v = form[name];
  return typeof v === 'string' ? v : '';
}

export function checkTopicName(name: string): string {
  const r = topicName.safeParse(name);
  if (!r.success)
    throw new KafkaplaneError('BAD_USAGE', `Topic name "${name}" is not accepted by Kafka: ${r.error.issues[0]?.message ?? 'invalid'} (letters, digits, ".", "_" and "-", at most 249 characters)`);
  return name;
}

export function wholeNumber(text: string, label: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text)) throw new KafkaplaneError('BAD_USAGE', `${label} must be a whole number, got "${text}"`);
  const n = Number(text);
  if (n < min || n > max) throw new KafkaplaneError('BAD_USAGE', `${label} must be from ${min} to ${max}, got ${n}`);
  return n;
}

export function offsetNumber(text: string, label: string): bigint {
  if (!/^\d+$/.test(text)) throw new KafkaplaneError('BAD_USAGE', `${label} must be an offset (a whole number ≥ 0), got "${text}"`);
  return BigInt(text);
}

/** `key=value` lines (blank lines and # comments skipped). */
export function configLines(text: string, label: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const at = line.indexOf('=');
    if (at <= 0) throw new KafkaplaneError('BAD_USAGE', `${label} line ${i + 1} "${line}" is not key=value`);
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  });
  return out;
}

/**
 * What an edited config table changes: the fields `cfg.<name>` against their shown values `was.<name>`. A changed
 * value is set; an emptied per-topic override is deleted (back to the broker's value). Untouched fields are left out,
 * so an incremental alter changes only what the user changed.
 */
export function configEdits(form: Form): { set: Record<string, string>; delete: string[] } {
  const set: Record<string, string> = {};
  const del: string[] = [];
  for (const key of Object.keys(form)) {
    if (!key.startsWith('cfg.')) continue;
    const name = key.slice(4);
    const now = field(form, key);
    const was = field(form, `was.${name}`);
    if (now === was) continue;
    if (now === '') del.push(name);
    else set[name] = now;
  }
  return { set, delete: del };
}

/** Pages of a long list: 1-based page, clamped. */
export function pageOf<T>(items: readonly T[], pageText: string, size: number): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const n = Math.min(pages, Math.max(1, Number.parseInt(pageText, 10) || 1));
  return { items: items.slice((n - 1) * size, n * size), page: n, pages };
}
