// `npm run lint`: the guards that keep the code's shape, run first by the test command (scripts/test.ts).
//   - Biome: lint rules and formatting (biome.json) — one fast tool for both, made for TypeScript;
//   - dependency-cruiser: import boundaries (.dependency-cruiser.cjs) — the pure core imports no I/O, nothing
//     imports cli/, kafka/ sits below the runtimes, no cycles;
//   - tsc --noEmit: the types.
// Any finding fails (exit 1). `npm run lint -- --fix` applies Biome's safe fixes and formatting first.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string) => `${root}node_modules/.bin/${name}`;
const fix = process.argv.includes('--fix');

const steps: [string, string, string[]][] = [
  ['biome', bin('biome'), fix ? ['check', '--write'] : ['check']],
  ['import boundaries', bin('depcruise'), ['src', '--config', '.dependency-cruiser.cjs']],
  ['types', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']],
];
let failed = 0;
for (const [name, command, args] of steps) {
  const started = Date.now();
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  const ok = run.status === 0;
  process.stderr.write(`[lint] ${name}: ${ok ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  if (!ok) failed++;
}
process.exit(failed > 0 ? 1 : 0);
