/**
 * A real one-node Kubernetes for tests: etcd + kube-apiserver (test/helpers/control-plane.ts) plus
 * kube-controller-manager, kube-scheduler, containerd (Debian's, CRI plugin) + runc, a kubelet, kube-proxy (iptables),
 * CoreDNS as the cluster DNS and Rancher's local-path-provisioner as the default StorageClass ("standard", as kind).
 *
 * Built once, cached outside the repo: scripts/kube-node/build.sh (binaries, Go module proxy) and
 * scripts/kube-node/images.sh (OCI image tarballs, imported into containerd with `ctr images import`; containerd's
 * root stays in the cache, so a second start imports nothing).
 *
 * Network: a bridge this helper creates (BRIDGE, POD_CIDR, its gateway NODE_IP is the node's InternalIP — not
 * loopback, or `kubectl logs/exec` fail); pods, Services (SERVICE_CIDR, DNS at DNS_IP) and NodePorts (on NODE_IP) are
 * reachable from the host. kube-apiserver listens on NODE_IP too (pods reach it through the `kubernetes` Service).
 * Fixed ports, on NODE_IP only: kubelet 10250, kube-proxy metrics 10249 and health 10256.
 *
 * Tear-down (stop(), the exit/signal handlers, and a detached watchdog if this process is SIGKILLed) ends in
 * scripts/kube-node/down.sh: pods are deleted through the API first so the kubelet stops them (a pod's PID 1 ignores
 * SIGTERM from the host), then containers through containerd, processes, iptables rules, mounts, the bridge, the
 * sysctls it changed, the node dir. One node per machine (the node dir and bridge names are fixed).
 *
 * Needs root, and Debian's containerd, runc, containernetworking-plugins, iptables and conntrack (scripts/test.ts
 * installs them).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { startControlPlane, type ControlPlane } from './control-plane.ts';
import { kubeRequest } from './kube-api.ts';

export const NODE_NAME = 'kafkaplane-node';
export const BRIDGE = 'kpnode0';
export const POD_CIDR = '10.213.0.0/24';
export const NODE_IP = '10.213.0.1';
export const SERVICE_CIDR = '10.214.0.0/24';
export const DNS_IP = '10.214.0.10';
export const CLUSTER_DOMAIN = 'cluster.local';
export const STORAGE_CLASS = 'standard';
const KUBELET_PORT = 10250;

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const SCRIPTS = path.join(REPO_ROOT, 'scripts', 'kube-node');
export const NODE_DIR = process.env.KAFKAPLANE_NODE_DIR ?? '/tmp/kafkaplane-node';

export interface KubeNodeImages {
  pause: string;
  busybox: string;
  coredns: string;
  localPath: string;
  kafka: string;
  /** The same test image with Kafka 3.9.2 (scripts/kube-node/images.sh OTHER_KAFKA_VERSIONS): the quorum upgrade test. */
  kafka39: string;
  kafkaClient: string;
  kafkaplane: string;
}

export interface KubeNode {
  kubeconfigPath: string;
  server: string;
  token: string;
  caFile: string;
  kubectlBin: string;
  nodeName: string;
  nodeIP: string;
  /** Full references of the images imported into the node's containerd (docker.io/kafkaplane-test/…). */
  images: KubeNodeImages;
  /** Component logs (containerd, kubelet, …) of this run; kept in <node dir>.last-logs after stop(). */
  logsDir: string;
  /** Seconds each start phase took (for docs/testing.md). */
  timings: Record<string, number>;
  kubectl(args: string[], options?: KubectlOptions): Promise<KubectlResult>;
  stop(): Promise<void>;
}

export interface KubectlOptions {
  input?: string;
  timeoutMs?: number;
  /** Resolve with the exit code instead of rejecting when kubectl fails. */
  allowFail?: boolean;
}
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

