/**
 * A real Kubernetes control plane (etcd + kube-apiserver, no controller-manager, no scheduler,
 * no nodes) for integration tests, in the spirit of controller-runtime's envtest.
 *
 * The binaries are built once by scripts/control-plane/build.sh and cached outside the repo.
 * Everything listens on 127.0.0.1 only, on free ports, in a fresh temp dir that stop() deletes.
 *
 * TLS: the kubeconfig and the helpers verify the apiserver's self-signed serving certificate
 * (cert-dir/apiserver.crt, which holds the leaf and its self-signed CA); no insecure-skip-tls-verify.
 * Auth: a random bearer token for user "kafkaplane-admin" in group system:masters (--token-auth-file).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface ControlPlane {
  /** Path of a kubeconfig (JSON) pointing at this control plane, verifying its CA, with the admin token. */
  kubeconfigPath: string;
  /** https://127.0.0.1:<port> */
  server: string;
  /** Bearer token of an admin (group system:masters). */
  token: string;
  /** PEM file to trust for `server` (the apiserver's self-signed cert + CA). */
  caFile: string;
  /** Kubernetes version of the binaries, e.g. "v1.34.4". */
  version: string;
  /** Path of the kubectl binary built alongside the apiserver. */
  kubectl: string;
  /** The temp dir holding etcd's data, certs, keys and logs (deleted by stop()). */
  dir: string;
  /** The service-account signing key (PKCS#8 PEM), for kube-controller-manager's --service-account-private-key-file. */
  saKeyFile: string;
  /** The admin identity's bearer token file (token,user,uid,"groups" lines). */
  tokenFile: string;
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  log?: (line: string) => void;
  /** Address kube-apiserver listens on and advertises (default 127.0.0.1); the kubeconfig points at it. */
  address?: string;
  /** --service-cluster-ip-range (default 10.0.0.0/24). */
  serviceClusterIpRange?: string;
  /**
   * More kube-apiserver flags, as `--name=value`. A flag named here replaces the default of the same name (so
   * `--disable-admission-plugins=` turns the ServiceAccount admission plugin back on, as a node with pods needs).
   */
  apiserverArgs?: string[];
}

export interface ControlPlaneBinaries {
  etcd: string;
  kubeApiserver: string;
  kubectl: string;
  version: string;
}

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const BUILD_SCRIPT = path.join(REPO_ROOT, 'scripts', 'control-plane', 'build.sh');
const BUILD_HINT = 'run scripts/control-plane/build.sh (cold build ~16 min on 2 cores, then cached outside the repo)';

const READY_TIMEOUT_MS = 90_000;
const ETCD_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const LOG_TAIL_LINES = 30;

/**
 * Paths of the cached binaries. The version and cache dir come from build.sh itself
 * (`--print-version`, `--print-bin-dir`), so KAFKAPLANE_K8S_VERSION / KAFKAPLANE_CACHE /
 * XDG_CACHE_HOME are honoured the same way. Throws when a binary is missing.
 */
export function controlPlaneBinaries(): ControlPlaneBinaries {
  let binDir: string;
  let version: string;
  try {
    binDir = execFileSync('bash', [BUILD_SCRIPT, '--print-bin-dir'], { encoding: 'utf8' }).trim();
    version = execFileSync('bash', [BUILD_SCRIPT, '--print-version'], { encoding: 'utf8' }).trim();
  } catch (err) {
    throw new Error(`cannot ask ${BUILD_SCRIPT} where the control-plane binaries are: ${(err as Error).message}`);
  }
  const bins: ControlPlaneBinaries = {
    etcd: path.join(binDir, 'etcd'),
    kubeApiserver: path.join(binDir, 'kube-apiserver'),
    kubectl: path.join(binDir, 'kubectl'),
    version,
  };
  const missing = [bins.etcd, bins.kubeApiserver, bins.kubectl].filter((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new Error(`Kubernetes control-plane binaries ${version} are missing (${missing.map((f) => path.basename(f)).join(', ')} ` + `not found in ${binDir}). To build them, ${BUILD_HINT}.`);
  }
  return bins;
}

/** Ports the OS says are free on 127.0.0.1 (all held open together so they are distinct). */
async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => resolve());
      });
      ports.push((server.address() as net.AddressInfo).port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function logTail(file: string, lines = LOG_TAIL_LINES): string {
  try {
    const all = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    return all.slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

interface Managed {
  name: string;
  child: ChildProcess;
  exited: Promise<void>;
  hasExited: () => boolean;
  logFile: string;
}

function startProcess(name: string, bin: string, args: string[], logFile: string): Managed {
  const fd = fs.openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(bin, args, { stdio: ['ignore', fd, fd] });
  } finally {
    fs.closeSync(fd);
  }
  let done = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      done = true;
      resolve();
    });
    child.once('error', (err) => {
      fs.appendFileSync(logFile, `\n[control-plane] failed to start ${bin}: ${err.message}\n`);
      done = true;
      resolve();
    });
  });
  return { name, child, exited, hasExited: () => done, logFile };
}

