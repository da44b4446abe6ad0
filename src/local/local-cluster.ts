import { join } from 'node:path';
import { KafkaplaneError, action, hint } from '../errors.ts';
import type { ConnectionConfig } from '../kafka/client.ts';
import { type ClusterModel, clusterModel } from '../model/broker-properties.ts';
import { INTERNAL_USER, usesSasl, usesTls } from '../model/listeners.ts';
import { withPortIndexes } from '../model/local-rules.ts';
import type { LocalState } from '../model/local-state.ts';
import { type Placement, localPlacement } from '../model/placement.ts';
import { readSecret } from './secrets.ts';
import type { StateLayout } from './state.ts';
import { type LocalTls, readLocalTls } from './tls.ts';

/** The local runtime for one cluster: its state directory plus the model computed from its stored state. */
export interface LocalCluster {
  layout: StateLayout;
  state: LocalState;
  model: ClusterModel;
  placement: Placement;
  tls: LocalTls | undefined;
  /** `up`'s heap override: every node's heap, whatever the spec says. */
  heap: string | undefined;
  /** A secured cluster's internal listeners' password (layout.internalPasswordFile). */
  internalPassword: string | undefined;
}

export function localCluster(layout: StateLayout, state: LocalState, options: { heap?: string | undefined; tls?: LocalTls | undefined; internalPassword?: string | undefined } = {}): LocalCluster {
  const { heap, tls, internalPassword } = options;
  const model = withPortIndexes(clusterModel(state.cluster, { quorumMode: state.quorumMode }), state.nodes);
  const placement = localPlacement({
    portBase: state.portBase,
    dataDir: (node) => layout.dataDir(node.id),
    ...(tls ? { tls: () => tls.material } : {}),
    ...(internalPassword !== undefined ? { internalPassword } : {}),
  });
  return { layout, state, model, placement, tls, heap, internalPassword };
}

/** A stored cluster with the secrets it keeps beside its data, read only (nothing is created). */
export async function openLocalCluster(layout: StateLayout, state: LocalState): Promise<LocalCluster> {
  return localCluster(layout, state, { tls: await readLocalTls(join(layout.dir, 'tls')), internalPassword: await readSecret(layout.internalPasswordFile) });
}

/** The internal listeners' login (SASL/PLAIN as INTERNAL_USER) when the cluster is secured. */
export function internalSasl(local: LocalCluster): { mechanism: 'PLAIN'; username: string; password: string } | undefined {
  if (!usesSasl(local.model.listeners.replication.securityProtocol)) return undefined;
  if (local.internalPassword === undefined) {
    throw new KafkaplaneError('NO_INTERNAL_PASSWORD', `cluster "${local.state.name}" authenticates its internal listeners, but ${local.layout.internalPasswordFile} is missing`, {
      hint: hint`run \`${action('up')}\` once to create it (the nodes must be restarted to take a new one)`,
    });
  }
  return { mechanism: 'PLAIN', username: INTERNAL_USER, password: local.internalPassword };
}

/** Everything kafkaplane presents on the cluster's own listeners: the SASL login, and a client certificate with spec.internalTls. */
export function internalLogin(local: LocalCluster): Pick<ConnectionConfig, 'sasl' | 'tls'> {
  const sasl = internalSasl(local);
  const login: Pick<ConnectionConfig, 'sasl' | 'tls'> = sasl ? { sasl } : {};
  if (!usesTls(local.model.listeners.replication.securityProtocol)) return login;
  if (local.tls === undefined) {
    throw new KafkaplaneError(
      'TLS_SETUP_FAILED',
      `cluster "${local.state.name}" encrypts its internal listeners (spec.internalTls), but its TLS material in ${join(local.layout.dir, 'tls')} is missing`,
      {
        hint: hint`run \`${action('up')}\` once to create it`,
      },
    );
  }
  return { ...login, tls: local.tls.client };
}

export interface ClientBootstrap {
  name: string;
  securityProtocol: string;
  bootstrap: string;
}

/** Listener endpoints a client uses, per client listener, e.g. PLAIN → 127.0.0.1:9092,127.0.0.1:9093,… */
export function clientBootstraps(local: LocalCluster): ClientBootstrap[] {
  const brokerNodes = local.model.nodes.filter((n) => n.broker);
  return local.model.listeners.client.map((l) => ({
    name: l.spec!.name,
    securityProtocol: l.securityProtocol,
    bootstrap: brokerNodes
      .map((n) => {
        const e = local.placement.advertisedEndpoint(n, l);
        return `${e.host}:${e.port}`;
      })
      .join(','),
  }));
}

/** kafkaplane's own way in: the REPLICATION listener (loopback only, the cluster's super user). */
export function adminConnection(local: LocalCluster, timeoutMs = 10_000): ConnectionConfig {
  return { clientId: 'kafkaplane-local', timeoutMs, ...internalLogin(local), bootstrap: local.model.nodes.filter((n) => n.broker).map((n) => replicationAddress(local, n)) };
}

/** One node's REPLICATION listener address. */
export function replicationAddress(local: LocalCluster, node: ClusterModel['nodes'][number]): string {
  const e = local.placement.internalEndpoint(node, local.model.listeners.replication);
  return `${e.host}:${e.port}`;
}