const log0 = (line: string) => process.stderr.write(`[kube-node ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

function sh(cmd: string, args: string[], options: { allowFail?: boolean; input?: string } = {}): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], input: options.input ?? '' });
  } catch (err) {
    if (options.allowFail) return '';
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

function have(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a truthy value; throws with `what` and the last error after `timeoutMs`. */
export async function waitUntil<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined | false | null> | T | undefined | false | null, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = '';
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
    await sleep(intervalMs);
  }
}

interface Binaries {
  kubelet: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kubeProxy: string;
  kubectl: string;
}

function nodeBinaries(): Binaries {
  const nodeBin = sh('bash', [path.join(SCRIPTS, 'build.sh'), '--print-bin-dir']).trim();
  const cpBin = sh('bash', [path.join(REPO_ROOT, 'scripts', 'control-plane', 'build.sh'), '--print-bin-dir']).trim();
  const bins: Binaries = {
    kubelet: path.join(nodeBin, 'kubelet'),
    kubeControllerManager: path.join(nodeBin, 'kube-controller-manager'),
    kubeScheduler: path.join(nodeBin, 'kube-scheduler'),
    kubeProxy: path.join(nodeBin, 'kube-proxy'),
    kubectl: path.join(cpBin, 'kubectl'),
  };
  const missing = Object.values(bins).filter((f) => !fs.existsSync(f));
  if (missing.length > 0) throw new Error(`node binaries missing (${missing.join(', ')}): run scripts/kube-node/build.sh`);
  return bins;
}

function imageRefs(): { refs: KubeNodeImages; tars: string[] } {
  const dir = sh('bash', [path.join(SCRIPTS, 'images.sh'), '--print-dir']).trim();
  const byName: Record<string, string> = {};
  for (const line of sh('bash', [path.join(SCRIPTS, 'images.sh'), '--print-refs'])
    .trim()
    .split('\n')) {
    const [name, ref] = line.split('=') as [string, string];
    byName[name] = ref;
  }
  const tars = Object.keys(byName).map((name) => path.join(dir, `${name}.tar`));
  const missing = tars.filter((t) => !fs.existsSync(t));
  if (missing.length > 0) throw new Error(`node images missing (${missing.map((t) => path.basename(t)).join(', ')}): run scripts/kube-node/images.sh`);
  return {
    refs: {
      pause: byName.pause!,
      busybox: byName.busybox!,
      coredns: byName.coredns!,
      localPath: byName['local-path-provisioner']!,
      kafka: byName.kafka!,
      kafka39: byName['kafka-3.9.2']!,
      kafkaClient: byName['kafka-client']!,
      kafkaplane: byName.kafkaplane!,
    },
    tars,
  };
}

/** Runs scripts/kube-node/down.sh: tears down whatever a previous (or this) node left. */
export function downNode(): void {
  execFileSync('bash', [path.join(SCRIPTS, 'down.sh')], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, KAFKAPLANE_NODE_DIR: NODE_DIR } });
}

interface Proc {
  name: string;
  child: ChildProcess;
  exited: () => boolean;
  logFile: string;
}

function startProc(name: string, bin: string, args: string[], logsDir: string, mark: string): Proc {
  const logFile = path.join(logsDir, `${name}.log`);
  const fd = fs.openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(bin, args, { stdio: ['ignore', fd, fd], detached: false });
  } finally {
    fs.closeSync(fd);
  }
  let done = false;
  child.once('exit', () => {
    done = true;
  });
  child.once('error', (err) => {
    done = true;
    fs.appendFileSync(logFile, `\n[kube-node] cannot start ${bin}: ${err.message}\n`);
  });
  // down.sh signals a recorded pid only while its command line still holds the mark (no recycled pids).
  fs.writeFileSync(path.join(NODE_DIR, 'pids', name), `${child.pid} ${mark}\n`);
  return { name, child, exited: () => done, logFile };
}

function tail(file: string, lines = 25): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function assertRunning(p: Proc): void {
  if (p.exited()) throw new Error(`${p.name} exited (code ${p.child.exitCode}). Last lines of ${p.logFile}:\n${tail(p.logFile)}`);
}

/** One DNS query (A record) over UDP; resolves with the answer count. */
function dnsQuery(server: string, name: string, timeoutMs = 2_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const id = Math.floor(Math.random() * 65535);
    const labels = name.split('.').filter(Boolean);
    const q = Buffer.concat([
      Buffer.from([id >> 8, id & 255, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
      ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
      Buffer.from([0, 0, 1, 0, 1]),
    ]);
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no DNS answer from ${server} for ${name}`));
    }, timeoutMs);
    socket.on('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      const rcode = msg[3]! & 15;
      if (rcode !== 0) reject(new Error(`DNS rcode ${rcode} for ${name}`));
      else resolve(msg.readUInt16BE(6));
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      socket.close();
      reject(err);
    });
    socket.send(q, 53, server);
  });
}

