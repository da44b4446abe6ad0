#!/usr/bin/env bash
# Builds the container images of the one-node test Kubernetes without a registry or a Docker engine, as OCI layout
# tarballs that test/helpers/kube-node.ts imports with `ctr -n k8s.io images import`. Cached in
#   ${KAFKAPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafkaplane}/kube-node/images/<name>.tar (+ <name>.ref)
#
#   pause                   the pod sandbox (scripts/kube-node/pause.c, built statically with gcc)
#   busybox                 Debian's busybox-static: local-path-provisioner's helper pods
#   coredns                 CoreDNS built by scripts/kube-node/build.sh
#   local-path-provisioner  Rancher's local-path-provisioner built by scripts/kube-node/build.sh
#   kafka                   the apache/kafka image's layout (/opt/kafka, appuser 1000:1000, /etc/kafka/docker/run)
#                           from a Debian rootfs (debootstrap), Debian's openjdk-17-jre-headless and the Kafka jars
#                           from Maven Central (src/local/distribution.ts); differences in docs/testing.md
#   kafka-<version>         the same image for another Kafka release (OTHER_KAFKA_VERSIONS: 3.9.2, for the quorum
#                           upgrade test 3.9 → 4.1); Kafka 3.9's tool classes where they differ from 4.x
#   kafka-client            the kafka image plus Debian's kcat and curl (also the rack init container's image in tests)
#   kafkaplane              the layout of the repo's Dockerfile (node + the compiled CLI + production dependencies)
#
# Usage: scripts/kube-node/images.sh [--force] [--print-dir] [--print-refs] [NAME…]   (default: all)
# Needs root (debootstrap, chown), debootstrap, gcc, busybox-static, tar, and Node >= 22.18 (NODE or node_modules/.bin).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CACHE_ROOT="${KAFKAPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafkaplane}"
OUT="$CACHE_ROOT/kube-node/images"
ROOTFS="$CACHE_ROOT/kube-node/rootfs"

# Pinned inputs.
DEBIAN_SUITE=bookworm
DEBIAN_MIRROR="${KAFKAPLANE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DEBIAN_PACKAGES=openjdk-17-jre-headless,bash,procps,ca-certificates,netcat-openbsd
CLIENT_PACKAGES="kcat curl"
PAUSE_TAG=3.10
REGISTRY=docker.io/kafkaplane-test
# Kafka releases besides DEFAULT_KAFKA_VERSION with an image of their own (jars from the same cache as the test setup's).
OTHER_KAFKA_VERSIONS=(3.9.2)
ALL=(pause busybox coredns local-path-provisioner kafka "${OTHER_KAFKA_VERSIONS[@]/#/kafka-}" kafka-client kafkaplane)

NODE_BIN="${NODE:-}"
[[ -n "$NODE_BIN" ]] || NODE_BIN="$REPO/node_modules/.bin/node"
[[ -x "$NODE_BIN" ]] || NODE_BIN="$(command -v node)"
KAFKA_VERSION="$(sed -n "s/^export const DEFAULT_KAFKA_VERSION = '\(.*\)';/\1/p" "$REPO/src/api/kafka-cluster.ts")"
[[ -n "$KAFKA_VERSION" ]] || { echo "cannot read DEFAULT_KAFKA_VERSION from src/api/kafka-cluster.ts" >&2; exit 1; }
APP_VERSION="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$REPO/package.json" | head -n1)"
eval "$(bash "$HERE/build.sh" --print-versions)"   # KUBERNETES, COREDNS, LOCAL_PATH_PROVISIONER
NODE_BIN_DIR="$(bash "$HERE/build.sh" --print-bin-dir)"

# The Kafka release of an image name: kafka-<version>, or DEFAULT_KAFKA_VERSION.
version_of() {
  case "$1" in kafka-[0-9]*) echo "${1#kafka-}" ;; *) echo "$KAFKA_VERSION" ;; esac
}