async function stopProcess(p: Managed): Promise<void> {
  if (p.hasExited()) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (!p.hasExited()) p.child.kill('SIGKILL');
  }, STOP_GRACE_MS);
  try {
    await p.exited;
  } finally {
    clearTimeout(timer);
  }
}

// --- orphan protection ----------------------------------------------------------------------

interface LiveControlPlane {
  pids: () => number[];
  dir: string;
}
const live = new Set<LiveControlPlane>();

function killLiveSync(): void {
  for (const cp of live) {
    for (const pid of cp.pids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    try {
      fs.rmSync(cp.dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
  live.clear();
}

const FATAL_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
function onFatalSignal(signal: NodeJS.Signals): void {
  killLiveSync();
  uninstallHandlers();
  // If nobody else handles this signal, die of it as we would have without our handler.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
let handlersInstalled = false;
function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killLiveSync);
  for (const s of FATAL_SIGNALS) process.on(s, onFatalSignal);
}
function uninstallHandlers(): void {
  if (!handlersInstalled) return;
  handlersInstalled = false;
  process.off('exit', killLiveSync);
  for (const s of FATAL_SIGNALS) process.off(s, onFatalSignal);
}

/**
 * A detached shell that SIGKILLs the control plane once this Node process is gone, even if it
 * died of SIGKILL (when no 'exit' handler runs). stop() kills the watchdog first.
 */
function startWatchdog(pids: number[], dir: string): ChildProcess {
  const script = 'parent=$1; shift; dir=$1; shift; ' + 'while kill -0 "$parent" 2>/dev/null; do sleep 1; done; ' + 'kill -9 "$@" 2>/dev/null; rm -rf "$dir"';
  const watchdog = spawn('/bin/sh', ['-c', script, 'kafkaplane-cp-watchdog', String(process.pid), dir, ...pids.map(String)], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
  return watchdog;
}

// --- HTTP -----------------------------------------------------------------------------------

interface HttpResult {
  status: number;
  body: string;
}

function httpGet(url: string, options: { ca?: Buffer; token?: string; timeoutMs?: number } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(u, { method: 'GET', headers, ...(options.ca ? { ca: options.ca } : {}), agent: false, timeout: options.timeoutMs ?? 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout GET ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

// --- start ------------------------------------------------------------------------------------

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const log = options.log ?? (() => {});
  const bins = controlPlaneBinaries();
  const started = Date.now();

  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kafkaplane-cp-'));
  const etcdDir = path.join(dir, 'etcd');
  const certDir = path.join(dir, 'certs');
  await fsp.mkdir(certDir, { recursive: true, mode: 0o700 });

  const [etcdClientPort, etcdPeerPort, apiPort] = (await freePorts(3)) as [number, number, number];
  const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
  const etcdPeerUrl = `http://127.0.0.1:${etcdPeerPort}`;
  const address = options.address ?? '127.0.0.1';
  const server = `https://${address}:${apiPort}`;

  const token = randomBytes(32).toString('hex');
  const tokenFile = path.join(dir, 'tokens.csv');
  await fsp.writeFile(tokenFile, `${token},kafkaplane-admin,kafkaplane-admin,"system:masters"\n`, { mode: 0o600 });

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const saKeyFile = path.join(dir, 'sa.key');
  const saPubFile = path.join(dir, 'sa.pub');
  await fsp.writeFile(saKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await fsp.writeFile(saPubFile, publicKey.export({ type: 'spki', format: 'pem' }));

  const procs: Managed[] = [];
  let watchdog: ChildProcess | undefined;
  const entry: LiveControlPlane = {
    pids: () => [...procs.map((p) => p.child.pid), watchdog?.pid].filter((pid): pid is number => pid !== undefined),
    dir,
  };
  live.add(entry);
  installHandlers();

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (watchdog?.pid !== undefined) {
        try {
          process.kill(watchdog.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      // apiserver first, so it does not log etcd connection errors while shutting down
      for (const p of [...procs].reverse()) await stopProcess(p);
      live.delete(entry);
      if (live.size === 0) uninstallHandlers();
      await fsp.rm(dir, { recursive: true, force: true });
      log(`control plane stopped, ${dir} removed`);
    })();
    return stopped;
  };

  try {
    // etcd
    const etcd = startProcess(
      'etcd',
      bins.etcd,
      [
        '--name=kafkaplane',
        `--data-dir=${etcdDir}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${etcdPeerUrl}`,
        `--initial-advertise-peer-urls=${etcdPeerUrl}`,
        `--initial-cluster=kafkaplane=${etcdPeerUrl}`,
        '--unsafe-no-fsync=true',
        '--log-level=warn',
      ],
      path.join(dir, 'etcd.log'),
    );
    procs.push(etcd);
    log(`etcd starting on ${etcdUrl} (pid ${etcd.child.pid})`);
    await waitFor('etcd', etcd, ETCD_TIMEOUT_MS, async () => {
      const res = await httpGet(`${etcdUrl}/health`, { timeoutMs: 2_000 });
      return res.status === 200 && /"health":\s*"true"/.test(res.body);
    });

    // kube-apiserver
    const api = startProcess(
      'kube-apiserver',
      bins.kubeApiserver,
      mergeFlags(
        [
          `--etcd-servers=${etcdUrl}`,
          `--cert-dir=${certDir}`,
          `--secure-port=${apiPort}`,
          `--bind-address=${address}`,
          `--advertise-address=${address}`,
          `--service-cluster-ip-range=${options.serviceClusterIpRange ?? '10.0.0.0/24'}`,
          '--authorization-mode=RBAC',
          '--allow-privileged=true',
          '--disable-admission-plugins=ServiceAccount',
          '--service-account-issuer=https://kubernetes.default.svc',
          `--service-account-key-file=${saPubFile}`,
          `--service-account-signing-key-file=${saKeyFile}`,
          `--token-auth-file=${tokenFile}`,
        ],
        options.apiserverArgs ?? [],
      ),
      path.join(dir, 'kube-apiserver.log'),
    );
    procs.push(api);
    watchdog = startWatchdog(entry.pids(), dir);
    log(`kube-apiserver ${bins.version} starting on ${server} (pid ${api.child.pid})`);

    const caFile = path.join(certDir, 'apiserver.crt');
    let ca: Buffer | undefined;
    const deadline = started + READY_TIMEOUT_MS;
    await waitFor('kube-apiserver /readyz', api, deadline - Date.now(), async () => {
      ca ??= fs.existsSync(caFile) ? fs.readFileSync(caFile) : undefined;
      if (!ca) return false;
      const res = await httpGet(`${server}/readyz`, { ca, token });
      return res.status === 200;
    });
    await waitFor('namespace "default"', api, deadline - Date.now(), async () => {
      const res = await httpGet(`${server}/api/v1/namespaces/default`, { ca: ca!, token });
      return res.status === 200;
    });

    const kubeconfigPath = path.join(dir, 'kubeconfig');
    const kubeconfig = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'kafkaplane-test', cluster: { server, 'certificate-authority-data': ca!.toString('base64') } }],
      users: [{ name: 'kafkaplane-admin', user: { token } }],
      contexts: [{ name: 'kafkaplane-test', context: { cluster: 'kafkaplane-test', user: 'kafkaplane-admin', namespace: 'default' } }],
      'current-context': 'kafkaplane-test',
      preferences: {},
    };
    await fsp.writeFile(kubeconfigPath, JSON.stringify(kubeconfig, null, 2) + '\n', { mode: 0o600 });
    log(`control plane ready in ${((Date.now() - started) / 1000).toFixed(1)} s; kubeconfig ${kubeconfigPath}`);

    return { kubeconfigPath, server, token, caFile, version: bins.version, kubectl: bins.kubectl, dir, saKeyFile, tokenFile, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** `defaults` with every flag named in `overrides` replaced by the override (new names are appended). */
function mergeFlags(defaults: string[], overrides: string[]): string[] {
  const name = (flag: string) => flag.split('=', 1)[0];
  const overridden = new Set(overrides.map(name));
  return [...defaults.filter((f) => !overridden.has(name(f))), ...overrides];
}

/** Polls `check` every 250 ms until it returns true; fails early if `proc` exits, or after `timeoutMs`. */
async function waitFor(what: string, proc: Managed, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + Math.max(timeoutMs, 0);
  let lastError = '';
  for (;;) {
    if (proc.hasExited()) {
      throw new Error(
        `${proc.name} exited (code ${proc.child.exitCode}, signal ${proc.child.signalCode}) while waiting for ${what}. ` +
          `Last ${LOG_TAIL_LINES} lines of ${path.basename(proc.logFile)}:\n${logTail(proc.logFile)}`,
      );
    }
    try {
      if (await check()) return;
      lastError = '';
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}` +
          (lastError ? ` (last error: ${lastError})` : '') +
          `. Last ${LOG_TAIL_LINES} lines of ${path.basename(proc.logFile)}:\n${logTail(proc.logFile)}`,
      );
    }
    await sleep(250);
  }
}
