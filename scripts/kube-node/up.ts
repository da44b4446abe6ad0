// Starts the one-node test Kubernetes by hand, for debugging (docs/testing.md), and keeps it up until Ctrl-C:
//   sudo node_modules/.bin/node scripts/kube-node/up.ts
//   export KUBECONFIG=/tmp/kafkaplane-node/kubeconfig; kubectl get nodes      (kubectl: printed below)
// Ctrl-C (or `scripts/kube-node/down.sh` from another shell) tears everything down.
import path from 'node:path';
import { NODE_DIR, startKubeNode } from '../../test/helpers/kube-node.ts';

const node = await startKubeNode();
const kubeconfig = path.join(NODE_DIR, 'kubeconfig');
process.stdout.write(
  [
    '',
    `one-node Kubernetes up: node ${node.nodeName} at ${node.nodeIP}, API ${node.server}`,
    `  export KUBECONFIG=${kubeconfig}`,
    `  alias kubectl=${node.kubectlBin}`,
    `images: ${Object.values(node.images).join(' ')}`,
    `logs: ${node.logsDir}`,
    'Ctrl-C tears it down (or run scripts/kube-node/down.sh).',
    '',
  ].join('\n'),
);
// Ctrl-C: the helper's signal handler stops the node gracefully (pods through the kubelet, then down.sh).
await new Promise<void>(() => {});
