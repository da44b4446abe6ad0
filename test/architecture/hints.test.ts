// Lower layers don't speak CLI: a hint below src/cli names settings and commands as data (setting(), action() in
// src/errors.ts), never as a flag or a kafkaplane command line, because the operator, the exporter and the console
// word them differently. This test reads the sources and fails on a hint written as CLI text.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const LOWER = ['api', 'model', 'ops', 'toolbox', 'render', 'local', 'kafka', 'exporter', 'operator', 'console'];

function sources(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true }) as string[];
  } catch {
    return [];
  }
  return entries.filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));
}

/** The text of string literals (quotes and template text, not ${…} parts) in `hint:` values. */
function hintTexts(source: string): { line: number; text: string }[] {
  const found: { line: number; text: string }[] = [];
  source.split('\n').forEach((line, i) => {
    const at = line.indexOf('hint:');
    if (at < 0) return;
    const value = line.slice(at + 5);
    for (const m of value.matchAll(/'((?:[^'\\]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g)) found.push({ line: i + 1, text: (m[1] ?? m[2] ?? '').replace(/\$\{[^}]*\}/g, '') });
  });
  return found;
}

test('hints below src/cli name no CLI flag and no kafkaplane command', () => {
  const offenders: string[] = [];
  for (const folder of LOWER) {
    for (const file of sources(join(SRC, folder))) {
      for (const { line, text } of hintTexts(readFileSync(file, 'utf8'))) {
        if (/(^|[\s(])--[a-z]/.test(text) || /\bkafkaplane (up|down|status|logs|topics|groups|doctor|render)\b/.test(text)) offenders.push(`${file.slice(SRC.length)}:${line}: ${text.trim()}`);
      }
    }
  }
  assert.deepEqual(offenders, [], 'use setting()/action() from src/errors.ts instead');
});

test('the scan sees a violation when there is one', () => {
  const bad = "throw new KafkaplaneError('X', 'm', { hint: 'pass --bootstrap host:port' });";
  assert.equal(hintTexts(bad)[0]!.text, 'pass --bootstrap host:port');
});
