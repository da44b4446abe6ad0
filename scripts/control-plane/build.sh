#!/usr/bin/env bash
# Builds a real Kubernetes control plane for tests (etcd, kube-apiserver, kubectl)
# from the Go module proxy and caches the binaries outside the repository in
#   ${KAFKAPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafkaplane}/control-plane/<k8s-version>/bin/
#
# Idempotent: when the three binaries are already there and answer --version,
# it exits 0 at once. See scripts/control-plane/README.md.
#
# Usage:
#   scripts/control-plane/build.sh               build if needed
#   scripts/control-plane/build.sh --force       rebuild even if the binaries are there
#   scripts/control-plane/build.sh --print-bin-dir   print the bin dir and exit (no build)
#   scripts/control-plane/build.sh --print-version   print the Kubernetes version and exit
#
# Environment:
#   KAFKAPLANE_K8S_VERSION   Kubernetes version (default below)
#   KAFKAPLANE_ETCD_VERSION  etcd version (default below)
#   KAFKAPLANE_CACHE         cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/kafkaplane)
#   KAFKAPLANE_BUILD_JOBS    go build -p (default 2)
#   KAFKAPLANE_BOOTSTRAP_GO  use the pinned Go from the module proxy even when `go` is on PATH
set -euo pipefail

# Kubernetes v1.34 wants etcd 3.6 (its go.mod pins the etcd 3.6 client; kubeadm 1.34 uses etcd 3.6.5).
DEFAULT_K8S_VERSION=v1.34.4
DEFAULT_ETCD_VERSION=v3.6.16

K8S_VERSION="${KAFKAPLANE_K8S_VERSION:-$DEFAULT_K8S_VERSION}"
ETCD_VERSION="${KAFKAPLANE_ETCD_VERSION:-$DEFAULT_ETCD_VERSION}"
CACHE_ROOT="${KAFKAPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafkaplane}"
DEST="$CACHE_ROOT/control-plane/$K8S_VERSION"
BIN="$DEST/bin"
JOBS="${KAFKAPLANE_BUILD_JOBS:-2}"

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --print-bin-dir) echo "$BIN"; exit 0 ;;
    --print-version) echo "$K8S_VERSION"; exit 0 ;;
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

log() { printf '[control-plane %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[control-plane] ERROR: %s\n' "$*" >&2; exit 1; }

if [[ ! "$K8S_VERSION" =~ ^v1\.([0-9]+)\.([0-9]+)$ ]]; then
  die "KAFKAPLANE_K8S_VERSION must look like v1.34.4, got '$K8S_VERSION'"
fi
K8S_MINOR="${BASH_REMATCH[1]}"
STAGING_VERSION="v0.${K8S_MINOR}.${BASH_REMATCH[2]}"

# binaries_ok: all three binaries exist, are executable and report the expected versions.
binaries_ok() {
  local out
  [[ -x "$BIN/etcd" && -x "$BIN/kube-apiserver" && -x "$BIN/kubectl" ]] || return 1
  out="$("$BIN/kube-apiserver" --version 2>/dev/null)" || return 1
  [[ "$out" == *"$K8S_VERSION"* ]] || return 1
  out="$("$BIN/etcd" --version 2>/dev/null)" || return 1
  [[ "$out" == *"${ETCD_VERSION#v}"* ]] || return 1
  out="$("$BIN/kubectl" version --client 2>/dev/null)" || return 1
  [[ "$out" == *"$K8S_VERSION"* ]] || return 1
  return 0
}

if [[ "$FORCE" == 0 ]] && binaries_ok; then
  log "kube-apiserver/kubectl $K8S_VERSION and etcd $ETCD_VERSION already built in $BIN"
  exit 0
fi

# --- Go toolchain -----------------------------------------------------------------------
# Go from PATH, else a pinned Go release fetched from the Go module proxy itself (the toolchain zips `go` uses for
# GOTOOLCHAIN downloads live there as golang.org/toolchain), checksummed and cached: a machine with only Node and
# Java gets the control plane too.
GO_BOOTSTRAP_VERSION=go1.26.8
declare -A GO_BOOTSTRAP_SHA256=(
  [linux-amd64]=30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7
  [linux-arm64]=02b36b6787b3ac767668f630e2998df45a3b1f9ffee08d1bf3ef6487cd658d99
)

