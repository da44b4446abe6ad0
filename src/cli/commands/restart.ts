import { selectCluster } from '../../api/select-cluster.ts';
import { KafkaplaneError } from '../../errors.ts';
import { parseBootstrap } from '../../kafka/client.ts';
import { type RestartResult, restart as rollCluster } from '../../local/restart.ts';
import { type KubeRollResult, rollKubernetes } from '../../operator/kube-roll.ts';
import { kubeClient } from '../../operator/kubeconfig.ts';
import { type LocateFlags, locateRequest } from '../locate.ts';
import type { Io } from '../output.ts';
import { upProgress } from '../print/local.ts';
import { readSpecFile } from '../spec-file.ts';

export interface RestartFlags extends LocateFlags {
  node?: number[];
  dryRun?: boolean;
  timeout: number;
  kubernetes?: boolean;
  namespace?: string;
  kubeconfig?: string;
  kafkaBootstrap?: string;
}

/**
 * `kafkaplane restart`: a rolling restart of the local cluster (or with --dry-run, its plan); with --kubernetes, the
 * roll of the cluster's pods on Kubernetes after a changed spec was applied (every pool is OnDelete).
 */
export async function restart(flags: RestartFlags, io: Io): Promise<RestartResult | KubeRollResult> {
  const report = upProgress(io);
  try {
    if (flags.kubernetes) return await restartOnKubernetes(flags, report.event);
    for (const flag of ['namespace', 'kubeconfig', 'kafkaBootstrap'] as const) {
      if (flags[flag] !== undefined) throw new KafkaplaneError('BAD_USAGE', `--${flag === 'kafkaBootstrap' ? 'kafka-bootstrap' : flag} goes with --kubernetes`);
    }
    return await rollCluster({
      ...(await locateRequest(flags)),
      ...(flags.node ? { nodes: flags.node } : {}),
      dryRun: flags.dryRun ?? false,
      timeoutMs: flags.timeout * 1000,
      onEvent: report.event,
    });
  } finally {
    report.done();
  }
}

async function restartOnKubernetes(flags: RestartFlags, onEvent: (event: { type: 'step' | 'waiting'; message: string }) => void): Promise<KubeRollResult> {
  if (flags.file === undefined) {
    throw new KafkaplaneError('BAD_USAGE', '--kubernetes needs the spec the manifests were rendered from: -f <file>', { exitCode: 2 });
  }
  const spec = await readSpecFile(flags.file);
  const cluster = selectCluster(spec, flags.cluster, flags.file, { nothingTo: 'restart' });
  return rollKubernetes({
    cluster,
    namespace: flags.namespace ?? cluster.metadata.namespace ?? 'default',
    client: await kubeClient(flags.kubeconfig),
    ...(flags.kafkaBootstrap !== undefined ? { bootstrap: parseBootstrap(flags.kafkaBootstrap) } : {}),
    ...(flags.node ? { nodes: flags.node } : {}),
    dryRun: flags.dryRun ?? false,
    timeoutMs: flags.timeout * 1000,
    onEvent,
  });
}
