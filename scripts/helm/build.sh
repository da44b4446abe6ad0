#!/usr/bin/env bash
# Builds Helm from the Go module proxy (helm.sh/helm/v4, falling back to helm.sh/helm/v3) and caches the binary
# outside the repository in
#   ${KAFKAPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafkaplane}/helm/<version>/bin/helm
# The operator chart's test (test/integration/operator/helm.test.ts) runs `helm lint` and `helm template` with it.
#
# Idempotent: when the binary is there and answers `version`, it exits 0 at once.
#
# Usage:
#   scripts/helm/build.sh                  build if needed
#   scripts/helm/build.sh --force          rebuild
#   scripts/helm/build.sh --print-bin      print the path of the helm binary (no build)
#
# Environment:
#   KAFKAPLANE_HELM_VERSION   v4.x.y (module helm.sh/helm/v4) or v3.x.y (helm.sh/helm/v3); default below
#   KAFKAPLANE_CACHE          cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/kafkaplane)
#   KAFKAPLANE_BUILD_JOBS     go build -p (default 2)
set -euo pipefail

DEFAULT_HELM_VERSION=v4.3.2
FALLBACK_HELM_VERSION=v3.21.4
VERSION="${KAFKAPLANE_HELM_VERSION:-$DEFAULT_HELM_VERSION}"
CACHE_ROOT="${KAFKAPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafkaplane}"
JOBS="${KAFKAPLANE_BUILD_JOBS:-2}"

bin_of() { echo "$CACHE_ROOT/helm/$1/bin/helm"; }

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --print-bin)
      # The default version when it is built, else the fallback when that is.
      if [[ -z "${KAFKAPLANE_HELM_VERSION:-}" && ! -x "$(bin_of "$VERSION")" && -x "$(bin_of "$FALLBACK_HELM_VERSION")" ]]; then bin_of "$FALLBACK_HELM_VERSION"; else bin_of "$VERSION"; fi
      exit 0 ;;
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

log() { printf '[helm %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[helm] ERROR: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || die "go is not on PATH (Helm is built from the Go module proxy)"

build() {
  local version="$1" module
  case "$version" in
    v4.*) module=helm.sh/helm/v4 ;;
    v3.*) module=helm.sh/helm/v3 ;;
    *) die "KAFKAPLANE_HELM_VERSION must look like v4.3.2 or v3.21.4, got '$version'" ;;
  esac
  local dest="$CACHE_ROOT/helm/$version"
  if [[ "$FORCE" == 0 && -x "$dest/bin/helm" ]] && "$dest/bin/helm" version --short >/dev/null 2>&1; then
    log "cached: $dest/bin/helm ($("$dest/bin/helm" version --short))"
    return 0
  fi
  mkdir -p "$dest"
  local tmp
  tmp="$(mktemp -d "$dest/.build.XXXXXX")"
  log "building $module/cmd/helm@$version (go install -p $JOBS; a few minutes on 2 cores)"
  if ! GOBIN="$tmp" GOFLAGS=-mod=mod CGO_ENABLED=0 go install -p "$JOBS" -trimpath -ldflags "-s -w -X helm.sh/helm/${module##*/}/internal/version.version=$version" "$module/cmd/helm@$version"; then
    rm -rf "$tmp"
    return 1
  fi
  mkdir -p "$dest/bin"
  mv "$tmp/helm" "$dest/bin/helm"
  rm -rf "$tmp"
  "$dest/bin/helm" version --short >/dev/null || { rm -f "$dest/bin/helm"; return 1; }
  log "built $dest/bin/helm ($("$dest/bin/helm" version --short))"
}

if build "$VERSION"; then exit 0; fi
if [[ -z "${KAFKAPLANE_HELM_VERSION:-}" ]]; then
  log "building $VERSION failed; falling back to $FALLBACK_HELM_VERSION"
  build "$FALLBACK_HELM_VERSION" && exit 0
fi
die "could not build Helm (see the go output above)"
