// The one test command (`npm test`): installs what the tests need, then runs every test, unit and integration.
//   - kcat (Debian package) — a Kafka client nobody here wrote
//   - chromium (Debian package) — the browser the console's tests drive (playwright-core, no browser download)
//   - a JDK and Maven (Debian packages) when missing; Prometheus and promtool (Debian package)
//   - busybox (Debian package) — the shell and tools of the official apache/kafka image, for the rendered entrypoint
//   - the Kafka jars of the default version (Maven Central, checksummed, cached per user)
//   - etcd + kube-apiserver + kubectl built from the Go module proxy (cached per user)
// and first runs `npm run lint` (scripts/lint.ts), so a lint or boundary violation fails the run.
// A missing component is a test failure, never a skip: each step fails loudly.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, globSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pinnedVersions, resolveDistribution } from '../src/local/distribution.ts';
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
// Test files named on the command line (`npm run test:reliability`, or `npm test -- test/x.test.ts`) run alone.
const patterns = process.argv.slice(2).filter((a) => !a.startsWith('--'));
// The guards first (seconds): Biome lint + format, import boundaries, types. A violation fails the run.
if (!process.argv.includes('--no-lint')) {
  const lint = spawnSync(process.execPath, [`${root}scripts/lint.ts`], { cwd: root, stdio: 'inherit' });
  if (lint.status !== 0) {
    log('lint failed (npm run lint shows it; npm run lint -- --fix formats the code)');
    process.exit(lint.status ?? 1);
  }
}
// `npm run test:node`: only the real-node tests (test/integration/node/), after their own setup below.
const onlyNode = process.argv.includes('--node');
// BusyBox: the render tests run the rendered container entrypoint with the tools of the official (Alpine) Kafka image.
ensureDebianPackage('busybox', 'busybox');
if (!onlyUnit && !onlyNode) {
  ensureDebianPackage('kcat', 'kcat');
  // Chromium: the console's browser tests (test/integration/browser/) drive it with playwright-core.
  ensureDebianPackage('chromium', 'chromium');
  // A JDK runs Kafka, its tools and keytool (TLS tests) and compiles the Strimzi model check; Maven fetches jars for it.
  ensureDebianPackage('javac', 'openjdk-17-jdk-headless');
  ensureDebianPackage('mvn', 'maven');
  // Prometheus and promtool: the exporter, dashboards and alert rules are tested against a real Prometheus.
  ensureDebianPackage('promtool', 'prometheus');
  // The default release, 3.9 for the static-quorum test (test/integration/kafka/local-kafka39.test.ts) and every
  // pinned one above the default (local-kafka-latest.test.ts).
  const newer = (await pinnedVersions()).filter((v) => v.localeCompare(DEFAULT_KAFKA_VERSION, 'en', { numeric: true }) > 0);
  for (const version of [DEFAULT_KAFKA_VERSION, '3.9.2', ...newer]) {
    log(`Kafka ${version} jars…`);
    await resolveDistribution(version, {
      onProgress: (p) => {
        if (p.doneFiles === p.totalFiles && p.totalFiles > 0) log(`Kafka ${p.version}: ${p.totalFiles} jars ready`);
      },
    });
  }
  log('test control plane (etcd, kube-apiserver, kubectl)…');
  execFileSync('bash', [`${root}scripts/control-plane/build.sh`], { stdio: 'inherit', env: { ...process.env, NODE: process.execPath } });
  // Helm, for the operator chart's test (test/integration/operator/helm.test.ts): built from the Go module proxy, cached.
  log('helm (the operator chart test)…');
  execFileSync('bash', [`${root}scripts/helm/build.sh`], { stdio: 'inherit' });
}

