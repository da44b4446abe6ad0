import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JMX_EXPORTER_SHA256, JMX_EXPORTER_VERSION } from '../api/kubernetes.ts';
import type { ClusterNode } from '../model/nodes.ts';
import { localMetricsPort, LOCAL_HOST } from '../model/placement.ts';
import { alertRulesFile } from '../render/alerts.ts';
import { DASHBOARDS, grafanaDashboard } from '../render/dashboards.ts';
import { toYaml } from '../render/formats/yaml.ts';
import { JMX_EXPORTER_CONFIG } from '../render/monitoring.ts';
import { resolveArtifact } from './distribution.ts';
import type { LocalCluster } from './local-cluster.ts';

/**
 * `up --monitoring`: every node runs the Prometheus JMX exporter agent — the same pinned jar (by SHA-256, from Maven
 * Central) and the same rules as the pods `render` makes — on its own port, so a laptop's Prometheus can scrape the
 * local cluster exactly as a cluster's is scraped. The state directory gets a file_sd targets file.
 */
export async function metricsAgent(env: NodeJS.ProcessEnv): Promise<string> {
  return resolveArtifact(
    { group: 'io.prometheus.jmx', artifact: 'jmx_prometheus_javaagent', version: JMX_EXPORTER_VERSION, file: `jmx_prometheus_javaagent-${JMX_EXPORTER_VERSION}.jar`, sha256: JMX_EXPORTER_SHA256 },
    env,
  );
}

/** The JVM flag that starts the agent for one node (its rules file is written beside the node's config). */
export async function metricsAgentFlag(local: LocalCluster, node: ClusterNode, jar: string): Promise<string> {
  const rules = join(local.layout.nodeDir(node.id), 'metrics.yaml');
  await writeFile(rules, JMX_EXPORTER_CONFIG);
  return `-javaagent:${jar}=${LOCAL_HOST}:${localMetricsPort(local.state.portBase, node)}:${rules}`;
}

export interface MetricsTarget {
  node: number;
  address: string;
}

export function metricsTargets(local: LocalCluster): MetricsTarget[] {
  return local.state.monitoring ? local.model.nodes.map((n) => ({ node: n.id, address: `${LOCAL_HOST}:${localMetricsPort(local.state.portBase, n)}` })) : [];
}

/**
 * Prometheus file_sd targets (https://prometheus.io/docs/guides/file-sd/), labelled as a cluster's pods are (namespace,
 * kafka_cluster, container, pod), so the alert rules and dashboards kafkaplane renders work on the local cluster too.
 */
export async function writeScrapeTargets(local: LocalCluster): Promise<string | undefined> {
  const targets = metricsTargets(local);
  if (targets.length === 0) return undefined;
  const file = join(local.layout.dir, 'prometheus-targets.json');
  const groups = targets.map((t) => ({ targets: [t.address], labels: { namespace: LOCAL_NAMESPACE, kafka_cluster: local.state.name, container: 'kafka', pod: `node-${t.node}` } }));
  await writeFile(file, `${JSON.stringify(groups, null, 2)}\n`);
  await writeMonitoringFiles(local);
  return file;
}

/** The `namespace` label of a local cluster's series (what the rules and dashboards select on). */
export const LOCAL_NAMESPACE = 'local';

/**
 * Beside the targets: the alert rules (for the local cluster's labels, with kafkaplane's exporter) and the Grafana
 * dashboards, in <state>/monitoring/ — what a laptop Prometheus and Grafana load.
 */
async function writeMonitoringFiles(local: LocalCluster): Promise<void> {
  const dir = join(local.layout.dir, 'monitoring');
  await mkdir(join(dir, 'dashboards'), { recursive: true });
  const rules = alertRulesFile({ namespace: LOCAL_NAMESPACE, cluster: local.state.name, exporter: 'kafkaplane', consumerLagThreshold: 1000, missingPods: { expectedNodes: local.model.nodes.length } });
  await writeFile(join(dir, 'alert-rules.yaml'), toYaml(rules, ` Alert rules for the local cluster ${local.state.name}, written by kafkaplane up --monitoring.`));
  for (const d of DASHBOARDS) await writeFile(join(dir, 'dashboards', `${d.uid}.json`), `${JSON.stringify(grafanaDashboard(d), null, 2)}\n`);
}
