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
/** Admin client settings for the quorum checks the entrypoint runs before Kafka starts (model/quorum.ts). */
export const QUORUM_CLIENT_FILE = 'quorum-client.properties';

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
if [ -n "\${KAFKAPLANE_NODE_ADDRESS_FILE:-}" ]; then
  # Written by the pod's node-address init container from the node's status.addresses (preferredNodePortAddressType).
  [ -s "$KAFKAPLANE_NODE_ADDRESS_FILE" ] || fail "a nodeport listener sets preferredNodePortAddressType but $KAFKAPLANE_NODE_ADDRESS_FILE is missing or empty: the node-address init container writes it from the Kubernetes node's status.addresses; see its log (kubectl logs <pod> -c node-address)"
  KAFKAPLANE_NODE_ADDRESS=$(cat "$KAFKAPLANE_NODE_ADDRESS_FILE")
  case "$KAFKAPLANE_NODE_ADDRESS" in *:*) KAFKAPLANE_NODE_ADDRESS="[$KAFKAPLANE_NODE_ADDRESS]" ;; esac
  export KAFKAPLANE_NODE_ADDRESS
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

# What the quorum checks below need: the controllers' addresses, the mode this configuration asks for, the role.
quorum_servers=$(sed -n -e 's/^controller\\.quorum\\.bootstrap\\.servers=//p' -e 's/^controller\\.quorum\\.voters=//p' "$run_dir/server.properties" | sed 's/[0-9]*@//g')
rendered_mode=static
if grep -q '^controller\\.quorum\\.bootstrap\\.servers=' "$run_dir/server.properties"; then rendered_mode=dynamic; fi
is_controller=
if grep -q '^process\\.roles=.*controller' "$run_dir/server.properties"; then is_controller=yes; fi
quorum_client=$config_dir/quorum-client.properties

# Runs one of Kafka's tools against the running controllers (this node is not up yet): a small heap, without the
# pod's JVM agent, JMX port or logging settings. Its stderr goes to $run_dir/quorum-tool.log.
quorum_tool() {
  tool=$1
  shift
  KAFKA_HEAP_OPTS=-Xmx128m KAFKA_OPTS= JMX_PORT= KAFKA_LOG4J_OPTS= "$kafka_bin/$tool" "$@" 2>"$run_dir/quorum-tool.log"
}
quorum_tool_error() {
  grep -v -e WARN -e '^[[:space:]]*at ' "$run_dir/quorum-tool.log" 2>/dev/null | tail -n 1
}

# Issue 13 / KIP-853: the quorum mode must never flip under a running cluster. A metadata log whose quorum-state was
# last written at kraft.version 0 belongs to a static quorum; started with controller.quorum.bootstrap.servers, a
# controller comes back as a non-voter and a roll takes the quorum down. Kafka >= 4.1 can upgrade kraft.version to 1
# (after which the file is rewritten at the next election), so the running quorum is asked before refusing.
quorum_state=$log_dir/__cluster_metadata-0/quorum-state
if [ "$rendered_mode" = dynamic ] && [ -f "$quorum_state" ] && grep -q '"data_version":0' "$quorum_state"; then
  if features=$(quorum_tool kafka-features.sh --bootstrap-controller "$quorum_servers" --command-config "$quorum_client" describe); then
    level=$(printf '%s\\n' "$features" | sed -n 's/.*Feature: kraft\\.version.*FinalizedVersionLevel: *\\([0-9][0-9]*\\).*/\\1/p')
    asked="the running quorum reports kraft.version \${level:-0}"
  else
    level=
    asked="the running quorum could not be asked ($(quorum_tool_error))"
  fi
  if [ "\${level:-0}" -lt 1 ]; then
    fail "node $node_id's metadata log ($log_dir) belongs to a static quorum (controller.quorum.voters, kraft.version 0; $asked), but its configuration asks for a dynamic quorum (controller.quorum.bootstrap.servers). Started like this it would come back as a non-voter and a roll would lose the quorum, so it does not start. If spec.version was raised (e.g. 3.9 to 4.1) with spec.quorum.mode unset, set spec.quorum.mode: static, render and apply again: this pod then restarts with the static configuration. To move to a dynamic quorum, upgrade kraft.version first (docs/render.md, quorum mode)"
  fi
fi

