#!/usr/bin/env bash
# Fetches cert-manager from the Go module proxy and caches, outside the repository, in
#   ${KAFKAPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafkaplane}/cert-manager/<version>/
#     crds/*.yaml                       cert-manager's own CRDs (deploy/crds of the module)
#     bin/cert-manager-controller-<h>   cert-manager's controllers (SelfSigned + CA issuers, Certificates) built
#                                       from scripts/cert-manager/main.go (h = its hash); runs out of cluster
#
# Usage: scripts/cert-manager/build.sh [--crds-only] [--print-dir]
# Environment: KAFKAPLANE_CERT_MANAGER_VERSION (default below), KAFKAPLANE_CACHE, KAFKAPLANE_BUILD_JOBS (default 2)
set -euo pipefail
VERSION="${KAFKAPLANE_CERT_MANAGER_VERSION:-v1.21.2}"
CACHE_ROOT="${KAFKAPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafkaplane}"
DEST="$CACHE_ROOT/cert-manager/$VERSION"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JOBS="${KAFKAPLANE_BUILD_JOBS:-2}"
CRDS_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --crds-only) CRDS_ONLY=1 ;;
    --print-dir) echo "$DEST"; exit 0 ;;
    *) echo "build.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done
log() { printf '[cert-manager %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[cert-manager] ERROR: %s\n' "$*" >&2; exit 1; }

GO="$(command -v go || true)"
[[ -z "$GO" && -x /usr/local/go/bin/go ]] && GO=/usr/local/go/bin/go
if [[ -z "$GO" ]]; then
  # The control-plane build fetches a pinned Go from the module proxy when none is installed; reuse it.
  bash "$HERE/../control-plane/build.sh" >/dev/null
  GO="$(ls -d "$CACHE_ROOT"/go/*/bin/go 2>/dev/null | head -n1)"
  [[ -x "$GO" ]] || die "no Go toolchain: install Go >= 1.26 (cert-manager $VERSION needs it)"
fi
HASH="$(cat "$HERE/main.go" "$0" | sha256sum | cut -c1-12)"
BIN="$DEST/bin/cert-manager-controller-$HASH"

mkdir -p "$DEST"
exec 9>"$DEST/.lock"
flock 9

if [[ ! -f "$DEST/crds/.done" ]]; then
  log "fetching github.com/cert-manager/cert-manager@$VERSION from the Go module proxy…"
  DIR="$(GOFLAGS=-mod=mod "$GO" mod download -json "github.com/cert-manager/cert-manager@$VERSION" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -n1)"
  [[ -d "$DIR/deploy/crds" ]] || die "github.com/cert-manager/cert-manager@$VERSION has no deploy/crds"
  rm -rf "$DEST/crds" && mkdir -p "$DEST/crds"
  cp "$DIR"/deploy/crds/*.yaml "$DEST/crds/" && chmod 0644 "$DEST"/crds/*.yaml
  touch "$DEST/crds/.done"
fi
[[ "$CRDS_ONLY" == 1 ]] && exit 0

if [[ -x "$BIN" ]]; then log "controller already built: $BIN"; exit 0; fi
start=$SECONDS
WORK="$(mktemp -d "$DEST/.build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
cp "$HERE/main.go" "$WORK/main.go"
export GOFLAGS=-mod=mod GOWORK=off CGO_ENABLED=0 GOTOOLCHAIN=local
"$GO" -C "$WORK" mod init kafkaplane.local/cert-manager-controller >/dev/null 2>&1
"$GO" -C "$WORK" get "github.com/cert-manager/cert-manager@$VERSION" || die "cannot fetch cert-manager $VERSION"
"$GO" -C "$WORK" mod tidy || die "go mod tidy failed"
log "building cert-manager $VERSION controllers (cold: several minutes on 2 cores)…"
nice -n 10 "$GO" -C "$WORK" build -p "$JOBS" -trimpath -ldflags "-s -w" -o "$WORK/out" . || die "build failed"
mkdir -p "$DEST/bin" && mv -f "$WORK/out" "$BIN"
log "built $BIN in $((SECONDS - start)) s"
