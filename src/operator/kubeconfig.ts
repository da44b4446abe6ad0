import type { KubeConfig } from '@kubernetes/client-node';
import { KafkaplaneError, hint, setting } from '../errors.ts';
import { type KubeAuth, inClusterAuth, kubeconfigSource, staticKubeconfigAuth } from './kube/auth.ts';
import { KubeClient } from './kube/client.ts';

const unreadable = (kubeconfig: string | undefined, error: unknown) =>
  new KafkaplaneError('BAD_USAGE', `cannot read the kubeconfig${kubeconfig ? ` ${kubeconfig}` : ''}: ${error instanceof Error ? error.message : String(error)}`, {
    hint: hint`pass ${setting('kubeconfig', '<file>')}, set KUBECONFIG, or run in a pod with a ServiceAccount`,
  });

/**
 * The Kubernetes client of the operator: in a pod, its ServiceAccount (in-cluster config); else `--kubeconfig`, else
 * $KUBECONFIG or ~/.kube/config, as kubectl. Certificates and tokens are read without client-node (kube/auth.ts);
 * exec plugins, auth providers and merged kubeconfigs go through client-node's KubeConfig, loaded only for them.
 */
export async function kubeClient(kubeconfig: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<KubeClient> {
  const source = kubeconfigSource(kubeconfig, env);
  let auth: KubeAuth | KubeConfig | undefined;
  try {
    if (source && 'inCluster' in source) auth = inClusterAuth(env);
    else if (source) auth = staticKubeconfigAuth(source.file);
  } catch (error) {
    throw unreadable(kubeconfig, error);
  }
  if (!auth) auth = await clientNodeAuth(kubeconfig);
  return new KubeClient(auth);
}

async function clientNodeAuth(kubeconfig: string | undefined): Promise<KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const config = new KubeConfig();
  try {
    if (kubeconfig !== undefined) config.loadFromFile(kubeconfig);
    else config.loadFromDefault();
  } catch (error) {
    throw unreadable(kubeconfig, error);
  }
  if (!config.getCurrentCluster()) {
    throw new KafkaplaneError('BAD_USAGE', 'the kubeconfig has no current cluster', { hint: hint`pass ${setting('kubeconfig', '<file>')} or set its current-context` });
  }
  return config;
}