fetch() { # url file
  if command -v curl >/dev/null 2>&1; then curl -fsSL --retry 3 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then wget -q -O "$2" "$1"
  elif [[ -n "${NODE:-}" ]]; then "$NODE" -e 'const [u,f]=process.argv.slice(1);fetch(u).then(async r=>{if(!r.ok)throw new Error(`HTTP ${r.status}`);require("fs").writeFileSync(f,Buffer.from(await r.arrayBuffer()))}).catch(e=>{console.error(e.message);process.exit(1)})' "$1" "$2"
  else die "need curl, wget or node to download $1"; fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

unpack_zip() { # zip dir
  if command -v unzip >/dev/null 2>&1; then unzip -q "$1" -d "$2"
  elif command -v python3 >/dev/null 2>&1; then python3 -m zipfile -e "$1" "$2"
  elif command -v busybox >/dev/null 2>&1; then busybox unzip -q "$1" -d "$2"
  elif command -v jar >/dev/null 2>&1; then (cd "$2" && jar xf "$1")
  else die "need unzip, python3, busybox or the JDK's jar to unpack $1"; fi
}

bootstrap_go() {
  local os arch platform root zip expected actual
  os="$(uname -s | tr '[:upper:]' '[:lower:]')"
  case "$(uname -m)" in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
  platform="$os-$arch"
  expected="${GO_BOOTSTRAP_SHA256[$platform]:-}"
  [[ -n "$expected" ]] || die "'go' not found, and no pinned Go toolchain for $platform: install Go >= 1.24 (https://go.dev/dl/) and re-run $0"
  root="$CACHE_ROOT/go/$GO_BOOTSTRAP_VERSION.$platform"
  if [[ ! -x "$root/bin/go" ]]; then
    log "'go' not found: fetching $GO_BOOTSTRAP_VERSION for $platform from the Go module proxy (~65 MB, once)"
    mkdir -p "$CACHE_ROOT/go"
    zip="$(mktemp "$CACHE_ROOT/go/.toolchain.XXXXXX")"
    fetch "${GOPROXY_BOOTSTRAP:-https://proxy.golang.org}/golang.org/toolchain/@v/v0.0.1-$GO_BOOTSTRAP_VERSION.$platform.zip" "$zip"
    actual="$(sha256_of "$zip")"
    if [[ "$actual" != "$expected" ]]; then rm -f "$zip"; die "the Go toolchain download has sha256 $actual, expected $expected"; fi
    rm -rf "$root.tmp" && mkdir -p "$root.tmp"
    unpack_zip "$zip" "$root.tmp"
    rm -f "$zip"
    mv "$root.tmp/golang.org/toolchain@v0.0.1-$GO_BOOTSTRAP_VERSION.$platform" "$root"
    rm -rf "$root.tmp"
    # Unpackers other than unzip drop the executable bits.
    chmod +x "$root/bin/"* "$root/pkg/tool/"*/* 2>/dev/null || true
  fi
  GO="$root/bin/go"
}

GO="$(command -v go || true)"
if [[ -z "$GO" && -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go; fi
if [[ -z "$GO" || -n "${KAFKAPLANE_BOOTSTRAP_GO:-}" ]]; then bootstrap_go; fi
log "using $("$GO" version) ($GO)"

mkdir -p "$DEST" "$BIN"

# One build at a time per version (a second caller waits, then finds the binaries built).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$DEST/.lock"
  if ! flock -n 9; then
    log "another build of $K8S_VERSION is running; waiting for it…"
    flock 9
  fi
  if [[ "$FORCE" == 0 ]] && binaries_ok; then
    log "binaries were built by the other build in $BIN"
    exit 0
  fi
  # Leftovers of builds that were killed (SIGKILL skips the EXIT trap). Safe: we hold the lock.
  rm -rf "$DEST"/.build.*
fi

WORK="$(mktemp -d "$DEST/.build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
OUT="$WORK/out"
mkdir -p "$OUT"

# Build environment. GOMODCACHE/GOCACHE stay at their defaults so they are reused.
export GOFLAGS=-mod=mod
export GOWORK=off
export CGO_ENABLED=0
NICE=()
if command -v nice >/dev/null 2>&1; then NICE=(nice -n 10); fi
START_ALL=$SECONDS

# --- resolve k8s.io/kubernetes first (fail fast on a bad version) ---------------------------
log "resolving k8s.io/kubernetes@$K8S_VERSION and its staging modules…"
K8S_JSON="$("$GO" mod download -json "k8s.io/kubernetes@$K8S_VERSION")" \
  || die "cannot download k8s.io/kubernetes@$K8S_VERSION from the Go module proxy"
K8S_GOMOD="$(printf '%s\n' "$K8S_JSON" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p' | head -n1)"
[[ -f "$K8S_GOMOD" ]] || die "could not find the go.mod of k8s.io/kubernetes@$K8S_VERSION (got '$K8S_GOMOD')"

# Every staging module is required at v0.0.0 (and replaced by ./staging/... which only works
# inside the kubernetes repo). Map each to its published v0.<minor>.<patch> tag.
mapfile -t STAGING < <(
  sed -n -E 's#^[[:space:]]*(require[[:space:]]+)?(k8s\.io/[A-Za-z0-9._/-]+)[[:space:]]+v0\.0\.0([[:space:]].*)?$#\2#p' "$K8S_GOMOD" | sort -u
)
[[ ${#STAGING[@]} -gt 0 ]] || die "no k8s.io/* v0.0.0 staging requirements found in $K8S_GOMOD"
log "${#STAGING[@]} staging modules → $STAGING_VERSION"

# --- etcd -------------------------------------------------------------------------------
if [[ "$FORCE" == 0 && -x "$BIN/etcd" && "$("$BIN/etcd" --version 2>/dev/null)" == *"${ETCD_VERSION#v}"* ]]; then
  log "etcd $ETCD_VERSION already in $BIN"
else
  log "building etcd $ETCD_VERSION (cold build takes ~2-3 min on 2 cores)…"
  start=$SECONDS
  mkdir -p "$WORK/etcd"
  "$GO" -C "$WORK/etcd" mod init kafkaplane.local/etcd-build 2>/dev/null \
    || die "go mod init failed in $WORK/etcd"
  # `go install go.etcd.io/etcd/server/v3@…` refuses (the module has replace directives);
  # a scratch module that requires it works.
  "$GO" -C "$WORK/etcd" get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" \
    || die "cannot fetch go.etcd.io/etcd/server/v3@$ETCD_VERSION from the Go module proxy"
  "${NICE[@]}" "$GO" -C "$WORK/etcd" build -p "$JOBS" -trimpath -ldflags "-s -w" -o "$OUT/etcd" go.etcd.io/etcd/server/v3 \
    || die "etcd $ETCD_VERSION build failed (see output above)"
  "$OUT/etcd" --version >/dev/null || die "the freshly built etcd does not run"
  chmod 0755 "$OUT/etcd" && mv -f "$OUT/etcd" "$BIN/etcd"   # rename: atomic
  log "etcd built in $((SECONDS - start)) s"
fi

# --- kube-apiserver + kubectl -------------------------------------------------------------
mkdir -p "$WORK/k8s"
REPLACES=()
for m in "${STAGING[@]}"; do REPLACES+=("-replace=$m=$m@$STAGING_VERSION"); done
"$GO" -C "$WORK/k8s" mod init kafkaplane.local/kube-build 2>/dev/null \
  && "$GO" -C "$WORK/k8s" mod edit -require="k8s.io/kubernetes@$K8S_VERSION" "${REPLACES[@]}" \
  || die "could not prepare the scratch module for k8s.io/kubernetes@$K8S_VERSION in $WORK/k8s"

PKG=k8s.io/component-base/version
CPKG=k8s.io/client-go/pkg/version
BUILD_DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
LDFLAGS="-s -w"
for p in "$PKG" "$CPKG"; do
  LDFLAGS+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$K8S_MINOR"
  LDFLAGS+=" -X $p.gitTreeState=clean -X $p.buildDate=$BUILD_DATE"
done

build_k8s() { # $1 = command name
  local name="$1" start=$SECONDS
  "${NICE[@]}" "$GO" -C "$WORK/k8s" build -p "$JOBS" -trimpath -ldflags "$LDFLAGS" -o "$OUT/$name" "k8s.io/kubernetes/cmd/$name" \
    || die "$name $K8S_VERSION build failed (see output above)"
  log "$name built in $((SECONDS - start)) s"
}

log "building kube-apiserver $K8S_VERSION (cold build takes ~10-15 min on 2 cores)…"
build_k8s kube-apiserver
[[ "$("$OUT/kube-apiserver" --version)" == *"$K8S_VERSION"* ]] \
  || die "the freshly built kube-apiserver does not report $K8S_VERSION"

log "building kubectl $K8S_VERSION (~1-2 min more: it shares most packages with kube-apiserver)…"
build_k8s kubectl
[[ "$("$OUT/kubectl" version --client)" == *"$K8S_VERSION"* ]] \
  || die "the freshly built kubectl does not report $K8S_VERSION"

# --- install atomically ----------------------------------------------------------------------
# mv within one filesystem is a rename: a killed build never leaves a half-written binary.
for name in kubectl kube-apiserver; do
  if [[ -f "$OUT/$name" ]]; then
    chmod 0755 "$OUT/$name"
    mv -f "$OUT/$name" "$BIN/$name"
  fi
done

binaries_ok || die "binaries installed in $BIN but they do not report the expected versions"
log "done in $((SECONDS - START_ALL)) s: $BIN/{etcd,kube-apiserver,kubectl}"
