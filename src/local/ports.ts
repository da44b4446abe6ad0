import { readFile } from 'node:fs/promises';
import { KafkaplaneError, action, hint, setting } from '../errors.ts';
import { type ClusterModel, nodeListeners } from '../model/broker-properties.ts';
import type { ClusterNode } from '../model/nodes.ts';
import { localMetricsPort, localPlacement } from '../model/placement.ts';
import type { LocalCluster } from './local-cluster.ts';
import { portHolder, portIsFree } from './processes.ts';

/** Fails, naming every taken port with its node, listener and holder, unless all ports of `nodes` are free. */
export async function checkPorts(local: LocalCluster, nodes: readonly ClusterNode[]): Promise<void> {
  const busy: string[] = [];
  for (const node of nodes) {
    for (const listener of nodeListeners(local.model, node)) {
      const port = local.placement.port(node, listener);
      if (!(await portIsFree(port))) {
        const holder = await portHolder(port);
        busy.push(`port ${port} (node ${node.id}, listener ${listener.name}) is in use${holder ? ` by pid ${holder.pid} (${holder.command})` : ''}`);
      }
    }
    const metrics = local.state.monitoring ? localMetricsPort(local.state.portBase, node) : undefined;
    if (metrics !== undefined && !(await portIsFree(metrics))) {
      const holder = await portHolder(metrics);
      busy.push(`port ${metrics} (node ${node.id}, metrics agent) is in use${holder ? ` by pid ${holder.pid} (${holder.command})` : ''}`);
    }
  }
  if (busy.length > 0) {
    throw new KafkaplaneError('PORT_IN_USE', `cannot start cluster "${local.state.name}":\n${busy.map((b) => `  - ${b}`).join('\n')}`, {
      hint: local.state.nodes.some((n) => n.formatted)
        ? hint`stop the process holding the port (another kafkaplane cluster? see ${action('statusAll')})`
        : hint`stop the process holding the port, or pick another port range with ${setting('portBase')} (e.g. ${setting('portBase', '19092')})`,
    });
  }
}

/**
 * Linux hands out source ports of outgoing connections from net.ipv4.ip_local_port_range (32768-60999 by default):
 * a listener port in that range can be taken by any client socket before its node binds it, and the node dies.
 */
export async function ephemeralPortsWarning(model: ClusterModel, portBase: number): Promise<string | undefined> {
  let range: [number, number];
  try {
    const [lo, hi] = (await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).trim().split(/\s+/).map(Number);
    if (lo === undefined || hi === undefined || Number.isNaN(lo) || Number.isNaN(hi)) return undefined;
    range = [lo, hi];
  } catch {
    return undefined; // not Linux
  }
  const placement = localPlacement({ portBase, dataDir: () => '' });
  const ports = model.nodes.flatMap((n) => nodeListeners(model, n).map((l) => placement.port(n, l)));
  const inside = ports.filter((p) => p >= range[0] && p <= range[1]).sort((a, b) => a - b);
  if (inside.length === 0) return undefined;
  return `ports ${inside[0]}-${inside.at(-1)} of the port plan lie in this machine's ephemeral port range (${range[0]}-${range[1]}), where outgoing connections take their source ports; one taken before its node binds it stops that node. Prefer a port base below ${range[0]} for a new cluster (e.g. 19092)`;
}
