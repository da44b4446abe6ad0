/**
 * The container entrypoint, shipped in the cluster's ConfigMap (Kubernetes) or as a compose config. POSIX sh only: the
 * official apache/kafka image is Alpine (busybox sh, sed, grep).
 *
 * It holds no Kafka configuration logic. The broker properties of every node and the StorageTool arguments were
 * computed by kafkaplane's model (brokerProperties / formatArguments, the functions the local runtime uses); the
 * script only picks this node's file, replaces the @KAFKAPLANE_<NAME>@ tokens with values that exist only at run
 * time (node IP, zone, ids and passwords from Secrets), formats storage once and execs Kafka.
 */
export const CONFIG_DIR = '/etc/kafkaplane/config';
export const RUN_DIR = '/run/kafkaplane';
export const ENTRYPOINT_FILE = 'entrypoint.sh';

export function nodePropertiesFile(nodeId: number): string {
  return `node-${nodeId}.properties`;
}
export function formatArgsFile(nodeId: number): string {
  return `node-${nodeId}.format-args`;
}

export const ENTRYPOINT = `#!/bin/sh
# kafkaplane entrypoint, written by \`kafkaplane render\` (docs/render.md). Picks this node's server.properties
# (computed by kafkaplane's model, like the local runtime's), fills in what only the running container knows,
# formats storage when the log dir has no meta.properties yet, then runs Kafka.
set -eu

config_dir=\${KAFKAPLANE_CONFIG_DIR:-${CONFIG_DIR}}
run_dir=\${KAFKAPLANE_RUN_DIR:-${RUN_DIR}}
kafka_bin=\${KAFKAPLANE_KAFKA_BIN:-/opt/kafka/bin}

fail() {
  echo "kafkaplane: $*" >&2
  exit 1
}

if [ -n "\${KAFKAPLANE_NODE_ID:-}" ]; then
  node_id=$KAFKAPLANE_NODE_ID
else
  # A StatefulSet pod is named <statefulset>-<ordinal>; its node id is the pool's first id plus the ordinal.
  ordinal=\${HOSTNAME##*-}
  case "$ordinal" in '' | *[!0-9]*) fail "cannot read the StatefulSet ordinal from HOSTNAME=$HOSTNAME" ;; esac
  node_id=$((\${KAFKAPLANE_NODE_ID_OFFSET:?KAFKAPLANE_NODE_ID_OFFSET is not set} + ordinal))
fi
properties=$config_dir/node-$node_id.properties
[ -f "$properties" ] || fail "no configuration for node $node_id in $config_dir: were the ConfigMap and the StatefulSet rendered from the same spec?"

if [ -n "\${KAFKAPLANE_TLS_KEYSTORE_PASSWORD_FILE:-}" ]; then
  KAFKAPLANE_TLS_KEYSTORE_PASSWORD=$(cat "$KAFKAPLANE_TLS_KEYSTORE_PASSWORD_FILE")
  export KAFKAPLANE_TLS_KEYSTORE_PASSWORD
fi
if [ -n "\${KAFKAPLANE_INTERNAL_PASSWORD_FILE:-}" ]; then
  KAFKAPLANE_INTERNAL_PASSWORD=$(cat "$KAFKAPLANE_INTERNAL_PASSWORD_FILE")
  export KAFKAPLANE_INTERNAL_PASSWORD
fi
if [ -n "\${KAFKAPLANE_INTERNAL_PASSWORD+set}" ]; then
  # It goes between double quotes in a JAAS line: letters, digits and - _ . ~ + / = only, at least 16 of them.
  case "$KAFKAPLANE_INTERNAL_PASSWORD" in
    *[!A-Za-z0-9._~+/=-]*) fail "the internal password (KAFKAPLANE_INTERNAL_PASSWORD, from the cluster's internal Secret) may hold only letters, digits and - _ . ~ + / =; make one with: openssl rand -hex 24" ;;
  esac
  [ \${#KAFKAPLANE_INTERNAL_PASSWORD} -ge 16 ] || fail "the internal password (KAFKAPLANE_INTERNAL_PASSWORD) is shorter than 16 characters; make one with: openssl rand -hex 24"
fi
if [ -n "\${KAFKAPLANE_RACK_FILE:-}" ]; then
  # Written by the pod's rack init container from the node's zone label (docs/render.md, rack awareness).
  [ -s "$KAFKAPLANE_RACK_FILE" ] || fail "spec.rack is set but $KAFKAPLANE_RACK_FILE is missing or empty: the rack init container writes it from the Kubernetes node's zone label; see its log (kubectl logs <pod> -c rack)"
  KAFKAPLANE_RACK=$(cat "$KAFKAPLANE_RACK_FILE")
  export KAFKAPLANE_RACK
fi
if [ -n "\${KAFKAPLANE_HOST_IP:-}" ]; then
  # An IPv6 address goes into a listener URL in brackets.
  case "$KAFKAPLANE_HOST_IP" in *:*) KAFKAPLANE_HOST_IP="[$KAFKAPLANE_HOST_IP]" ;; esac
fi

newline=$(printf '\\nx')
newline=\${newline%x}

# Copies $1 to $2 with every @KAFKAPLANE_<NAME>@ token replaced by $KAFKAPLANE_<NAME>, escaped for a properties file.
fill() {
  cp "$1" "$2.tmp"
  for name in $(env | sed -n 's/^\\(KAFKAPLANE_[A-Z0-9_]*\\)=.*/\\1/p'); do
    eval "value=\\\${$name:-}"
    # An empty value (e.g. a node without the zone label) leaves the token, so the check below names it.
    [ -n "$value" ] || continue
    case "$value" in *"$newline"*) fail "$name holds a line break, which cannot go into a properties file" ;; esac
    escaped=$(printf '%s' "$value" | sed -e 's/\\\\/\\\\\\\\/g' -e 's/[\\\\&|]/\\\\&/g')
    sed -i "s|@$name@|$escaped|g" "$2.tmp"
  done
  missing=$(grep -o '@KAFKAPLANE_[A-Z0-9_]*@' "$2.tmp" | sort -u | tr '\\n' ' ' || true)
  missing=\${missing% }
  if [ -n "$missing" ]; then
    case "$missing" in
      *@KAFKAPLANE_RACK@*) fail "spec.rack is set but this pod has no zone (KAFKAPLANE_RACK is empty): the rack init container writes it to KAFKAPLANE_RACK_FILE from the Kubernetes node's zone label" ;;
    esac
    fail "$1 needs $missing but those environment variables are not set"
  fi
  mv "$2.tmp" "$2"
}

mkdir -p "$run_dir"
fill "$properties" "$run_dir/server.properties"
fill "$config_dir/node-$node_id.format-args" "$run_dir/format.args"

log_dir=$(sed -n 's/^log\\.dirs=\\([^,]*\\).*/\\1/p' "$run_dir/server.properties")
[ -n "$log_dir" ] || fail "no log.dirs in $properties"

# Replacing a controller that lost its disk (docs/render.md): a person writes this node's id into $run_dir/join-quorum
# (an emptyDir, so it survives a container restart) and restarts the container. The log dir is moved aside — kept on
# the volume, never deleted — and formatted again as a controller that joins an existing quorum
# (--no-initial-controllers: a new directory id), to be added with kafka-metadata-quorum.sh add-controller.
joining=
if [ -f "$run_dir/join-quorum" ]; then
  wanted=$(cat "$run_dir/join-quorum")
  [ "$wanted" = "$node_id" ] || fail "$run_dir/join-quorum names node $wanted, but this is node $node_id; remove the file"
  grep -qx -e '--initial-controllers' "$run_dir/format.args" || fail "$run_dir/join-quorum: node $node_id is not a controller of a dynamic quorum (Kafka 4.1+), so it cannot join one; remove the file"
  if [ -e "$log_dir" ]; then
    aside=$log_dir.replaced-$(date -u +%Y%m%dT%H%M%SZ)
    mv "$log_dir" "$aside"
    echo "kafkaplane: moved $log_dir to $aside (delete it once the node has rejoined the quorum)"
  fi
  joining=yes
fi

if [ -f "$log_dir/meta.properties" ]; then
  # Kafka would stop with INCONSISTENT_CLUSTER_ID later; say which volume and why now.
  formatted_for=$(sed -n 's/^cluster\\.id=//p' "$log_dir/meta.properties")
  if [ -n "\${KAFKAPLANE_CLUSTER_ID:-}" ] && [ "$formatted_for" != "$KAFKAPLANE_CLUSTER_ID" ]; then
    fail "$log_dir was formatted for Kafka cluster id $formatted_for, but this cluster's id is $KAFKAPLANE_CLUSTER_ID (identity Secret), so this volume holds another cluster's data. If it is this cluster's own volume, its id changed: put the old id back in spec.kubernetes.identity.clusterId and render again. If the wrong volume is attached, attach the right one. Do not delete the volume to get past this: it holds this node's replicas (a controller's: the metadata log), and a node started empty in their place is not a safe replacement (docs/render.md, replacing a node)"
  fi
else
  set --
  skip=
  while IFS= read -r arg || [ -n "$arg" ]; do
    if [ -n "$joining" ] && [ "$arg" = --initial-controllers ]; then
      skip=yes
      set -- "$@" --no-initial-controllers
    elif [ -n "$skip" ]; then
      skip=
    else
      set -- "$@" "$arg"
    fi
  done < "$run_dir/format.args"
  if [ -n "$joining" ]; then
    echo "kafkaplane: formatting $log_dir for controller $node_id to join the existing quorum (--no-initial-controllers)"
  else
    if grep -qx -e '--initial-controllers' "$run_dir/format.args"; then
      # KIP-853: a controller formatted again with its old directory id claims to be the voter that lost its log.
      echo "kafkaplane: WARNING: formatting controller $node_id as a member of the initial quorum. That is right for a new cluster only: if this controller ran before, its volume was lost, and it must be replaced (docs/render.md, replacing a node that lost its disk: kafka-metadata-quorum.sh remove-controller, $run_dir/join-quorum, add-controller)" >&2
    fi
    echo "kafkaplane: formatting $log_dir for node $node_id"
  fi
  "$kafka_bin/kafka-storage.sh" "$@"
  [ -z "$joining" ] || rm -f "$run_dir/join-quorum"
fi

exec "$kafka_bin/kafka-server-start.sh" "$run_dir/server.properties"
`;