# Issue 13 / KIP-853: a controller whose log dir is empty but which the quorum already knows (it registered with the
# active controller, or the leader has seen it fetch) lost its disk. Formatted again as the voter it was, it would
# vote without the metadata it acknowledged; it waits instead, for a person to choose the recovery
# (docs/render.md, replacing a node that lost its disk).
controller_ran_before() {
  if out=$(quorum_tool kafka-cluster.sh list-endpoints --bootstrap-controller "$quorum_servers" --config "$quorum_client"); then
    printf '%s\\n' "$out" | grep -Eq "^$node_id[[:space:]].*[[:space:]]controller[[:space:]]*$" && return 0
    return 1
  fi
  # No controller answered (a new cluster starting): do not wait for a second timeout.
  # (Kafka 3.9's argparse4j justifies its text: "invalid   choice:   'list-endpoints'".)
  grep -Eq 'invalid[[:space:]]+choice' "$run_dir/quorum-tool.log" 2>/dev/null || return 2
  # Kafka 3.9 has no list-endpoints: the leader's view of the voters (a log end offset >= 0: it has fetched).
  if out=$(quorum_tool kafka-metadata-quorum.sh --bootstrap-controller "$quorum_servers" --command-config "$quorum_client" describe --replication); then
    printf '%s\\n' "$out" | grep -Eq "^$node_id[[:space:]]+[^[:space:]]+[[:space:]]+[0-9]" && return 0
    return 1
  fi
  return 2
}
wait_for_decision() {
  echo "kafkaplane: $1" >&2
  echo "kafkaplane: Kafka is not started; waiting for $run_dir/$2 (docs/render.md, replacing a node that lost its disk)" >&2
  trap 'exit 143' TERM INT
  while [ ! -f "$run_dir/join-quorum" ] && [ ! -f "$run_dir/reformat-voter" ]; do sleep "\${KAFKAPLANE_DECISION_POLL_SECONDS:-5}"; done
  exec /bin/sh "$0"
}

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
  reformat=
  if [ -z "$joining" ] && [ -f "$run_dir/reformat-voter" ]; then
    wanted=$(cat "$run_dir/reformat-voter")
    [ "$wanted" = "$node_id" ] || fail "$run_dir/reformat-voter names node $wanted, but this is node $node_id; remove the file"
    [ "$rendered_mode" = static ] || fail "$run_dir/reformat-voter: node $node_id is a controller of a dynamic quorum, which replaces a lost voter with a new directory id: remove reformat-voter and write $node_id into $run_dir/join-quorum instead (docs/render.md)"
    reformat=yes
  fi
  if [ -z "$joining" ] && [ -z "$reformat" ] && [ -n "$is_controller" ]; then
    known=0
    controller_ran_before || known=$?
    if [ "$known" = 0 ] && [ "$rendered_mode" = dynamic ]; then
      wait_for_decision "controller $node_id has an empty log dir ($log_dir), but the running quorum already knows it: it lost its disk. Formatted again with its old directory id it would vote without the metadata it acknowledged (KIP-853), so it is not. Replace it: echo $node_id > $run_dir/join-quorum in this container formats it with a new directory id; then kafka-metadata-quorum.sh remove-controller the old voter and add-controller the new one" join-quorum
    elif [ "$known" = 0 ]; then
      wait_for_decision "controller $node_id has an empty log dir ($log_dir), but the running quorum already knows it: it lost its disk. A static quorum cannot take a new voter in its place; formatting it again under its old id is safe only while the other controllers hold a majority and are caught up (kafka-metadata-quorum.sh describe --replication) and none restarts until it has caught up. To accept that: echo $node_id > $run_dir/reformat-voter in this container" reformat-voter
    elif [ "$known" = 1 ]; then
      echo "kafkaplane: controller $node_id is not known to the running quorum (it never ran): formatting it as the member of the initial quorum it was rendered as"
    fi
  fi
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
    if [ -z "$reformat" ] && [ "\${known:-}" = 2 ] && grep -qx -e '--initial-controllers' "$run_dir/format.args"; then
      # KIP-853: a controller formatted again with its old directory id claims to be the voter that lost its log.
      echo "kafkaplane: WARNING: formatting controller $node_id as a member of the initial quorum. That is right for a new cluster only: if this controller ran before, its volume was lost, and it must be replaced (docs/render.md, replacing a node that lost its disk: kafka-metadata-quorum.sh remove-controller, $run_dir/join-quorum, add-controller)" >&2
    fi
    echo "kafkaplane: formatting $log_dir for node $node_id"
  fi
  "$kafka_bin/kafka-storage.sh" "$@"
  [ -z "$joining" ] || rm -f "$run_dir/join-quorum"
  [ -z "$reformat" ] || rm -f "$run_dir/reformat-voter"
fi

exec "$kafka_bin/kafka-server-start.sh" "$run_dir/server.properties"
`;
