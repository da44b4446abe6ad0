/**
 * Golden files: every example × every format, byte for byte. A change to the output shows up as a diff in review.
 * Regenerate after an intended change with:
 *   UPDATE_GOLDEN=1 node_modules/.bin/node --test test/render/golden.test.ts
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RENDER_FORMATS } from '../../src/render/index.ts';
import { EXAMPLES, renderExample } from '../helpers/render.ts';

const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

for (const name of EXAMPLES) {
  for (const format of RENDER_FORMATS) {
    test(`golden: examples/${name} --format ${format}`, () => {
      const result = renderExample(name, format);
      const again = renderExample(name, format);
      assert.deepEqual(again.files, result.files, 'rendering twice must give byte-identical files');
      const dir = join(GOLDEN, name.replace(/\.yaml$/, ''), format);
      if (update) {
        rmSync(dir, { recursive: true, force: true });
        for (const file of result.files) {
          mkdirSync(dirname(join(dir, file.path)), { recursive: true });
          writeFileSync(join(dir, file.path), file.content);
        }
        return;
      }
      assert.deepEqual(result.files.map((f) => f.path).sort(), listFiles(dir), `files of ${dir} (run with UPDATE_GOLDEN=1 after an intended change)`);
      for (const file of result.files) {
        assert.equal(file.content, readFileSync(join(dir, file.path), 'utf8'), `${file.path} differs from ${join(dir, file.path)} (UPDATE_GOLDEN=1 to accept)`);
      }
    });
  }
}
