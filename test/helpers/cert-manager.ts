/**
 * cert-manager for tests, from the Go module proxy (scripts/cert-manager/build.sh, cached outside the repository):
 * its own CRDs (deploy/crds of github.com/cert-manager/cert-manager) and, for real-node tests, its controllers
 * (SelfSigned and CA issuers, Certificates) built from that module, run out of cluster with the node's kubeconfig.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../scripts/cert-manager/build.sh', import.meta.url));
/** The cert-manager.io CRDs render's objects need (the acme.cert-manager.io ones are left out). */
const CRD_FILES = ['cert-manager.io_certificaterequests.yaml', 'cert-manager.io_certificates.yaml', 'cert-manager.io_clusterissuers.yaml', 'cert-manager.io_issuers.yaml'];

async function build(args: string[]): Promise<string> {
  await run('bash', [SCRIPT, ...args], { timeout: 1_200_000, maxBuffer: 16 * 1024 * 1024 });
  return (await run('bash', [SCRIPT, '--print-dir'])).stdout.trim();
}

/** cert-manager's CRDs (fetched once from the Go module proxy). */
export async function certManagerCrds(): Promise<Record<string, any>[]> {
  const dir = join(await build(['--crds-only']), 'crds');
  return CRD_FILES.map((f) => parse(readFileSync(join(dir, f), 'utf8')));
}

export interface CertManager {
  stop(): Promise<void>;
}

/** Builds (once, cached) and starts cert-manager's controllers against the cluster of `kubeconfig`. */
export async function startCertManager(kubeconfig: string, logFile: string): Promise<CertManager> {
  const dir = await build([]);
  const bins = readdirSync(join(dir, 'bin')).filter((f) => f.startsWith('cert-manager-controller-'));
  const hash = (
    await run('bash', ['-c', `cat ${JSON.stringify(fileURLToPath(new URL('../../scripts/cert-manager/main.go', import.meta.url)))} ${JSON.stringify(SCRIPT)} | sha256sum | cut -c1-12`])
  ).stdout.trim();
  const bin = bins.find((b) => b.endsWith(hash));
  if (!bin) throw new Error(`no cert-manager controller built for ${hash} in ${dir}/bin (${bins.join(', ')})`);
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(join(dir, 'bin', bin), ['--kubeconfig', kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      log.end();
    },
  };
}
