// `kafkaplane connect-info`: how a client connects to one listener — from the spec (Kubernetes addresses, named as
// `kafkaplane render` names the Services) or from the running local cluster — in the formats people paste.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KafkaplaneError } from '../../errors.ts';
import { CLIENT_CONFIG_FORMATS, type ClientConfigFormat, type ClientTarget, renderClientConfigs } from '../../ops/client-config.ts';
import type { Listener } from '../../api/kafka-cluster.ts';
import type { SpecFile } from '../../api/load.ts';

export interface ConnectInfoFlags {
  file?: string;
  cluster?: string;
  listener?: string;
  user?: string;
  format?: string;
  local?: boolean;
  stateDir?: string;
  namespace?: string;
  revealPassword?: boolean;
}

function pickListener(listeners: readonly Listener[], name: string | undefined, cluster: string): Listener {
  if (name === undefined) return listeners[0]!;
  const found = listeners.find((l) => l.name === name);
  if (!found) throw new KafkaplaneError('UNKNOWN_LISTENER', `cluster "${cluster}" has no listener "${name}" (it has: ${listeners.map((l) => l.name).join(', ')})`);
  return found;
}

/** The user a SASL listener needs: --user, else the only KafkaUser with credentials in the spec. */
function pickUser(spec: SpecFile | undefined, cluster: string, name: string | undefined, notes: string[]) {
  const users = (spec?.users ?? []).filter((u) => (u.cluster === undefined || u.cluster === cluster) && u.user.spec.authentication).map((u) => u.user);
  if (name !== undefined) {
    const found = users.find((u) => u.metadata.name === name);
    if (!found && spec) notes.push(`user "${name}" has no KafkaUser with authentication in the spec; make sure its SCRAM credentials exist`);
    return { name, user: found };
  }
  if (users.length === 1) return { name: users[0]!.metadata.name, user: users[0] };
  notes.push(
    users.length === 0
      ? 'the listener needs a SCRAM user: pass --user (and create its credentials with a KafkaUser)'
      : `several users can log in (${users.map((u) => u.metadata.name).join(', ')}): pass --user to pick one`,
  );
  return { name: undefined, user: undefined };
}

async function kubernetesTarget(flags: ConnectInfoFlags): Promise<ClientTarget> {
  const [{ readSpecFile }, { selectCluster }, { kubernetesNames }, { kubernetesSettings }, { planExternalListeners }, { securityProtocol }] = await Promise.all([
    import('../spec-file.ts'),
    import('../../api/select-cluster.ts'),
    import('../../model/kubernetes-names.ts'),
    import('../../api/kubernetes.ts'),
    import('../../model/placement-kubernetes.ts'),
    import('../../model/listeners.ts'),
  ]);
  const spec = await readSpecFile(flags.file!);
  const cluster = selectCluster(spec, flags.cluster, flags.file!);
  const listener = pickListener(cluster.spec.listeners, flags.listener, cluster.metadata.name);
  const names = kubernetesNames(cluster, kubernetesSettings(cluster.spec), flags.namespace);
  const notes: string[] = [];
  let bootstrap: string;
  if (listener.type === 'internal') {
    bootstrap = `${names.bootstrapAddress}:${listener.port}`;
    notes.push(`${names.bootstrapAddress} resolves inside the Kubernetes cluster only; clients elsewhere need a nodeport or loadbalancer listener`);
  } else {
    const plan = planExternalListeners(cluster, { requireHosts: false }).plans.find((p) => p.listener.name === listener.name)!;
    const brokers = [...plan.brokers.values()];
    if (brokers.every((b) => b.host !== undefined)) bootstrap = brokers.map((b) => `${b.host}:${b.port}`).join(',');
    else if (plan.type === 'nodeport' && plan.bootstrap.nodePort !== undefined) {
      bootstrap = `<node-ip>:${plan.bootstrap.nodePort}`;
      notes.push("replace <node-ip> with the address of any Kubernetes node (kubectl get nodes -o wide); brokers advertise their own node's IP on their node port");
    } else {
      bootstrap = `<${listener.name}-bootstrap-address>:${listener.port}`;
      notes.push(`use the address of the ${names.externalBootstrapService(listener.name)} Service (kubectl -n ${names.namespace} get svc ${names.externalBootstrapService(listener.name)})`);
    }
  }
  const authenticates = listener.authentication !== 'none';
  const user = authenticates ? pickUser(spec, cluster.metadata.name, flags.user, notes) : { name: undefined, user: undefined };
  const ref = user.user?.spec.authentication?.password?.valueFrom.secretKeyRef;
  if (authenticates && user.name !== undefined && !ref) notes.push(`KafkaUser "${user.name}" names no password Secret (spec.authentication.password.valueFrom.secretKeyRef); put its password in one`);
  if (listener.tls) notes.push("mount the CA that signed the brokers' certificates at the CA path shown (a PEM file)");
  return {
    cluster: cluster.metadata.name,
    namespace: names.namespace,
    listener: listener.name,
    where: 'kubernetes',
    bootstrap,
    securityProtocol: securityProtocol(listener.tls, listener.authentication),
    saslMechanism: authenticates ? 'SCRAM-SHA-512' : undefined,
    username: user.name,
    password: ref ? { kind: 'secret', name: ref.name, key: ref.key } : { kind: 'unknown' },
    caFile: undefined,
    notes,
  };
}

