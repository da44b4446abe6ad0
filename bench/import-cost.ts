// What loading a long-running command's code costs (node bench/import-cost.ts [--dist]): a fresh Node process per
// command imports, in order, what that command loads before it does any work, and prints the RSS and heap after each
// step (after a full GC). No cluster is needed; the figures are the floor under the benches' RSS (BENCHMARKS.md).
//
//   --dist   import the built JS (`npm run build` first), as the npm package and the image run it; default: the
//            checkout's .ts, which Node type-strips at load (its stripper alone costs ~20 MiB)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { dist: { type: 'boolean', default: false } } });
const root = fileURLToPath(new URL('..', import.meta.url));
const mod = (path: string) => (values.dist ? `${root}dist/${path}.js` : `${root}src/${path}.ts`);

// The Kafka library is loaded by the first Kafka request (the operator's first topic, the console's first collection).
const COMMANDS: Record<string, string[]> = {
  'operator run': [...['cli/program', 'operator/kubeconfig', 'operator/manager', 'operator/controllers/index', 'cli/commands/operator-run'].map(mod), '@platformatic/kafka'],
  console: [...['cli/program', 'cli/commands/console'].map(mod), '@platformatic/kafka'],
};

const script = `
const mb = (n) => (n / 1048576).toFixed(1);
const at = (what) => { globalThis.gc(); const u = process.memoryUsage(); console.log(JSON.stringify({ what, rssMiB: +mb(u.rss), heapUsedMiB: +mb(u.heapUsed) })); };
at('node');
for (const m of JSON.parse(process.argv[1])) { await import(m); at(m); }
`;
for (const [command, modules] of Object.entries(COMMANDS)) {
  const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script, JSON.stringify(modules)], { encoding: 'utf8', cwd: root });
  if (run.status !== 0) throw new Error(`${command}: ${run.stderr}`);
  process.stdout.write(`# ${command} (${values.dist ? 'dist' : 'src'})\n`);
  for (const line of run.stdout.trim().split('\n')) {
    const { what, rssMiB, heapUsedMiB } = JSON.parse(line) as { what: string; rssMiB: number; heapUsedMiB: number };
    process.stdout.write(`  ${what.replace(root, '').padEnd(44)} RSS ${String(rssMiB).padStart(6)} MiB   heap ${heapUsedMiB} MiB\n`);
  }
}