// --- exit protection: tear the node down however this process ends ---------------------------------------------------
let liveNode = false;
/** The running node's graceful stop (pods through the kubelet first); a signal uses it, 'exit' cannot wait for it. */
let liveStop: (() => Promise<void>) | undefined;
function exitCleanup(): void {
  if (!liveNode) return;
  liveNode = false;
  try {
    downNode();
  } catch {
    // best effort; the watchdog runs down.sh too
  }
}
function onSignal(signal: NodeJS.Signals): void {
  process.off(signal, onSignal);
  const done = () => {
    exitCleanup();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  if (liveStop) liveStop().then(done, done);
  else done();
}

export interface StartKubeNodeOptions {
  log?: (line: string) => void;
}

export async function startKubeNode(options: StartKubeNodeOptions = {}): Promise<KubeNode> {
  const log = options.log ?? log0;
  if (process.getuid?.() !== 0) throw new Error('the one-node Kubernetes needs root (containerd, bridge, iptables, mounts)');
  for (const cmd of ['containerd', 'containerd-shim-runc-v2', 'ctr', 'runc', 'iptables', 'ip', 'conntrack']) {
    if (!have(cmd)) throw new Error(`${cmd} is missing: apt-get install containerd runc containernetworking-plugins iptables conntrack iproute2`);
  }
  for (const plugin of ['bridge', 'host-local', 'loopback', 'portmap']) {
    if (!fs.existsSync(`/usr/lib/cni/${plugin}`)) throw new Error(`CNI plugin /usr/lib/cni/${plugin} missing: apt-get install containernetworking-plugins`);
  }
  const bins = nodeBinaries();
  const { refs, tars } = imageRefs();
  const timings: Record<string, number> = {};
  const t0 = Date.now();
  let phase = Date.now();
  const mark = (name: string) => {
    timings[name] = (Date.now() - phase) / 1000;
    phase = Date.now();
  };

  // Leftovers of an earlier run (crash, SIGKILL) go first.
  if (fs.existsSync(NODE_DIR)) {
    log(`tearing down the leftovers of an earlier node in ${NODE_DIR}`);
    downNode();
  }
  const dirs = ['logs', 'pids', 'run', 'cni', 'cni-ipam', 'kubelet', 'local-path', 'etc'].map((d) => path.join(NODE_DIR, d));
  for (const d of dirs) await fsp.mkdir(d, { recursive: true });
  const logsDir = path.join(NODE_DIR, 'logs');
  const cacheRoot = process.env.KAFKAPLANE_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(process.env.HOME ?? '/root', '.cache'), 'kafkaplane');
  const containerdRoot = path.join(cacheRoot, 'kube-node', 'containerd');
  const sock = path.join(NODE_DIR, 'run', 'containerd.sock');
  const runcRoot = path.join(NODE_DIR, 'run', 'runc');
  const env = [`BRIDGE=${BRIDGE}`, `CONTAINERD_SOCK=${sock}`, `RUNC_ROOT=${runcRoot}`, `KUBE_PROXY_BIN=${bins.kubeProxy}`];
  await fsp.writeFile(path.join(NODE_DIR, 'node.env'), env.join('\n') + '\n');

  liveNode = true;
  process.on('exit', exitCleanup);
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignal);
  // A detached watchdog runs down.sh when this process is gone, even after a SIGKILL.
  const watchdog = spawn('/bin/bash', ['-c', 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; exec bash "$2"', 'kafkaplane-node-watchdog', String(process.pid), path.join(SCRIPTS, 'down.sh')], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, KAFKAPLANE_NODE_DIR: NODE_DIR },
  });
  watchdog.unref();
  fs.writeFileSync(path.join(NODE_DIR, 'pids', 'watchdog'), `${watchdog.pid} kafkaplane-node-watchdog\n`);

  let cp: ControlPlane | undefined;
  const procs: Proc[] = [];
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      const started = Date.now();
      // Nothing may recreate pods while they go: controllers and scheduler first.
      for (const name of ['kube-controller-manager', 'kube-scheduler']) {
        const p = procs.find((q) => q.name === name);
        if (p && !p.exited()) p.child.kill('SIGTERM');
      }
      const kubelet = procs.find((p) => p.name === 'kubelet');
      if (cp && kubelet && !kubelet.exited()) {
        // The kubelet stops every pod through the CRI (SIGTERM, then SIGKILL after the 1 s grace).
        try {
          const list = (await kubeRequest(cp, 'GET', '/api/v1/pods')).json() as { items: { metadata: { name: string; namespace: string } }[] };
          await Promise.all(list.items.map((p) => kubeRequest(cp!, 'DELETE', `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}`, { gracePeriodSeconds: 1 })));
          await waitUntil(
            'the kubelet to stop every pod',
            90_000,
            async () => {
              const left = (await kubeRequest(cp!, 'GET', '/api/v1/pods')).json() as { items: unknown[] };
              return left.items.length === 0;
            },
            1_000,
          );
        } catch (err) {
          log(`stopping pods through the kubelet: ${(err as Error).message}; down.sh kills what is left through containerd`);
        }
      }
      try {
        downNode();
      } finally {
        liveNode = false;
        liveStop = undefined;
        process.off('exit', exitCleanup);
        for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, onSignal);
        if (cp) await cp.stop().catch(() => {});
        log(`node stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
    })();
    return stopped;
  };
  liveStop = stop;

  try {
    // --- host network: sysctls (restored by down.sh), the pod bridge ----------------------------------------------
    const sysctls = { 'net.ipv4.ip_forward': '1', 'net.bridge.bridge-nf-call-iptables': '1' };
    const orig = Object.keys(sysctls).map((k) => `${k}=${sh('sysctl', ['-n', k]).trim()}`);
    await fsp.writeFile(path.join(NODE_DIR, 'sysctl.orig'), orig.join('\n') + '\n');
    for (const [k, v] of Object.entries(sysctls)) sh('sysctl', ['-q', '-w', `${k}=${v}`]);
    sh('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
    sh('ip', ['addr', 'add', `${NODE_IP}/24`, 'dev', BRIDGE]);
    sh('ip', ['link', 'set', BRIDGE, 'up']);
    mark('network');

    // --- control plane on the node IP ------------------------------------------------------------------------------
    cp = await startControlPlane({
      log,
      address: NODE_IP,
      serviceClusterIpRange: SERVICE_CIDR,
      apiserverArgs: [
        // Pods get service-account tokens (CoreDNS and local-path-provisioner talk to the API).
        '--disable-admission-plugins=',
        '--kubelet-preferred-address-types=InternalIP',
        '--service-node-port-range=30000-32767',
      ],
    });
    await fsp.appendFile(path.join(NODE_DIR, 'node.env'), `CONTROL_PLANE_DIR=${cp.dir}\n`);
    // A stable path for debugging a running node: KUBECONFIG=/tmp/kafkaplane-node/kubeconfig kubectl get pods -A
    await fsp.copyFile(cp.kubeconfigPath, path.join(NODE_DIR, 'kubeconfig'));
    mark('controlPlane');

    // --- containerd -------------------------------------------------------------------------------------------------
    await fsp.mkdir(containerdRoot, { recursive: true });
    const containerdConfig = `version = 2
root = "${containerdRoot}"
state = "${path.join(NODE_DIR, 'run', 'containerd')}"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "${sock}"

[ttrpc]
  address = "${sock}.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "${path.join(NODE_DIR, 'run', 'opt')}"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${refs.pause}"
  # No CAP_SYS_RESOURCE on these machines: without this runc fails with "can't get final child's PID from pipe".
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  enable_unprivileged_ports = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "${runcRoot}"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${path.join(NODE_DIR, 'cni')}"
`;
    const cniConf = {
      cniVersion: '1.0.0',
      name: 'kafkaplane',
      plugins: [
        {
          type: 'bridge',
          bridge: BRIDGE,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: { type: 'host-local', ranges: [[{ subnet: POD_CIDR, gateway: NODE_IP }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: path.join(NODE_DIR, 'cni-ipam') },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
        // ACCEPT rules for each pod's address in FORWARD (chain CNI-FORWARD): pods keep talking when something else on
        // the machine sets FORWARD's policy to DROP (a Docker engine does).
        { type: 'firewall', backend: 'iptables' },
      ],
    };
    await fsp.writeFile(path.join(NODE_DIR, 'cni', '10-kafkaplane.conflist'), JSON.stringify(cniConf, null, 2));
    const containerdToml = path.join(NODE_DIR, 'etc', 'containerd.toml');
    await fsp.writeFile(containerdToml, containerdConfig);
    const containerd = startProc('containerd', 'containerd', ['--config', containerdToml], logsDir, containerdToml);
    procs.push(containerd);
    const ctr = (...args: string[]) => sh('ctr', ['--address', sock, '-n', 'k8s.io', ...args]);
    await waitUntil(
      'containerd',
      30_000,
      () => {
        assertRunning(containerd);
        return ctr('version').includes('Server');
      },
      250,
    );
    // Leftover containers of a crashed run in the persistent root (down.sh removes them when containerd is up).
    for (const id of ctr('containers', 'ls', '-q').split('\n').filter(Boolean)) {
      sh('ctr', ['--address', sock, '-n', 'k8s.io', 'tasks', 'kill', '-a', '-s', 'SIGKILL', id], { allowFail: true });
      sh('ctr', ['--address', sock, '-n', 'k8s.io', 'tasks', 'delete', '-f', id], { allowFail: true });
      sh('ctr', ['--address', sock, '-n', 'k8s.io', 'containers', 'delete', id], { allowFail: true });
    }
    mark('containerd');

    // --- images: import what is not there yet (by manifest digest) ----------------------------------------------------
    const present = new Map<string, string>();
    for (const line of ctr('images', 'ls').split('\n').slice(1)) {
      const [ref, , digest] = line.split(/\s+/);
      if (ref && digest) present.set(ref, digest);
    }
    for (const tar of tars) {
      const ref = fs.readFileSync(tar.replace(/\.tar$/, '.ref'), 'utf8').trim();
      const index = JSON.parse(sh('tar', ['-xOf', tar, 'index.json'])) as { manifests: { digest: string }[] };
      const digest = index.manifests[0]!.digest;
      // The CRI needs the image unpacked in its snapshotter; an imported but not unpacked image counts as absent.
      if (present.get(ref) === digest) continue;
      const started = Date.now();
      ctr('images', 'import', '--snapshotter', 'overlayfs', tar);
      log(`imported ${ref} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    mark('images');

    // --- kubelet, kube-proxy, controller-manager, scheduler ------------------------------------------------------------
    const kubeconfig = cp.kubeconfigPath; // admin token; documented simplification (no per-component identities)
    const resolvConf = path.join(NODE_DIR, 'etc', 'resolv.conf');
    // Pods with dnsPolicy Default get this: no upstream resolver (the machine's network is closed).
    await fsp.writeFile(resolvConf, `nameserver ${DNS_IP}\n`);
    const kubeletConfig = {
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      address: NODE_IP,
      port: KUBELET_PORT,
      readOnlyPort: 0,
      healthzPort: 0,
      authentication: { anonymous: { enabled: true }, webhook: { enabled: false } },
      authorization: { mode: 'AlwaysAllow' },
      // These machines run cgroup v1 with no systemd: the settings a kubelet needs there (reference §10).
      cgroupDriver: 'cgroupfs',
      failCgroupV1: false,
      cgroupsPerQOS: false,
      // With cgroupsPerQOS false, kubelet 1.34 panics in doPodResizeAction (nil pointer; kubernetes/kubernetes#137993)
      // and the node goes NotReady for good — seen here when the operator's pod was force-deleted again and again
      // (test/integration/operator-node/operator-pod.test.ts). No test resizes pods in place: the feature is off.
      featureGates: { InPlacePodVerticalScaling: false },
      enforceNodeAllocatable: [],
      failSwapOn: false,
      containerRuntimeEndpoint: `unix://${sock}`,
      clusterDNS: [DNS_IP],
      clusterDomain: CLUSTER_DOMAIN,
      resolvConf,
      // Never garbage-collect the imported images (nothing could pull them again) nor evict for a full-ish disk.
      imageGCHighThresholdPercent: 100,
      imageGCLowThresholdPercent: 99,
      evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%', 'nodefs.inodesFree': '1%' },
      serializeImagePulls: false,
      maxPods: 60,
      podCIDR: POD_CIDR,
      syncFrequency: '10s',
      fileCheckFrequency: '10s',
      nodeStatusUpdateFrequency: '5s',
      shutdownGracePeriod: '0s',
      protectKernelDefaults: false,
      makeIPTablesUtilChains: false,
      localStorageCapacityIsolation: true,
      containerLogMaxSize: '10Mi',
      containerLogMaxFiles: 2,
    };
    const kubeletConfigFile = path.join(NODE_DIR, 'etc', 'kubelet.json');
    await fsp.writeFile(kubeletConfigFile, JSON.stringify(kubeletConfig, null, 2));
    const kubeletRoot = path.join(NODE_DIR, 'kubelet');
    const kubelet = startProc(
      'kubelet',
      bins.kubelet,
      [
        `--config=${kubeletConfigFile}`,
        `--kubeconfig=${kubeconfig}`,
        `--root-dir=${kubeletRoot}`,
        `--cert-dir=${path.join(kubeletRoot, 'pki')}`,
        `--hostname-override=${NODE_NAME}`,
        `--node-ip=${NODE_IP}`,
        '--v=1',
      ],
      logsDir,
      kubeletRoot,
    );
    procs.push(kubelet);

    const proxyConfig = {
      apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
      kind: 'KubeProxyConfiguration',
      mode: 'iptables',
      clientConnection: { kubeconfig },
      hostnameOverride: NODE_NAME,
      bindAddress: NODE_IP,
      clusterCIDR: POD_CIDR,
      healthzBindAddress: `${NODE_IP}:10256`,
      metricsBindAddress: `${NODE_IP}:10249`,
      // NodePorts on the node IP only (the host reaches them there), never on eth0 or loopback.
      nodePortAddresses: [`${NODE_IP}/32`],
      // Leave the machine's conntrack sysctls alone.
      conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
      iptables: { masqueradeAll: false, syncPeriod: '10s', minSyncPeriod: '1s' },
    };
    const proxyConfigFile = path.join(NODE_DIR, 'etc', 'kube-proxy.json');
    await fsp.writeFile(proxyConfigFile, JSON.stringify(proxyConfig, null, 2));
    procs.push(startProc('kube-proxy', bins.kubeProxy, [`--config=${proxyConfigFile}`, '--v=1'], logsDir, proxyConfigFile));

    procs.push(
      startProc(
        'kube-controller-manager',
        bins.kubeControllerManager,
        [
          `--kubeconfig=${kubeconfig}`,
          `--authentication-kubeconfig=${kubeconfig}`,
          `--authorization-kubeconfig=${kubeconfig}`,
          `--service-account-private-key-file=${cp.saKeyFile}`,
          `--root-ca-file=${cp.caFile}`,
          `--cluster-cidr=${POD_CIDR}`,
          `--service-cluster-ip-range=${SERVICE_CIDR}`,
          '--allocate-node-cidrs=false',
          '--leader-elect=false',
          '--use-service-account-credentials=false',
          '--secure-port=0',
          '--controllers=*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-route',
          '--node-monitor-grace-period=40s',
          '--v=1',
        ],
        logsDir,
        cp.saKeyFile,
      ),
    );
    procs.push(
      startProc(
        'kube-scheduler',
        bins.kubeScheduler,
        [`--kubeconfig=${kubeconfig}`, `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`, '--leader-elect=false', '--secure-port=0', '--v=1'],
        logsDir,
        kubeconfig,
      ),
    );

    await waitUntil(`node ${NODE_NAME} Ready`, 120_000, async () => {
      for (const p of procs) assertRunning(p);
      const res = await kubeRequest(cp!, 'GET', `/api/v1/nodes/${NODE_NAME}`);
      if (res.status !== 200) return false;
      const conditions = (res.json().status?.conditions ?? []) as { type: string; status: string }[];
      return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
    });
    mark('nodeReady');

    // --- add-ons: CoreDNS, local-path-provisioner + the default StorageClass -----------------------------------------
    const kubectl = makeKubectl(bins.kubectl, cp.kubeconfigPath);
    await kubectl(['apply', '--server-side', '--field-manager=kafkaplane-test-node', '-f', '-'], { input: addons(refs, path.join(NODE_DIR, 'local-path')) });
    await waitUntil(
      'CoreDNS and local-path-provisioner Ready',
      120_000,
      async () => {
        for (const p of procs) assertRunning(p);
        const res = await kubectl(['get', 'deploy', '-n', 'kube-system', '-o', 'json'], { allowFail: true });
        if (res.code !== 0) return false;
        const items = JSON.parse(res.stdout).items as { metadata: { name: string }; status: { readyReplicas?: number } }[];
        return ['coredns', 'local-path-provisioner'].every((n) => items.some((d) => d.metadata.name === n && (d.status.readyReplicas ?? 0) >= 1));
      },
      1_000,
    );
    await waitUntil('CoreDNS answering for kubernetes.default', 60_000, async () => (await dnsQuery(DNS_IP, `kubernetes.default.svc.${CLUSTER_DOMAIN}`)) > 0);
    mark('addons');
    timings.total = (Date.now() - t0) / 1000;
    log(
      `one-node Kubernetes ready in ${timings.total.toFixed(1)} s (${Object.entries(timings)
        .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
        .join(', ')})`,
    );

    return {
      kubeconfigPath: cp.kubeconfigPath,
      server: cp.server,
      token: cp.token,
      caFile: cp.caFile,
      kubectlBin: bins.kubectl,
      nodeName: NODE_NAME,
      nodeIP: NODE_IP,
      images: refs,
      logsDir,
      timings,
      kubectl,
      stop,
    };
  } catch (err) {
    const logs = procs.map((p) => `--- ${p.name} (last lines) ---\n${tail(p.logFile, 15)}`).join('\n');
    await stop().catch(() => {});
    throw new Error(`${(err as Error).message}\n${logs}`);
  }
}