async function localTarget(flags: ConnectInfoFlags): Promise<ClientTarget> {
  const [{ locate }, { clientBootstraps }, { readSpecFile }] = await Promise.all([import('../../local/locate.ts'), import('../../local/local-cluster.ts'), import('../spec-file.ts')]);
  const spec = flags.file !== undefined ? await readSpecFile(flags.file) : undefined;
  const specCluster = spec && !flags.cluster && spec.clusters.length === 1 ? spec.clusters[0]!.metadata.name : undefined;
  const local = await locate({ ...(flags.cluster ? { cluster: flags.cluster } : {}), ...(flags.stateDir ? { stateDir: flags.stateDir } : {}), ...(specCluster ? { specCluster } : {}) }).catch(
    (error: unknown) => {
      if (error instanceof KafkaplaneError && (error.code === 'NO_CLUSTER_STATE' || error.code === 'AMBIGUOUS_CLUSTER')) {
        throw new KafkaplaneError(error.code, error.message, { exitCode: 2, hint: 'start a local cluster with `kafkaplane up -f cluster.yaml`, or pass -f cluster.yaml for the Kubernetes addresses' });
      }
      throw error;
    },
  );
  const cluster = local.state.cluster;
  const listener = pickListener(cluster.spec.listeners, flags.listener, cluster.metadata.name);
  const endpoints = clientBootstraps(local).find((l) => l.name === listener.name)!;
  const notes: string[] = [];
  const authenticates = listener.authentication !== 'none';
  let user: { name: string | undefined } = { name: undefined };
  if (authenticates) {
    // The users `kafkaplane up` created credentials for: one password file each.
    const { readdir } = await import('node:fs/promises');
    const known = (await readdir(join(local.layout.dir, 'users')).catch(() => [] as string[]))
      .filter((f) => f.endsWith('.password'))
      .map((f) => f.slice(0, -'.password'.length))
      .sort();
    if (flags.user !== undefined) user = { name: flags.user };
    else if (known.length === 1) user = { name: known[0] };
    else
      notes.push(
        known.length === 0
          ? 'the listener needs a SCRAM user: pass --user (users come from KafkaUser documents given to `kafkaplane up`)'
          : `several users can log in (${known.join(', ')}): pass --user to pick one`,
      );
  }
  let password: ClientTarget['password'] = { kind: 'unknown' };
  if (user.name !== undefined) {
    const file = local.layout.userPasswordFile(user.name);
    if (existsSync(file)) password = { kind: 'file', path: file, ...(flags.revealPassword ? { value: (await readFile(file, 'utf8')).trim() } : {}) };
    else notes.push(`no password file for user "${user.name}" (${file}): is it a KafkaUser of this cluster's spec?`);
  }
  if (authenticates && !flags.revealPassword && password.kind === 'file') notes.push(`the password is in ${password.path}; --reveal-password writes it into the output`);
  return {
    cluster: cluster.metadata.name,
    namespace: undefined,
    listener: listener.name,
    where: 'local',
    bootstrap: endpoints.bootstrap,
    securityProtocol: endpoints.securityProtocol as ClientTarget['securityProtocol'],
    saslMechanism: authenticates ? 'SCRAM-SHA-512' : undefined,
    username: user.name,
    password,
    caFile: listener.tls ? (local.tls?.caFile ?? undefined) : undefined,
    notes,
  };
}

export interface ConnectInfoReport {
  target: ClientTarget;
  configs: ReturnType<typeof renderClientConfigs>;
  /** --format: one format only, or all of them. */
  format: ClientConfigFormat | 'all';
}

/** `kafkaplane connect-info`: a listener's client configuration in the formats people paste. */
export async function connectInfo(flags: ConnectInfoFlags): Promise<ConnectInfoReport> {
  const format = (flags.format ?? 'all').toLowerCase();
  if (format !== 'all' && !(CLIENT_CONFIG_FORMATS as readonly string[]).includes(format)) {
    throw new KafkaplaneError('BAD_FORMAT', `--format ${flags.format}: expected all, ${CLIENT_CONFIG_FORMATS.join(', ')}`);
  }
  const target = flags.file !== undefined && !flags.local ? await kubernetesTarget(flags) : await localTarget(flags);
  return { target, configs: renderClientConfigs(target), format: format as ConnectInfoReport['format'] };
}
