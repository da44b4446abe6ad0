import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Hint, action, hint } from '../../errors.ts';
import { brokerProperties } from '../../model/broker-properties.ts';
import { changedProperties } from '../../model/local-rules.ts';
import { formatProperties, parseProperties } from '../../model/properties-format.ts';
import type { Distribution } from '../distribution.ts';
import type { LocalCluster } from '../local-cluster.ts';
import { loggingConfig, toolLoggingConfig } from '../logging.ts';

/**
 * Step 3 of `up`: every node's server.properties and logging config, and the tools' logging config. A node that is
 * already running keeps the configuration it started with: the returned warnings name what a restart would change.
 * Returns the tools' logging JVM flag for the storage tool.
 */
export async function writeConfigs(local: LocalCluster, distribution: Distribution, running: ReadonlySet<number>): Promise<{ toolLoggingFlag: string; warnings: Hint[] }> {
  const { layout, model, placement, state } = local;
  const warnings: Hint[] = [];
  const toolLogging = toolLoggingConfig(distribution.logging);
  const toolLoggingFile = join(layout.dir, toolLogging.fileName);
  await writeFile(toolLoggingFile, toolLogging.text);
  for (const node of model.nodes) {
    await mkdir(layout.dataDir(node.id), { recursive: true });
    const props = brokerProperties(model, node, placement);
    if (running.has(node.id) && existsSync(layout.propertiesFile(node.id))) {
      const changed = changedProperties(parseProperties(await readFile(layout.propertiesFile(node.id), 'utf8')), props);
      if (changed.length > 0)
        warnings.push(
          hint`node ${node.id} is running with its previous configuration (${changed.join(', ')} changed in the spec); restart the cluster to apply it: ${action('down')} && ${action('up')}`,
        );
    }
    // Owner-only: a secured cluster's properties carry the internal listeners' JAAS passwords (and keystore ones).
    const file = layout.propertiesFile(node.id);
    await writeFile(file, formatProperties(props, `node ${node.id} of cluster ${state.name}: written by kafkaplane from the spec on every up; edits here are overwritten`), { mode: 0o600 });
    await chmod(file, 0o600);
    const nodeLogging = loggingConfig(distribution.logging, layout.logFile(node.id));
    await mkdir(join(layout.nodeDir(node.id), 'logs'), { recursive: true });
    await writeFile(join(layout.nodeDir(node.id), nodeLogging.fileName), nodeLogging.text);
  }
  return { toolLoggingFlag: `${toolLogging.jvmFlag}${toolLoggingFile}`, warnings };
}