// ---- The one-node Kubernetes of test/integration/node/ (issue 8; docs/testing.md) -----------------------------------
// Debian: containerd + runc + CNI plugins + iptables + conntrack run the pods; debootstrap, gcc and a static BusyBox
// build the images. Go module proxy: kubelet, kube-controller-manager, kube-scheduler, kube-proxy, CoreDNS,
// local-path-provisioner (scripts/kube-node/build.sh, after the control plane). Images: scripts/kube-node/images.sh
// (OCI tarballs: pause, busybox, coredns, local-path-provisioner, kafka, kafka-client, kafkaplane). All cached; each
// step fails loudly (with CI=true a missing piece is a failure, never a skip). Needs root: containerd, the pod bridge,
// iptables and mounts.
// Without root (a developer's `npm test` outside CI) the real-node tests are left out, loudly; in CI, or with
// `npm run test:node`, that is a failure.
const nodeTestsRunnable = process.getuid?.() === 0;
// The operator's real-node tests (test/integration/operator-node/) use the same node.
const onRealNode = (f: string) => /(^|\/)test\/integration\/(operator-)?node(\/|$)/.test(f);
const nodeTestsWanted = !onlyUnit && (patterns.length === 0 || patterns.some(onRealNode));
if (nodeTestsWanted && !nodeTestsRunnable) {
  const why = 'the real-node tests (test/integration/node/) need root: containerd, a bridge, iptables, mounts';
  if (process.env.CI === 'true' || onlyNode) throw new Error(why);
  log(`WARNING: ${why}; they are NOT run now (run \`sudo npm run test:node\`)`);
}
if (nodeTestsWanted && nodeTestsRunnable) {
  const staticBusybox = () => have('busybox') && spawnSync('sh', ['-c', 'ldd "$(command -v busybox)"'], { stdio: 'ignore' }).status !== 0;
  for (const [command, pkg] of [
    ['containerd', 'containerd'],
    ['runc', 'runc'],
    ['iptables', 'iptables'],
    ['conntrack', 'conntrack'],
    ['debootstrap', 'debootstrap'],
    ['gcc', 'gcc'],
    ['unzip', 'unzip'],
    ['kcat', 'kcat'],
  ] as const) {
    ensureDebianPackage(command, pkg);
  }
  const ensurePackage = (pkg: string, present: () => boolean) => {
    if (present()) return;
    log(`installing ${pkg} (apt-get)…`);
    const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'update', '-qq'], { stdio: 'inherit', env: aptEnv });
    execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '-qq', '--no-install-recommends', pkg], { stdio: 'inherit', env: aptEnv });
    if (!present()) throw new Error(`installed ${pkg} but it is still missing`);
  };
  ensurePackage('containernetworking-plugins', () => ['bridge', 'host-local', 'loopback', 'portmap'].every((p) => existsSync(`/usr/lib/cni/${p}`)));
  ensurePackage('libc6-dev', () => existsSync('/usr/lib/x86_64-linux-gnu/libc.a') || existsSync('/usr/lib/aarch64-linux-gnu/libc.a'));
  ensurePackage('busybox-static', staticBusybox);
  if (onlyNode) {
    log(`Kafka ${DEFAULT_KAFKA_VERSION} jars…`);
    await resolveDistribution(DEFAULT_KAFKA_VERSION);
  }
  const env = { ...process.env, NODE: process.execPath };
  log('one-node Kubernetes binaries (kubelet, kube-controller-manager, kube-scheduler, kube-proxy, CoreDNS, local-path-provisioner)…');
  execFileSync('bash', [`${root}scripts/kube-node/build.sh`], { stdio: 'inherit', env });
  log('one-node Kubernetes images (pause, busybox, coredns, local-path-provisioner, kafka 4.1.2 and 3.9.2, kafka-client, kafkaplane)…');
  execFileSync('bash', [`${root}scripts/kube-node/images.sh`], { stdio: 'inherit', env });
}
// ---- end of the one-node Kubernetes setup ------------------------------------------------------------------------

if (!existsSync(`${root}test`)) throw new Error('no test/ directory');
const all = globSync('test/**/*.test.ts', { cwd: root }).sort();
// Unit tests first (seconds), then the integration tests against real Kafka JVMs and a real kube-apiserver.
const nodeTests = all.filter((f) => f.startsWith('test/integration/node/'));
const runnable = (f: string) => nodeTestsRunnable || !onRealNode(f);
const files =
  patterns.length > 0
    ? patterns
    : onlyNode
      ? nodeTests
      : [...all.filter((f) => !f.startsWith('test/integration/')), ...(onlyUnit ? [] : all.filter((f) => f.startsWith('test/integration/') && runnable(f)))];
const args = ['--test', '--test-concurrency=1', '--test-timeout=900000', ...files];
const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, KAFKAPLANE_TEST: '1' } });
process.exit(run.status ?? 1);
