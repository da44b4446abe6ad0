// The built package (what npm publishes, the Dockerfile and the test images run): tsc's output plus the run-time
// files scripts/copy-assets.ts copies beside it. A file the code reads next to itself but the build leaves out only
// fails where dist/ runs — this once broke `kafkaplane console` from the package (its CSS and script were missing) while
// every test of the checkout's .ts passed. Builds into node_modules/.cache (so the build resolves its dependencies
// from this checkout's node_modules, as the package does from its own).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src');
/** The package's layout: package.json, bin/ and dist/ (no src/, so bin/kafkaplane.js runs dist/ as it does installed). */
const PKG = join(ROOT, 'node_modules', '.cache', `kafkaplane-dist-test-${process.pid}`);
const OUT = join(PKG, 'dist');
const NODE = process.execPath;

before(async () => {
  mkdirSync(join(PKG, 'bin'), { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(PKG, 'package.json'));
  copyFileSync(join(ROOT, 'bin', 'kafkaplane.js'), join(PKG, 'bin', 'kafkaplane.js'));
  await run(NODE, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', OUT, '--declaration', 'false', '--sourceMap', 'false'], {
    cwd: ROOT,
    timeout: 180_000,
  });
  await run(NODE, [join(ROOT, 'scripts/copy-assets.ts'), OUT], { cwd: ROOT, timeout: 30_000 });
});
after(() => rmSync(PKG, { recursive: true, force: true }));

test('every run-time file under src/ (not .ts, not a developer note) is in the build, byte for byte', () => {
  const files = (readdirSync(SRC, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile() && !e.name.endsWith('.ts') && !e.name.endsWith('.md'))
    .map((e) => relative(SRC, join(e.parentPath, e.name)));
  assert.ok(files.includes(join('console', 'assets', 'console.css')) && files.some((f) => f.startsWith(join('local', 'distributions'))), `found ${files.join(', ')}`);
  for (const f of files) {
    assert.ok(existsSync(join(OUT, f)), `${f} is missing from the build`);
    assert.deepEqual(readFileSync(join(OUT, f)), readFileSync(join(SRC, f)), `${f} differs in the build`);
  }
});

test("the built console serves its own CSS and script and the npm packages' htmx and uPlot", async () => {
  const { assetRoutes } = (await import(pathToFileURL(join(OUT, 'console', 'assets.js')).href)) as typeof import('../../src/console/assets.ts');
  const app = assetRoutes();
  for (const [name, type] of [
    ['console.css', 'text/css'],
    ['console.js', 'text/javascript'],
    ['htmx.js', 'text/javascript'],
    ['uplot.js', 'text/javascript'],
  ] as const) {
    const res = await app.request(`/${name}`);
    assert.equal(res.status, 200, name);
    assert.match(res.headers.get('content-type') ?? '', new RegExp(type), name);
    assert.ok((await res.arrayBuffer()).byteLength > 100, `${name} is not empty`);
  }
});

test("the package's bin runs a command end to end from dist/ alone: render of an example", async () => {
  const { stdout } = await run(NODE, [join(PKG, 'bin', 'kafkaplane.js'), 'render', '-f', join(ROOT, 'examples/seed-003-dedicated.yaml'), '-o', 'json'], {
    cwd: ROOT,
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const objects = JSON.parse(stdout) as { kind: string }[] | { items: { kind: string }[] };
  const kinds = (Array.isArray(objects) ? objects : objects.items).map((o) => o.kind);
  assert.ok(kinds.includes('StatefulSet') && kinds.includes('ConfigMap'), `kinds: ${kinds.join(', ')}`);
});
