#!/usr/bin/env bash
# Builds the node half of the one-node test Kubernetes (kubelet, kube-controller-manager, kube-scheduler, kube-proxy,
# CoreDNS, Rancher's local-path-provisioner) from the Go module proxy, with the same recipe and Kubernetes version as
# scripts/control-plane/build.sh (which it runs first: etcd, kube-apiserver, kubectl), and caches the binaries in
#   ${KAFKAPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafkaplane}/kube-node/<k8s-version>/bin/
#
# Idempotent: binaries that are there and report the pinned version are not built again.
#
# Usage:
#   scripts/kube-node/build.sh                  build what is missing
#   scripts/kube-node/build.sh --force          rebuild all six
#   scripts/kube-node/build.sh --print-bin-dir  print the bin dir and exit
#   scripts/kube-node/build.sh --print-versions print the pinned versions (NAME=VERSION lines) and exit
#
# Environment: as scripts/control-plane/build.sh (KAFKAPLANE_K8S_VERSION, KAFKAPLANE_CACHE, KAFKAPLANE_BUILD_JOBS),
# plus KAFKAPLANE_COREDNS_VERSION and KAFKAPLANE_LOCAL_PATH_VERSION.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CP_BUILD="$HERE/../control-plane/build.sh"

# Pinned versions. CoreDNS v1.14 and v1.15 are served by the Go module proxy; local-path-provisioner: v0.0.33 is
# the newest version the proxy serves (v0.0.31/32/34 answer 403 there).
DEFAULT_COREDNS_VERSION=v1.14.7
DEFAULT_LOCAL_PATH_VERSION=v0.0.33

K8S_VERSION="$(bash "$CP_BUILD" --print-version)"
COREDNS_VERSION="${KAFKAPLANE_COREDNS_VERSION:-$DEFAULT_COREDNS_VERSION}"
LOCAL_PATH_VERSION="${KAFKAPLANE_LOCAL_PATH_VERSION:-$DEFAULT_LOCAL_PATH_VERSION}"
CACHE_ROOT="${KAFKAPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafkaplane}"
DEST="$CACHE_ROOT/kube-node/$K8S_VERSION"
BIN="$DEST/bin"
JOBS="${KAFKAPLANE_BUILD_JOBS:-2}"
K8S_BINS=(kubelet kube-controller-manager kube-scheduler kube-proxy)

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --print-bin-dir) echo "$BIN"; exit 0 ;;
    --print-versions)
      printf 'KUBERNETES=%s\nCOREDNS=%s\nLOCAL_PATH_PROVISIONER=%s\n' "$K8S_VERSION" "$COREDNS_VERSION" "$LOCAL_PATH_VERSION"
      exit 0 ;;
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

log() { printf '[kube-node %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[kube-node] ERROR: %s\n' "$*" >&2; exit 1; }

[[ "$K8S_VERSION" =~ ^v1\.([0-9]+)\.([0-9]+)$ ]] || die "bad Kubernetes version '$K8S_VERSION'"
K8S_MINOR="${BASH_REMATCH[1]}"
STAGING_VERSION="v0.${K8S_MINOR}.${BASH_REMATCH[2]}"

# Each binary is checked by what it prints of its own version.
k8s_ok() { [[ -x "$BIN/$1" && "$("$BIN/$1" --version 2>/dev/null)" == *"$K8S_VERSION"* ]]; }
# CoreDNS with the plugins of scripts/kube-node/coredns/main.go only (no route53: not the full plugin list).
coredns_ok() {
  [[ -x "$BIN/coredns" && "$("$BIN/coredns" -version 2>/dev/null)" == *"CoreDNS-${COREDNS_VERSION#v}"* ]] || return 1
  local plugins
  plugins="$("$BIN/coredns" -plugins 2>/dev/null)"
  grep -qx kubernetes <<<"$plugins" && ! grep -qx route53 <<<"$plugins"
}
# local-path-provisioner prints the version it was linked with (-X main.VERSION).
local_path_ok() { [[ -x "$BIN/local-path-provisioner" && "$("$BIN/local-path-provisioner" --version 2>/dev/null)" == *"$LOCAL_PATH_VERSION"* ]]; }
all_ok() {
  local b
  for b in "${K8S_BINS[@]}"; do k8s_ok "$b" || return 1; done
  coredns_ok && local_path_ok
}

# The control plane first: it also provides Go when the machine has none (a pinned toolchain from the proxy).
bash "$CP_BUILD"

if [[ "$FORCE" == 0 ]] && all_ok; then
  log "kubelet, kube-controller-manager, kube-scheduler, kube-proxy $K8S_VERSION, CoreDNS $COREDNS_VERSION and local-path-provisioner $LOCAL_PATH_VERSION already built in $BIN"
  exit 0
fi

