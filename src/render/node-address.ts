import { NODE_ADDRESS_TYPES } from '../api/kafka-cluster.ts';
import { RUN_DIR } from './entrypoint.ts';
import type { RenderContext } from './objects.ts';
import { NODE_URL_LINES, nodeReaderInitContainer } from './rack.ts';

/**
 * The address a nodeport listener advertises, when the spec names a type (configuration.preferredNodePortAddressType):
 * the pod's downward API only knows status.hostIP, the node's IP on the cluster network, often a private VPC address
 * clients outside cannot reach. As Strimzi's kafka-init container does, an init container reads the node from the
 * Kubernetes API (GET /api/v1/nodes/<spec.nodeName>, the same "get nodes" ClusterRole and init-only token as the rack
 * init container) and writes the first address of the preferred type — else of ExternalDNS, ExternalIP, Hostname,
 * InternalDNS, InternalIP, in that order — to a file the entrypoint puts into advertised.listeners.
 */
export const NODE_ADDRESS_FILE = `${RUN_DIR}/node-address`;

/**
 * POSIX sh (curl's image: curl and BusyBox). Node addresses are IPs and DNS names (no quotes, commas or braces), so
 * status.addresses can be cut out of the API's JSON with sed: the last `"addresses":[` of the object is status's
 * (a JSON string holding that text has its quotes escaped). Environment: NODE_NAME (downward API spec.nodeName),
 * ADDRESS_TYPES (preferred first); KAFKAPLANE_NODE_ADDRESS_FILE and KAFKAPLANE_TOKEN_DIR default to the pod's paths.
 */
export const NODE_ADDRESS_SCRIPT = `set -eu
address_file=\${KAFKAPLANE_NODE_ADDRESS_FILE:-${NODE_ADDRESS_FILE}}
${NODE_URL_LINES}if ! node=$(curl -fsS --retry 5 --retry-connrefused --max-time 30 --cacert "$token_dir/ca.crt" -H "Authorization: Bearer $(cat "$token_dir/token")" "$url"); then
  echo "kafkaplane: cannot read Kubernetes node $NODE_NAME from $url: the ServiceAccount needs the ClusterRole that allows get on nodes (rendered with preferredNodePortAddressType)" >&2
  exit 1
fi
addresses=$(printf '%s' "$node" | tr -d ' \\t\\r\\n' | sed -n 's/.*"addresses":\\[\\([^]]*\\)\\].*/\\1/p' | tr '}' '\\n')
for type in $ADDRESS_TYPES; do
  address=$(printf '%s\\n' "$addresses" | grep -F "\\"type\\":\\"$type\\"" | sed -n 's/.*"address":"\\([^"]*\\)".*/\\1/p' | head -n 1)
  if [ -n "$address" ]; then
    printf '%s' "$address" > "$address_file.tmp"
    mv "$address_file.tmp" "$address_file"
    echo "kafkaplane: node $NODE_NAME: advertising its $type address $address"
    exit 0
  fi
done
echo "kafkaplane: Kubernetes node $NODE_NAME lists no address of the types $ADDRESS_TYPES in status.addresses; set configuration.advertisedHostTemplate or brokers[].advertisedHost on the nodeport listener" >&2
exit 1
`;

/** The address type brokers' pods must learn from their node, if any nodeport listener asks for one. */
export function nodeAddressType(ctx: RenderContext): (typeof NODE_ADDRESS_TYPES)[number] | undefined {
  return ctx.external.find((plan) => plan.addressType !== undefined && [...plan.brokers.values()].some((b) => b.host === undefined))?.addressType;
}

export function nodeAddressInitContainer(ctx: RenderContext, preferred: (typeof NODE_ADDRESS_TYPES)[number]): Record<string, unknown> {
  return nodeReaderInitContainer(ctx, 'node-address', NODE_ADDRESS_SCRIPT, { ADDRESS_TYPES: [preferred, ...NODE_ADDRESS_TYPES.filter((t) => t !== preferred)].join(' ') });
}
