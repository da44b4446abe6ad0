import { KubeConfig } from '@kubernetes/client-node';
import { KafkaplaneError, hint, setting } from '../errors.ts';
import { KubeClient } from './kube/client.ts';

/**
 * The Kubernetes client of the operator: in a pod, its ServiceAccount (in-cluster config); else `--kubeconfig`, else
 * $KUBECONFIG or ~/.kube/config, as kubectl.
 */
export function kubeClient(kubeconfig: string | undefined): KubeClient {
  const config = new KubeConfig();
  try {
    if (kubeconfig !== undefined) config.loadFromFile(kubeconfig);
    else config.loadFromDefault();
  } catch (error) {
    throw new KafkaplaneError('BAD_USAGE', `cannot read the kubeconfig${kubeconfig ? ` ${kubeconfig}` : ''}: ${error instanceof Error ? error.message : String(error)}`, {
      hint: hint`pass ${setting('kubeconfig', '<file>')}, set KUBECONFIG, or run in a pod with a ServiceAccount`,
    });
  }
  if (!config.getCurrentCluster()) {
    throw new KafkaplaneError('BAD_USAGE', 'the kubeconfig has no current cluster', { hint: hint`pass ${setting('kubeconfig', '<file>')} or set its current-context` });
  }
  return new KubeClient(config);
}
