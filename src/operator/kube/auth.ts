// The operator's credentials for the Kubernetes API, without @kubernetes/client-node when it is not needed: loading
// client-node's KubeConfig imports its whole generated API (every model class, every API group) and undici — about
// 75 MiB of a process that only needs a server URL, TLS material and a bearer token. The common cases (a pod's
// ServiceAccount, a kubeconfig with client certificates or a token) are read here; anything else (exec plugins,
// auth-provider, basic auth, impersonation, proxies, several files in $KUBECONFIG) is handed to client-node's
// KubeConfig, loaded only then, so every kubeconfig kubectl accepts still works.
import { existsSync, readFileSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { homedir } from 'node:os';
import path from 'node:path';
import { isIPv6 } from 'node:net';
import { parse } from 'yaml';

/** What KubeClient needs: where the apiserver is and how to authenticate a request to it. */
export interface KubeAuth {
  readonly server: string;
  applyToHTTPSOptions(options: RequestOptions): Promise<void>;
}

export const SERVICEACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** A bearer token read from a file, re-read every minute (bound ServiceAccount tokens rotate), as client-node does. */
class TokenFile {
  #token: string | undefined;
  #readAt = 0;
  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }
  get(): string {
    if (this.#token === undefined || Date.now() - this.#readAt > 60_000) {
      this.#token = readFileSync(this.file, 'utf8').trim();
      this.#readAt = Date.now();
    }
    return this.#token;
  }
}

export class StaticKubeAuth implements KubeAuth {
  readonly server: string;
  readonly #tls: Pick<RequestOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername'>;
  readonly #token: string | TokenFile | undefined;

  constructor(server: string, tls: Pick<RequestOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername'>, token?: string | TokenFile) {
    this.server = server;
    this.#tls = tls;
    this.#token = token;
  }

  async applyToHTTPSOptions(options: RequestOptions): Promise<void> {
    Object.assign(options, this.#tls);
    const token = typeof this.#token === 'string' ? this.#token : this.#token?.get();
    if (token) options.headers = { ...(options.headers as Record<string, string> | undefined), Authorization: `Bearer ${token}` };
  }
}

/** The ServiceAccount of the pod this runs in (KUBERNETES_SERVICE_HOST/PORT and the mounted token and CA). */
export function inClusterAuth(env: NodeJS.ProcessEnv = process.env, dir = SERVICEACCOUNT_DIR): StaticKubeAuth {
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const port = env.KUBERNETES_SERVICE_PORT ?? '';
  const scheme = port === '80' || port === '8080' || port === '8001' ? 'http' : 'https';
  const server = `${scheme}://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  const ca = path.join(dir, 'ca.crt');
  return new StaticKubeAuth(server, existsSync(ca) ? { ca: readFileSync(ca) } : {}, new TokenFile(path.join(dir, 'token')));
}

const CLUSTER_FIELDS = new Set(['server', 'certificate-authority', 'certificate-authority-data', 'insecure-skip-tls-verify', 'tls-server-name', 'extensions']);
const USER_FIELDS = new Set(['client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'token', 'tokenFile', 'extensions']);

type Named<K extends string> = { name?: string } & { [key in K]?: Record<string, unknown> };

/**
 * A kubeconfig file's current context, when it needs nothing but what StaticKubeAuth does; undefined when it needs
 * client-node (exec, auth-provider, basic auth, impersonation, proxy-url). Throws on a file that cannot be read or
 * parsed, or without a current cluster, with client-node's wording.
 */
export function staticKubeconfigAuth(file: string): StaticKubeAuth | undefined {
  const doc = (parse(readFileSync(file, 'utf8')) ?? {}) as {
    'current-context'?: string;
    contexts?: Named<'context'>[];
    clusters?: Named<'cluster'>[];
    users?: Named<'user'>[];
  };
  const context = doc.contexts?.find((c) => c.name === doc['current-context'])?.context;
  const cluster = doc.clusters?.find((c) => c.name === context?.cluster)?.cluster;
  if (!cluster || typeof cluster.server !== 'string') return undefined; // client-node reports it
  const user = doc.users?.find((u) => u.name === context?.user)?.user ?? {};
  if (Object.keys(cluster).some((k) => !CLUSTER_FIELDS.has(k)) || Object.keys(user).some((k) => !USER_FIELDS.has(k))) return undefined;
  const dir = path.dirname(file);
  const material = (fileField: unknown, dataField: unknown): Buffer | undefined => {
    if (typeof fileField === 'string' && fileField !== '') return readFileSync(path.resolve(dir, fileField));
    if (typeof dataField === 'string' && dataField !== '') return Buffer.from(dataField, 'base64');
    return undefined;
  };
  const ca = material(cluster['certificate-authority'], cluster['certificate-authority-data']);
  const cert = material(user['client-certificate'], user['client-certificate-data']);
  const key = material(user['client-key'], user['client-key-data']);
  const tls = {
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(cluster['insecure-skip-tls-verify'] === true ? { rejectUnauthorized: false } : {}),
    ...(typeof cluster['tls-server-name'] === 'string' ? { servername: cluster['tls-server-name'] } : {}),
  };
  const token =
    typeof user.token === 'string' && user.token !== '' ? user.token : typeof user.tokenFile === 'string' && user.tokenFile !== '' ? new TokenFile(path.resolve(dir, user.tokenFile)) : undefined;
  return new StaticKubeAuth(cluster.server, tls, token);
}

/** Where kubectl would look: --kubeconfig, else $KUBECONFIG (several files: undefined), else ~/.kube/config, else in-cluster. */
export function kubeconfigSource(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): { file: string } | { inCluster: true } | undefined {
  if (flag !== undefined) return { file: flag };
  if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(path.delimiter).filter((f) => f !== '');
    return files.length === 1 ? { file: files[0]! } : undefined;
  }
  const home = path.join(homedir(), '.kube', 'config');
  if (existsSync(home)) return { file: home };
  if (existsSync(path.join(SERVICEACCOUNT_DIR, 'token'))) return { inCluster: true };
  return undefined;
}
