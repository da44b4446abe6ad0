import type { ClusterNode } from '../../model/nodes.ts';
import { formatArguments, voters } from '../../model/quorum.ts';
import type { Distribution } from '../distribution.ts';
import type { Emit } from '../events.ts';
import type { LocalCluster } from '../local-cluster.ts';
import { writeState } from '../state.ts';
import { checkMetaProperties, readMetaProperties, runStorageTool } from '../storage.ts';

/**
 * Step 4 of `up`: format the storage of nodes that have none (kafka.tools.StorageTool, all at once), after checking
 * that existing storage belongs to this cluster and node. Records in the state which nodes are formatted.
 */
export async function formatStorage(local: LocalCluster, java: string, distribution: Distribution, toolLoggingFlag: string, emit: Emit): Promise<void> {
  const { layout, model, placement, state } = local;
  const toFormat: ClusterNode[] = [];
  for (const node of model.nodes) {
    const meta = await readMetaProperties(layout.dataDir(node.id));
    if (meta) checkMetaProperties(meta, { clusterId: state.identity.clusterId, nodeId: node.id, logDir: layout.dataDir(node.id), stateFile: layout.stateFile });
    else toFormat.push(node);
  }
  if (toFormat.length === 0) return;
  emit({ type: 'step', message: `formatting storage of node${toFormat.length > 1 ? 's' : ''} ${toFormat.map((n) => n.id).join(', ')} (cluster id ${state.identity.clusterId})` });
  const quorum = voters(
    model.nodes.filter((n) => n.controller),
    model.listeners.controller,
    placement,
  );
  await Promise.all(
    toFormat.map((node) =>
      runStorageTool({
        java,
        classpath: distribution.classpath,
        loggingFlag: toolLoggingFlag,
        cwd: layout.nodeDir(node.id),
        args: formatArguments({ mode: model.quorumMode, identity: state.identity, node, quorum, propertiesFile: layout.propertiesFile(node.id) }),
      }),
    ),
  );
  for (const node of toFormat) state.nodes.find((n) => n.id === node.id)!.formatted = true;
  await writeState(layout, state);
}