ref_of() {
  case "$1" in
    pause) echo "$REGISTRY/pause:$PAUSE_TAG" ;;
    busybox) echo "$REGISTRY/busybox:debian-$DEBIAN_SUITE" ;;
    coredns) echo "$REGISTRY/coredns:$COREDNS" ;;
    local-path-provisioner) echo "$REGISTRY/local-path-provisioner:$LOCAL_PATH_PROVISIONER" ;;
    kafka) echo "$REGISTRY/kafka:$KAFKA_VERSION" ;;
    kafka-[0-9]*) echo "$REGISTRY/kafka:${1#kafka-}" ;;
    kafka-client) echo "$REGISTRY/kafka-client:$KAFKA_VERSION" ;;
    kafkaplane) echo "$REGISTRY/kafkaplane:$APP_VERSION" ;;
    *) echo "unknown image $1" >&2; return 1 ;;
  esac
}

FORCE=0
NAMES=()
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    --print-dir) echo "$OUT"; exit 0 ;;
    --print-refs) for n in "${ALL[@]}"; do echo "$n=$(ref_of "$n")"; done; exit 0 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "images.sh: unknown option $arg" >&2; exit 2 ;;
    *) ref_of "$arg" >/dev/null; NAMES+=("$arg") ;;
  esac
done
[[ ${#NAMES[@]} -gt 0 ]] || NAMES=("${ALL[@]}")

log() { printf '[images %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[images] ERROR: %s\n' "$*" >&2; exit 1; }
[[ "$(id -u)" == 0 ]] || die "building the images needs root (debootstrap, file ownership)"

mkdir -p "$OUT" "$ROOTFS"
exec 8>"$OUT/.lock"
flock 8

# The input key of an image: its name, ref and the files and versions it is made of. An image is rebuilt when the key
# changes (the .key file next to the tarball).
key_of() {
  local name="$1"
  {
    echo "$name $(ref_of "$name") v3"
    case "$name" in
      pause) cat "$HERE/pause.c" ;;
      busybox) dpkg-query -W busybox-static 2>/dev/null || true ;;
      coredns) sha256sum "$NODE_BIN_DIR/coredns" ;;
      local-path-provisioner) sha256sum "$NODE_BIN_DIR/local-path-provisioner" ;;
      kafka | kafka-client | kafka-[0-9]*)
        echo "$DEBIAN_SUITE $DEBIAN_PACKAGES"
        find "$HERE/kafka-image" -type f | sort | xargs cat
        cat "$CACHE_ROOT/kafka/$(version_of "$name")/complete.json" 2>/dev/null || true
        [[ "$name" == kafka ]] || echo "$CLIENT_PACKAGES" ;;
      kafkaplane)
        git -C "$REPO" ls-files -s -- bin src examples package.json package-lock.json Dockerfile 2>/dev/null
        git -C "$REPO" diff HEAD -- bin src examples package.json 2>/dev/null | sha256sum ;;
    esac
    cat "$HERE/oci-image.ts"
  } | sha256sum | cut -d' ' -f1
}

up_to_date() { [[ "$FORCE" == 0 && -f "$OUT/$1.tar" && "$(cat "$OUT/$1.key" 2>/dev/null)" == "$(key_of "$1")" ]]; }

# oci NAME CONFIG_JSON LAYER_DIR...
oci() {
  local name="$1" config="$2"
  shift 2
  local layers=()
  for d in "$@"; do layers+=(--layer "$d"); done
  "$NODE_BIN" "$HERE/oci-image.ts" --name "$(ref_of "$name")" --out "$OUT/$name.tar" --config "$config" "${layers[@]}" >/dev/null
  ref_of "$name" >"$OUT/$name.ref"
  key_of "$name" >"$OUT/$name.key"
  log "$name: $(ref_of "$name") → $OUT/$name.tar ($(du -h "$OUT/$name.tar" | cut -f1))"
}

STAGE="$(mktemp -d "$OUT/.stage.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT

