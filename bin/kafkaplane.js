#!/usr/bin/env node
// A checkout runs the TypeScript sources directly (Node >= 22.18 strips types), so there is no build step between
// editing and running; the published package ships no src/ and runs the compiled JS in dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `kafkaplane needs Node.js >= 22.18 (this is ${process.version}).\n` + `Run it through npm (npm run kafkaplane -- ...) to use the Node 24 pinned in devDependencies, or upgrade Node.\n`,
  );
  process.exit(2);
}
// KAFKAPLANE_V8_FLAGS: V8 flags that Node refuses in NODE_OPTIONS, set before any code is loaded — the operator's and
// the console's Deployments set --optimize-for-size (~15 MiB less RSS at the same speed; BENCHMARKS.md).
if (process.env.KAFKAPLANE_V8_FLAGS) (await import('node:v8')).setFlagsFromString(process.env.KAFKAPLANE_V8_FLAGS);
// KAFKAPLANE_ENTRY=dist runs a checkout's built JS (`npm run build`) as the package does: Node's type stripping of
// the sources costs ~20 MiB of RSS and start-up time (BENCHMARKS.md), so benchmarks can measure what users run.
const src = new URL('../src/cli/main.ts', import.meta.url);
const dist = new URL('../dist/cli/main.js', import.meta.url);
const entry = process.env.KAFKAPLANE_ENTRY !== 'dist' && existsSync(fileURLToPath(src)) ? src : dist;
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
