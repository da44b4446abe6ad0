import { CONTAINER_SECURITY_CONTEXT, type KubeObject, type RenderContext, clusterLabels, clusterScopedMeta } from './objects.ts';
import { RUN_DIR } from './entrypoint.ts';

/**
 * Rack awareness on Kubernetes (broker.rack = the zone of the Kubernetes node a broker runs on). A node's labels are
 * not visible to a pod through the downward API (KEP-4742 copies zone and region onto pods, but only on recent
 * Kubernetes with a feature gate), so — as Strimzi does with its kafka-init container — an init container reads the
 * node from the Kubernetes API (GET /api/v1/nodes/<spec.nodeName>, RBAC "get nodes" through a ClusterRole bound to
 * the pods' ServiceAccount) and writes the label's value to a file the entrypoint puts into broker.rack.
 *
 * Only the init container gets an API token (a projected ServiceAccount token volume mounted there alone); the Kafka
 * container keeps automountServiceAccountToken: false. The image is curl's own (curlimages/curl, Alpine: curl and
 * BusyBox sh, tr, grep, sed), the one render already uses to download the JMX agent.
 */
export const RACK_FILE = `${RUN_DIR}/rack`;
export const TOKEN_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
export const TOKEN_VOLUME = 'rack-api-access';

/**
 * POSIX sh for the init container. Label keys and values cannot hold quotes, commas or whitespace (Kubernetes label
 * syntax), so the node's labels can be cut out of the API's JSON with sed and grep: no jq in the image.
 * Environment: NODE_NAME (downward API spec.nodeName), TOPOLOGY_KEY; KAFKAPLANE_RACK_FILE and KAFKAPLANE_TOKEN_DIR
 * default to the pod's paths (tests move them).
 */
/** The first lines of a script that reads the pod's node: where the token is, and the node's URL ($url). */
export const NODE_URL_LINES = `token_dir=\${KAFKAPLANE_TOKEN_DIR:-${TOKEN_DIR}}
host=\${KUBERNETES_SERVICE_HOST:-kubernetes.default.svc}
case "$host" in *:*) host="[$host]" ;; esac
url="https://$host:\${KUBERNETES_SERVICE_PORT:-443}/api/v1/nodes/$NODE_NAME?pretty=false"
`;

export const RACK_SCRIPT = `set -eu
rack_file=\${KAFKAPLANE_RACK_FILE:-${RACK_FILE}}
${NODE_URL_LINES}# Only the node's metadata (PartialObjectMetadata), not its status with every image it holds.
if ! node=$(curl -fsS --retry 5 --retry-connrefused --max-time 30 --cacert "$token_dir/ca.crt" -H "Authorization: Bearer $(cat "$token_dir/token")" -H 'Accept: application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json' "$url"); then
  echo "kafkaplane: cannot read Kubernetes node $NODE_NAME from $url: the ServiceAccount needs the ClusterRole that allows get on nodes (rendered with spec.rack)" >&2
  exit 1
fi
labels=$(printf '%s' "$node" | tr -d ' \\t\\r\\n' | sed -n 's/.*"labels":{\\([^}]*\\)}.*/\\1/p')
rack=$(printf '%s\\n' "$labels" | tr ',' '\\n' | grep -F "\\"$TOPOLOGY_KEY\\":" | sed -n 's/^"[^"]*":"\\(.*\\)"$/\\1/p' | head -n 1)
if [ -z "$rack" ]; then
  echo "kafkaplane: Kubernetes node $NODE_NAME has no label $TOPOLOGY_KEY, so broker.rack cannot be set; label the node (kubectl label node $NODE_NAME $TOPOLOGY_KEY=<zone>) or change spec.rack.topologyKey. The broker does not start without a rack rather than risk all replicas of a partition in one zone" >&2
  exit 1
fi
printf '%s' "$rack" > "$rack_file.tmp"
mv "$rack_file.tmp" "$rack_file"
echo "kafkaplane: node $NODE_NAME is in $TOPOLOGY_KEY=$rack"
`;

/**
 * An init container that reads the pod's Kubernetes node from the API with the init-only token (rack, node-address):
 * curl's image, `script` under sh, NODE_NAME from the downward API plus `env`, writing into the run directory.
 */
export function nodeReaderInitContainer(ctx: RenderContext, name: string, script: string, env: Record<string, string>): Record<string, unknown> {
  return {
    name,
    image: ctx.settings.rackInit.image,
    imagePullPolicy: ctx.settings.imagePullPolicy,
    command: ['/bin/sh', '-c', script],
    env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }, ...Object.entries(env).map(([k, value]) => ({ name: k, value }))],
    securityContext: CONTAINER_SECURITY_CONTEXT,
    resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
    volumeMounts: [
      { name: 'run', mountPath: RUN_DIR },
      { name: TOKEN_VOLUME, mountPath: TOKEN_DIR, readOnly: true },
    ],
  };
}

export function rackInitContainer(ctx: RenderContext): Record<string, unknown> {
  return nodeReaderInitContainer(ctx, 'rack', RACK_SCRIPT, { TOPOLOGY_KEY: ctx.cluster.spec.rack!.topologyKey });
}

/** What the kubelet mounts for automountServiceAccountToken, but for the init container only (short-lived token). */
export function rackTokenVolume(): Record<string, unknown> {
  return {
    name: TOKEN_VOLUME,
    projected: {
      sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 600 } }, { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }],
    },
  };
}

/**
 * "get nodes" for the pods' ServiceAccount (the rack and node-address init containers). Nodes are cluster-scoped, so this takes a ClusterRole and a
 * ClusterRoleBinding (named after namespace and cluster: they are shared by the whole Kubernetes cluster). Only get:
 * a pod can read the node it is told it runs on, not list them all.
 */
export function renderRackRbac(ctx: RenderContext): KubeObject[] {
  const { names } = ctx;
  const labels = clusterLabels(ctx, 'rack');
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: clusterScopedMeta(names.rackClusterRole, labels),
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: clusterScopedMeta(names.rackClusterRole, labels),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: names.rackClusterRole },
      subjects: [{ kind: 'ServiceAccount', name: names.serviceAccount, namespace: names.namespace }],
    },
  ];
}