# --- the Debian + JRE base layer, shared by the kafka, kafka-client and kafkaplane images -----------------------------
debian_rootfs() {
  local dir="$ROOTFS/debian-$DEBIAN_SUITE-jre" marker
  marker="$DEBIAN_SUITE $DEBIAN_PACKAGES"
  if [[ -f "$dir/.kafkaplane-complete" && "$(cat "$dir/.kafkaplane-complete")" == "$marker" ]]; then
    echo "$dir/root"
    return
  fi
  command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install debootstrap)"
  log "debootstrap $DEBIAN_SUITE (minbase + $DEBIAN_PACKAGES) from $DEBIAN_MIRROR: a few minutes, once…" >&2
  local start=$SECONDS
  rm -rf "$dir"
  mkdir -p "$dir"
  debootstrap --variant=minbase --include="$DEBIAN_PACKAGES" "$DEBIAN_SUITE" "$dir/root" "$DEBIAN_MIRROR" >"$dir/debootstrap.log" 2>&1 \
    || die "debootstrap failed: see $dir/debootstrap.log"
  # No package lists or downloaded .debs in the image; no machine id.
  rm -rf "$dir/root/var/lib/apt/lists/"* "$dir/root/var/cache/apt/"*.bin "$dir/root/var/cache/apt/archives/"*.deb \
    "$dir/root/var/log/"*.log "$dir/root/etc/machine-id"
  : >"$dir/root/etc/resolv.conf"
  : >"$dir/root/etc/hostname"
  echo "$marker" >"$dir/.kafkaplane-complete"
  log "Debian rootfs ready in $((SECONDS - start)) s" >&2
  echo "$dir/root"
}

build_pause() {
  local root="$STAGE/pause"
  mkdir -p "$root"
  gcc -static -O2 -o "$root/pause" "$HERE/pause.c" || die "gcc -static failed (libc6-dev needed)"
  oci pause '{"Entrypoint":["/pause"],"User":"65535:65535"}' "$root"
}

build_busybox() {
  local root="$STAGE/busybox" bb
  bb="$(command -v busybox || true)"
  [[ -n "$bb" ]] || die "busybox is missing (apt-get install busybox-static)"
  mkdir -p "$root/bin" "$root/tmp" "$root/etc"
  cp "$bb" "$root/bin/busybox"
  ldd "$root/bin/busybox" >/dev/null 2>&1 && die "$bb is dynamically linked: install busybox-static"
  "$root/bin/busybox" --install -s "$root/bin" 2>/dev/null || chroot "$root" /bin/busybox --install -s /bin
  # --install from outside the root links to the host path; make the links relative to the image.
  for l in "$root/bin/"*; do [[ -L "$l" ]] && ln -sf busybox "$l"; done
  chmod 1777 "$root/tmp"
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  echo 'root:x:0:' >"$root/etc/group"
  oci busybox '{"Cmd":["sh"]}' "$root"
}

build_static() { # name binary dest-path
  local root="$STAGE/$1"
  mkdir -p "$root$(dirname "$3")" "$root/etc/ssl/certs" "$root/tmp"
  cp "$NODE_BIN_DIR/$2" "$root$3"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/" 2>/dev/null || true
  chmod 1777 "$root/tmp"
  oci "$1" "{\"Entrypoint\":[\"$3\"]}" "$root"
}

# Kafka 3.9's classes for the tools whose main class moved to the tools module in 4.x.
kafka39_class() {
  case "$1" in
    org.apache.kafka.tools.AclCommand) echo kafka.admin.AclCommand ;;
    org.apache.kafka.tools.BrokerApiVersionsCommand) echo kafka.admin.BrokerApiVersionsCommand ;;
    org.apache.kafka.tools.ConsoleProducer) echo kafka.tools.ConsoleProducer ;;
  esac
}