GO="$(command -v go || true)"
if [[ -z "$GO" && -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go; fi
if [[ -z "$GO" || -n "${KAFKAPLANE_BOOTSTRAP_GO:-}" ]]; then
  # The toolchain scripts/control-plane/build.sh fetched from the module proxy.
  GO="$(ls -d "$CACHE_ROOT"/go/go*/bin/go 2>/dev/null | sort -V | tail -n1 || true)"
  [[ -x "$GO" ]] || die "no Go toolchain: install Go >= 1.25 or run scripts/control-plane/build.sh"
fi
log "using $("$GO" version) ($GO)"

mkdir -p "$DEST" "$BIN"
exec 9>"$DEST/.lock"
if ! flock -n 9; then
  log "another build of the node binaries is running; waiting for it…"
  flock 9
fi
if [[ "$FORCE" == 0 ]] && all_ok; then log "built by the other build in $BIN"; exit 0; fi
rm -rf "$DEST"/.build.*
WORK="$(mktemp -d "$DEST/.build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
OUT="$WORK/out"
mkdir -p "$OUT"

export GOFLAGS=-mod=mod GOWORK=off CGO_ENABLED=0
NICE=(nice -n 10)
START_ALL=$SECONDS

install_bin() { chmod 0755 "$OUT/$1" && mv -f "$OUT/$1" "$BIN/$1"; }

# --- kubelet, kube-controller-manager, kube-scheduler, kube-proxy: the control plane's recipe ------------------------
need_k8s=()
for b in "${K8S_BINS[@]}"; do
  if [[ "$FORCE" == 1 ]] || ! k8s_ok "$b"; then need_k8s+=("$b"); fi
done
if [[ ${#need_k8s[@]} -gt 0 ]]; then
  K8S_JSON="$("$GO" mod download -json "k8s.io/kubernetes@$K8S_VERSION")" || die "cannot download k8s.io/kubernetes@$K8S_VERSION"
  K8S_GOMOD="$(printf '%s\n' "$K8S_JSON" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p' | head -n1)"
  [[ -f "$K8S_GOMOD" ]] || die "no go.mod for k8s.io/kubernetes@$K8S_VERSION"
  mapfile -t STAGING < <(
    sed -n -E 's#^[[:space:]]*(require[[:space:]]+)?(k8s\.io/[A-Za-z0-9._/-]+)[[:space:]]+v0\.0\.0([[:space:]].*)?$#\2#p' "$K8S_GOMOD" | sort -u
  )
  [[ ${#STAGING[@]} -gt 0 ]] || die "no staging modules found in $K8S_GOMOD"
  REPLACES=()
  for m in "${STAGING[@]}"; do REPLACES+=("-replace=$m=$m@$STAGING_VERSION"); done
  mkdir -p "$WORK/k8s"
  "$GO" -C "$WORK/k8s" mod init kafkaplane.local/kube-build 2>/dev/null
  "$GO" -C "$WORK/k8s" mod edit -require="k8s.io/kubernetes@$K8S_VERSION" "${REPLACES[@]}"
  BUILD_DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  LDFLAGS="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    LDFLAGS+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$K8S_MINOR"
    LDFLAGS+=" -X $p.gitTreeState=clean -X $p.buildDate=$BUILD_DATE"
  done
  for b in "${need_k8s[@]}"; do
    start=$SECONDS
    log "building $b $K8S_VERSION…"
    "${NICE[@]}" "$GO" -C "$WORK/k8s" build -p "$JOBS" -trimpath -ldflags "$LDFLAGS" -o "$OUT/$b" "k8s.io/kubernetes/cmd/$b" \
      || die "$b build failed (see above)"
    [[ "$("$OUT/$b" --version)" == *"$K8S_VERSION"* ]] || die "the freshly built $b does not report $K8S_VERSION"
    install_bin "$b"
    log "$b built in $((SECONDS - start)) s"
  done
fi

# --- CoreDNS ----------------------------------------------------------------------------------------------------------
if [[ "$FORCE" == 1 ]] || ! coredns_ok; then
  start=$SECONDS
  log "building CoreDNS $COREDNS_VERSION…"
  mkdir -p "$WORK/coredns"
  "$GO" -C "$WORK/coredns" mod init kafkaplane.local/coredns-build 2>/dev/null
  "$GO" -C "$WORK/coredns" get "github.com/coredns/coredns@$COREDNS_VERSION" || die "cannot fetch CoreDNS $COREDNS_VERSION"
  # Not CoreDNS's own main package: it imports every plugin of plugin.cfg and with them every cloud SDK (AWS, Azure,
  # GCP, …), which tripled the cold build. coredns/main.go links the plugins the node's Corefile uses.
  cp "$HERE/coredns/main.go" "$WORK/coredns/main.go"
  "${NICE[@]}" "$GO" -C "$WORK/coredns" build -p "$JOBS" -trimpath -ldflags "-s -w" -o "$OUT/coredns" . \
    || die "CoreDNS build failed"
  install_bin coredns
  coredns_ok || die "the built CoreDNS does not report ${COREDNS_VERSION}"
  log "CoreDNS built in $((SECONDS - start)) s"
fi

# --- local-path-provisioner ------------------------------------------------------------------------------------------
if [[ "$FORCE" == 1 ]] || ! local_path_ok; then
  start=$SECONDS
  log "building local-path-provisioner $LOCAL_PATH_VERSION…"
  mkdir -p "$WORK/lpp"
  "$GO" -C "$WORK/lpp" mod init kafkaplane.local/local-path-build 2>/dev/null
  "$GO" -C "$WORK/lpp" get "github.com/rancher/local-path-provisioner@$LOCAL_PATH_VERSION" \
    || die "cannot fetch local-path-provisioner $LOCAL_PATH_VERSION"
  "${NICE[@]}" "$GO" -C "$WORK/lpp" build -p "$JOBS" -trimpath -ldflags "-s -w -X main.VERSION=$LOCAL_PATH_VERSION" \
    -o "$OUT/local-path-provisioner" github.com/rancher/local-path-provisioner || die "local-path-provisioner build failed"
  install_bin local-path-provisioner
  local_path_ok || die "the built local-path-provisioner does not report $LOCAL_PATH_VERSION"
  log "local-path-provisioner built in $((SECONDS - start)) s"
fi

all_ok || die "binaries installed in $BIN but they do not report the expected versions"
log "done in $((SECONDS - START_ALL)) s: $BIN"
