// The one test command (`npm test`): installs what the tests need, then runs every test, unit and integration.
//   - kcat (Debian package) — a Kafka client nobody here wrote
//   - a JDK and Maven (Debian packages) when missing; Prometheus and promtool (Debian package)
//   - busybox (Debian package) — the shell and tools of the official apache/kafka image, for the rendered entrypoint
//   - the Kafka jars of the default version (Maven Central, checksummed, cached per user)
//   - etcd + kube-apiserver + kubectl built from the Go module proxy (cached per user)
// and first runs `npm run lint` (scripts/lint.ts), so a lint or boundary violation fails the run.
// A missing component is a test failure, never a skip: each step fails loudly.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, globSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolveDistribution } from '../src/local/distribution.ts';
import { DEFAULT_KAFKA_VERSION } from '../src/api/kafka-cluster.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const log = (message: string) => process.stderr.write(`[test setup] ${message}\n`);

function have(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function ensureDebianPackage(command: string, pkg: string): void {
  if (have(command)) return;
  // As root, or through sudo when it needs no password; otherwise say what to run.
  const asRoot = process.getuid?.() === 0;
  const sudo = !asRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (!asRoot && !sudo) {
    throw new Error(`${command} is missing and installing it needs root: run \`sudo apt-get install -y ${pkg}\` and try again`);
  }
  const aptGet = (args: string[]) =>
    asRoot
      ? execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
      : execFileSync('sudo', ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args], { stdio: 'inherit' });
  log(`installing ${pkg} (apt-get${sudo ? ' through sudo' : ''})…`);
  aptGet(['-o', 'DPkg::Lock::Timeout=600', 'update', '-qq']);
  aptGet(['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '-qq', '--no-install-recommends', pkg]);
  if (!have(command)) throw new Error(`installed ${pkg} but ${command} is still not on PATH`);
}

const onlyUnit = process.argv.includes('--unit');
// The guards first (seconds): Biome lint + format, import boundaries, types. A violation fails the run.
if (!process.argv.includes('--no-lint')) {
  const lint = spawnSync(process.execPath, [`${root}scripts/lint.ts`], { cwd: root, stdio: 'inherit' });
  if (lint.status !== 0) {
    log('lint failed (npm run lint shows it; npm run lint -- --fix formats the code)');
    process.exit(lint.status ?? 1);
  }
}
// BusyBox: the render tests run the rendered container entrypoint with the tools of the official (Alpine) Kafka image.
ensureDebianPackage('busybox', 'busybox');
if (!onlyUnit) {
  ensureDebianPackage('kcat', 'kcat');
  // A JDK runs Kafka, its tools and keytool (TLS tests) and compiles the Strimzi model check; Maven fetches jars for it.
  ensureDebianPackage('javac', 'openjdk-17-jdk-headless');
  ensureDebianPackage('mvn', 'maven');
  // Prometheus and promtool: the exporter, dashboards and alert rules are tested against a real Prometheus.
  ensureDebianPackage('promtool', 'prometheus');
  // The default release, and 3.9 for the static-quorum test (test/integration/kafka/local-kafka39.test.ts).
  for (const version of [DEFAULT_KAFKA_VERSION, '3.9.2']) {
    log(`Kafka ${version} jars…`);
    await resolveDistribution(version, {
      onProgress: (p) => {
        if (p.doneFiles === p.totalFiles && p.totalFiles > 0) log(`Kafka ${p.version}: ${p.totalFiles} jars ready`);
      },
    });
  }
  log('test control plane (etcd, kube-apiserver, kubectl)…');
  execFileSync('bash', [`${root}scripts/control-plane/build.sh`], { stdio: 'inherit', env: { ...process.env, NODE: process.execPath } });
}

const patterns = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (!existsSync(`${root}test`)) throw new Error('no test/ directory');
const all = globSync('test/**/*.test.ts', { cwd: root }).sort();
// Unit tests first (seconds), then the integration tests against real Kafka JVMs and a real kube-apiserver.
const files = patterns.length > 0 ? patterns : [...all.filter((f) => !f.startsWith('test/integration/')), ...(onlyUnit ? [] : all.filter((f) => f.startsWith('test/integration/')))];
const args = ['--test', '--test-concurrency=1', '--test-timeout=900000', ...files];
const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, KAFKAPLANE_TEST: '1' } });
process.exit(run.status ?? 1);