export function makeKubectl(bin: string, kubeconfig: string): KubeNode['kubectl'] {
  return (args, options = {}) =>
    new Promise((resolve, reject) => {
      const child = spawn(bin, [`--kubeconfig=${kubeconfig}`, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const errs: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => errs.push(c));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        const result = { code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(errs).toString('utf8') };
        if (result.code !== 0 && !options.allowFail) reject(new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr.trim()}`));
        else resolve(result);
      });
      // A kubectl that exits before reading its stdin (a quick NotFound, a refused connection) closes the pipe: its exit
      // code and stderr say what happened, not an unhandled EPIPE on the write.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input ?? '');
    });
}

/** CoreDNS (cluster DNS at DNS_IP) and local-path-provisioner with the default StorageClass, as one manifest. */
function addons(refs: KubeNodeImages, localPathDir: string): string {
  const corefile = `.:53 {
    errors
    health :8080
    ready :8181
    kubernetes ${CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 5
    }
    cache 5
}
`;
  const objects: Record<string, unknown>[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'coredns', namespace: 'kube-system' } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'system:coredns' },
      rules: [
        { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'system:coredns' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:coredns' },
      subjects: [{ kind: 'ServiceAccount', name: 'coredns', namespace: 'kube-system' }],
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: 'kube-system' }, data: { Corefile: corefile } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        template: {
          metadata: { labels: { 'k8s-app': 'kube-dns' } },
          spec: {
            serviceAccountName: 'coredns',
            priorityClassName: 'system-cluster-critical',
            dnsPolicy: 'Default',
            containers: [
              {
                name: 'coredns',
                image: refs.coredns,
                imagePullPolicy: 'Never',
                args: ['-conf', '/etc/coredns/Corefile'],
                ports: [
                  { name: 'dns', containerPort: 53, protocol: 'UDP' },
                  { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                ],
                readinessProbe: { httpGet: { path: '/ready', port: 8181 }, periodSeconds: 2 },
                livenessProbe: { httpGet: { path: '/health', port: 8080 }, periodSeconds: 10, failureThreshold: 5 },
                resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '170Mi' } },
                volumeMounts: [{ name: 'config', mountPath: '/etc/coredns', readOnly: true }],
              },
            ],
            volumes: [{ name: 'config', configMap: { name: 'coredns' } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      spec: {
        selector: { 'k8s-app': 'kube-dns' },
        clusterIP: DNS_IP,
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        ],
      },
    },
    // local-path-provisioner, as its deploy/local-path-storage.yaml (in kube-system), with kind's StorageClass name.
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'local-path-provisioner', namespace: 'kube-system' } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'local-path-provisioner' },
      rules: [
        { apiGroups: [''], resources: ['nodes', 'persistentvolumeclaims', 'configmaps', 'pods', 'pods/log'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['persistentvolumes'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
        { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'local-path-provisioner' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'local-path-provisioner' },
      subjects: [{ kind: 'ServiceAccount', name: 'local-path-provisioner', namespace: 'kube-system' }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'local-path-provisioner', namespace: 'kube-system' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'local-path-provisioner', namespace: 'kube-system' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'local-path-provisioner' },
      subjects: [{ kind: 'ServiceAccount', name: 'local-path-provisioner', namespace: 'kube-system' }],
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'local-path-config', namespace: 'kube-system' },
      data: {
        'config.json': JSON.stringify({ nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: [localPathDir] }] }),
        setup: '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"\n',
        teardown: '#!/bin/sh\nset -eu\nrm -rf "$VOL_DIR"\n',
        'helperPod.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: helper-pod
spec:
  priorityClassName: system-node-critical
  tolerations:
    - key: node.kubernetes.io/disk-pressure
      operator: Exists
      effect: NoSchedule
  containers:
    - name: helper-pod
      image: ${refs.busybox}
      imagePullPolicy: Never
`,
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'local-path-provisioner', namespace: 'kube-system' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'local-path-provisioner' } },
        template: {
          metadata: { labels: { app: 'local-path-provisioner' } },
          spec: {
            serviceAccountName: 'local-path-provisioner',
            priorityClassName: 'system-node-critical',
            containers: [
              {
                name: 'local-path-provisioner',
                image: refs.localPath,
                imagePullPolicy: 'Never',
                command: [
                  '/usr/bin/local-path-provisioner',
                  '--debug',
                  'start',
                  '--config',
                  '/etc/config/config.json',
                  '--service-account-name',
                  'local-path-provisioner',
                  '--provisioner-name',
                  'rancher.io/local-path',
                  '--helper-image',
                  refs.busybox,
                  '--configmap-name',
                  'local-path-config',
                ],
                env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
                resources: { requests: { cpu: '10m', memory: '32Mi' } },
                volumeMounts: [{ name: 'config', mountPath: '/etc/config/' }],
              },
            ],
            volumes: [{ name: 'config', configMap: { name: 'local-path-config' } }],
          },
        },
      },
    },
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: STORAGE_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'rancher.io/local-path',
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Delete',
    },
  ];
  return objects.map((o) => JSON.stringify(o)).join('\n---\n');
}