# The layer that turns the Debian + JRE rootfs into the apache/kafka image's layout, for one Kafka release.
kafka_layer() {
  local version="${1:-$KAFKA_VERSION}" layer lib base
  layer="$STAGE/kafka-layer-$version"
  [[ -d "$layer" ]] && { echo "$layer"; return; }
  base="$(debian_rootfs)"
  lib="$CACHE_ROOT/kafka/$version/lib"
  if [[ ! -f "$CACHE_ROOT/kafka/$version/complete.json" ]]; then
    log "Kafka $version jars from Maven Central…" >&2
    (cd "$REPO" && "$NODE_BIN" -e "import('./src/local/distribution.ts').then(m => m.resolveDistribution('$version'))") >&2 \
      || die "cannot resolve the Kafka $version jars"
  fi
  mkdir -p "$layer/opt/kafka/libs" "$layer/opt/kafka/bin" "$layer/opt/kafka/config" "$layer/opt/kafka/logs" \
    "$layer/etc/kafka/docker" "$layer/etc/kafka/secrets" "$layer/var/lib/kafka/data" "$layer/usr/logs" \
    "$layer/mnt/shared/config" "$layer/home/appuser" "$layer/etc"
  cp "$lib"/*.jar "$layer/opt/kafka/libs/"
  cp "$HERE/kafka-image/bin/"*.sh "$layer/opt/kafka/bin/"
  # One launcher per Kafka tool: kafka-run-class.sh with the tool's main class (as Kafka's bin/ scripts). Those that
  # raise the heap to 512 MB do so as Kafka's own scripts do.
  local tool main heap classes="$STAGE/kafka-classes"
  for j in "$lib"/kafka*.jar; do unzip -Z1 "$j"; done >"$classes" 2>/dev/null
  while read -r tool main heap; do
    [[ -n "$tool" ]] || continue
    if ! grep -qx "${main//.//}.class" "$classes"; then
      local older
      older="$(kafka39_class "$main")"
      if [[ "$version" != "$KAFKA_VERSION" && -n "$older" ]] && grep -qx "${older//.//}.class" "$classes"; then
        main="$older"
      elif [[ "$version" != "$KAFKA_VERSION" ]]; then
        log "kafka:$version: no $tool ($main is not in the Kafka $version jars)" >&2
        continue
      else
        die "$main (for $tool) is not in the Kafka $version jars"
      fi
    fi
    {
      echo '#!/bin/bash'
      echo "# $tool of kafkaplane's test Kafka image: Kafka's $main through kafka-run-class.sh."
      [[ "$heap" == 512 ]] && echo 'if [ -z "${KAFKA_HEAP_OPTS:-}" ]; then export KAFKA_HEAP_OPTS="-Xmx512M"; fi'
      echo "exec \"\$(dirname \"\$0\")/kafka-run-class.sh\" $main \"\$@\""
    } >"$layer/opt/kafka/bin/$tool"
  done <<'TOOLS'
kafka-storage.sh kafka.tools.StorageTool
kafka-topics.sh org.apache.kafka.tools.TopicCommand
kafka-configs.sh kafka.admin.ConfigCommand
kafka-acls.sh org.apache.kafka.tools.AclCommand
kafka-metadata-quorum.sh org.apache.kafka.tools.MetadataQuorumCommand
kafka-features.sh org.apache.kafka.tools.FeatureCommand
kafka-cluster.sh org.apache.kafka.tools.ClusterTool
kafka-broker-api-versions.sh org.apache.kafka.tools.BrokerApiVersionsCommand
kafka-console-producer.sh org.apache.kafka.tools.ConsoleProducer 512
kafka-console-consumer.sh org.apache.kafka.tools.consumer.ConsoleConsumer 512
kafka-consumer-groups.sh org.apache.kafka.tools.consumer.group.ConsumerGroupCommand
kafka-share-groups.sh org.apache.kafka.tools.consumer.group.ShareGroupCommand
kafka-producer-perf-test.sh org.apache.kafka.tools.ProducerPerformance 512
kafka-consumer-perf-test.sh org.apache.kafka.tools.ConsumerPerformance 512
kafka-get-offsets.sh org.apache.kafka.tools.GetOffsetShell
kafka-reassign-partitions.sh org.apache.kafka.tools.reassign.ReassignPartitionsCommand
kafka-leader-election.sh org.apache.kafka.tools.LeaderElectionCommand
kafka-log-dirs.sh org.apache.kafka.tools.LogDirsCommand
kafka-dump-log.sh kafka.tools.DumpLogSegments
kafka-transactions.sh org.apache.kafka.tools.TransactionsCommand
kafka-delete-records.sh org.apache.kafka.tools.DeleteRecordsCommand
kafka-client-metrics.sh org.apache.kafka.tools.ClientMetricsCommand
kafka-delegation-tokens.sh org.apache.kafka.tools.DelegationTokenCommand
kafka-verifiable-producer.sh org.apache.kafka.tools.VerifiableProducer 512
kafka-verifiable-consumer.sh org.apache.kafka.tools.VerifiableConsumer 512
kafka-e2e-latency.sh org.apache.kafka.tools.EndToEndLatency
kafka-jmx.sh org.apache.kafka.tools.JmxTool
kafka-streams-application-reset.sh org.apache.kafka.tools.StreamsResetter
TOOLS
  chmod 0755 "$layer/opt/kafka/bin/"*.sh
  cp "$HERE/kafka-image/config/"* "$layer/opt/kafka/config/"
  # As the official Dockerfile: the defaults KafkaDockerWrapper starts from are copies of Kafka's config files.
  cp "$HERE/kafka-image/config/server.properties" "$HERE/kafka-image/config/log4j2.yaml" \
    "$HERE/kafka-image/config/tools-log4j2.yaml" "$layer/etc/kafka/docker/"
  cp "$HERE/kafka-image/docker/"* "$layer/etc/kafka/docker/"
  chmod 0755 "$layer/etc/kafka/docker/run"
  # appuser 1000:1000, home /home/appuser, shell /bin/bash (Alpine's `adduser -D` in the official image).
  cp "$base/etc/passwd" "$base/etc/group" "$base/etc/shadow" "$layer/etc/"
  grep -q '^appuser:' "$layer/etc/group" || echo 'appuser:x:1000:' >>"$layer/etc/group"
  grep -q '^appuser:' "$layer/etc/passwd" || echo 'appuser:x:1000:1000::/home/appuser:/bin/bash' >>"$layer/etc/passwd"
  grep -q '^appuser:' "$layer/etc/shadow" || echo 'appuser:!:19000::::::' >>"$layer/etc/shadow"
  chown -R 1000:1000 "$layer/usr/logs" "$layer/opt/kafka" "$layer/mnt/shared/config" "$layer/home/appuser"
  chown -R 1000:0 "$layer/var/lib/kafka" "$layer/etc/kafka"
  chmod -R ug+w "$layer/etc/kafka" "$layer/var/lib/kafka"
  echo "$layer"
}

KAFKA_CONFIG='{"User":"appuser","WorkingDir":"/","Cmd":["/etc/kafka/docker/run"],"ExposedPorts":{"9092/tcp":{}},
 "Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64","LANG=C.UTF-8"],
 "Volumes":{"/etc/kafka/secrets":{},"/var/lib/kafka/data":{},"/mnt/shared/config":{}}}'

build_kafka() { # [name]: kafka, or kafka-<version>
  local name="${1:-kafka}" base layer
  base="$(debian_rootfs)"
  layer="$(kafka_layer "$(version_of "$name")")"
  oci "$name" "$KAFKA_CONFIG" "$base" "$layer"
}

build_kafka_client() {
  local base layer extra="$STAGE/kcat-layer" debs="$STAGE/debs" pkgs=()
  base="$(debian_rootfs)"
  layer="$(kafka_layer)"
  mkdir -p "$extra" "$debs"
  # kcat, curl and those of their dependencies the Debian rootfs lacks, unpacked as one more layer.
  local installed
  installed="$(dpkg-query --admindir="$base/var/lib/dpkg" -W -f '${Package}\n' | sort -u)"
  while read -r p; do
    grep -qx "$p" <<<"$installed" || pkgs+=("$p")
  done < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances $CLIENT_PACKAGES \
    | grep '^[a-z0-9]' | sort -u)
  log "kafka-client: a layer of Debian packages ${pkgs[*]}"
  (cd "$debs" && apt-get download "${pkgs[@]}" >/dev/null) || die "apt-get download ${pkgs[*]} failed (run apt-get update?)"
  for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$extra"; done
  rm -rf "$extra/usr/share/doc" "$extra/usr/share/man"
  local client_config
  client_config="$(sed -e 's|"Cmd":\["/etc/kafka/docker/run"\]|"Cmd":["sleep","infinity"]|' <<<"$KAFKA_CONFIG")"
  oci kafka-client "$client_config" "$base" "$layer" "$extra"
}

# The layout the repo's Dockerfile produces: /app/{bin,dist,examples,package.json,node_modules (production only)},
# node in /usr/local/bin, user 1000, ENTRYPOINT node /app/bin/kafkaplane.js. Built here without Docker.
build_kafkaplane() {
  local base app="$STAGE/kafkaplane" nodebin
  base="$(debian_rootfs)"
  mkdir -p "$app/app" "$app/usr/local/bin"
  nodebin="$(readlink -f "$NODE_BIN")"
  cp "$nodebin" "$app/usr/local/bin/node"
  log "kafkaplane: compiling src/ (tsconfig.build.json)…"
  (cd "$REPO" && "$NODE_BIN" node_modules/typescript/bin/tsc -p tsconfig.build.json --outDir "$app/app/dist" --declaration false --sourceMap false) \
    || die "tsc -p tsconfig.build.json failed"
  # The data files under src/ (the pinned Kafka jar lists, the console's assets) that the compiled code reads next to
  # itself: the build's own rule.
  (cd "$REPO" && "$NODE_BIN" scripts/copy-assets.ts "$app/app/dist") >&2 || die "scripts/copy-assets.ts failed"
  cp -r "$REPO/bin" "$REPO/examples" "$REPO/package.json" "$app/app/"
  # Production dependencies only (what `npm ci --omit=dev` installs), copied from the installed tree.
  mkdir -p "$app/app/node_modules"
  # npm ls exits 1 on any extraneous or invalid package in the shared tree; the list it prints is what counts.
  { (cd "$REPO" && npm ls --omit=dev --all --parseable 2>/dev/null) || true; } | while read -r p; do
    [[ "$p" == "$REPO" || "$p" == "$(readlink -f "$REPO")" ]] && continue
    local rel="${p#*/node_modules/}"
    [[ -d "$app/app/node_modules/$rel" ]] && continue
    mkdir -p "$app/app/node_modules/$(dirname "$rel")"
    cp -r "$p" "$app/app/node_modules/$rel"
  done
  [[ -d "$app/app/node_modules/commander" ]] || die "the production dependencies were not found (npm ls --omit=dev)"
  chown -R 0:0 "$app/app"
  oci kafkaplane '{"User":"1000:1000","WorkingDir":"/app","Entrypoint":["node","/app/bin/kafkaplane.js"],"Cmd":["--help"],"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","NODE_ENV=production"]}' "$base" "$app"
}

for name in "${NAMES[@]}"; do
  if up_to_date "$name"; then
    log "$name: $(ref_of "$name") up to date"
    continue
  fi
  start=$SECONDS
  case "$name" in
    pause) build_pause ;;
    busybox) build_busybox ;;
    coredns) build_static coredns coredns /coredns ;;
    local-path-provisioner) build_static local-path-provisioner local-path-provisioner /usr/bin/local-path-provisioner ;;
    kafka) build_kafka ;;
    kafka-[0-9]*) build_kafka "$name" ;;
    kafka-client) build_kafka_client ;;
    kafkaplane) build_kafkaplane ;;
  esac
  log "$name built in $((SECONDS - start)) s"
done
