// `up` of an invalid spec changes nothing on disk (issue 12, "Bad input never half-applies"): generated invalid spec
// files (test/helpers/spec-arbitrary.ts) are refused with exit 2 and the problems, before anything is written — no
// state directory, no cache, no Java (the spec is read and validated before the local runtime is touched).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseSpec } from '../../src/api/load.ts';
import { runCli } from '../helpers/cli.ts';
import { invalidSpecArbitrary } from '../helpers/spec-arbitrary.ts';

const SEED = process.env.FUZZ_SEED === undefined ? 20261204 : Number(process.env.FUZZ_SEED);

/** Every file under `dir` with its bytes, as a sorted list (a snapshot to compare). */
async function snapshot(dir: string): Promise<[string, string][]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = await Promise.all(entries.map(async (e) => [join(e.parentPath, e.name), e.isFile() ? (await readFile(join(e.parentPath, e.name))).toString('base64') : 'dir'] as [string, string]));
  return files.sort(([a], [b]) => a.localeCompare(b));
}

test(`up -f <invalid spec> exits 2 with the problems, writes nothing and starts nothing (20 generated files, seed ${SEED})`, async () => {
  const invalid = fc.sample(invalidSpecArbitrary, { seed: SEED, numRuns: 200 }).filter((s) => {
    try {
      parseSpec(s.text);
      return false;
    } catch {
      return true;
    }
  });
  assert.ok(invalid.length >= 20, `only ${invalid.length} invalid files`);
  const root = await mkdtemp(join(tmpdir(), 'kafkaplane-up-invalid-'));
  try {
    const env = { KAFKAPLANE_STATE: join(root, 'state'), KAFKAPLANE_CACHE: join(root, 'cache'), XDG_STATE_HOME: join(root, 'xdg-state'), XDG_CACHE_HOME: join(root, 'xdg-cache') };
    for (const [i, generated] of invalid.slice(0, 20).entries()) {
      const file = join(root, `spec-${i}.yaml`);
      await writeFile(file, generated.text);
      const before = await snapshot(root);
      // Half with an explicit --state-dir, half with the default one (under KAFKAPLANE_STATE).
      const args = ['up', '-f', file, ...(i % 2 === 0 ? ['--state-dir', join(root, 'explicit-state')] : [])];
      const r = await runCli(args, { env });
      const what = `${generated.mutation}\n${r.stderr}`;
      assert.equal(r.code, 2, what);
      assert.equal(r.stdout, '', what);
      assert.match(r.stderr, new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a valid kafkaplane spec \\(\\d+ problems?\\):\\n`), what);
      assert.ok(!/^\s+at /m.test(r.stderr), `a stack trace: ${what}`);
      assert.ok(r.ms < 5000, `${r.ms} ms: ${what}`);
      assert.deepEqual(await snapshot(root), before, `up wrote something: ${what}`);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
