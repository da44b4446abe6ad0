#!/usr/bin/env bash
# Tears down the one-node test Kubernetes that test/helpers/kube-node.ts (or scripts/kube-node/up.ts) started, from
# what it recorded in its node dir — also after a crash or a SIGKILL of the test process (the helper's watchdog runs
# this script then). Idempotent; safe to run when nothing is up.
#
#   scripts/kube-node/down.sh            tear down the node in ${KAFKAPLANE_NODE_DIR:-/tmp/kafkaplane-node}
#
# Order: node components (kubelet first, so nothing restarts containers) → every container through containerd
# (SIGKILL to the task: a pod's PID 1 ignores SIGTERM sent from the host) and runc → containerd and its shims →
# kube-proxy's and the CNI plugins' iptables rules → mounts (overlay rootfs, shm, netns, pod volumes) → the bridge →
# the sysctls it changed → the control plane → the node dir (its logs are kept in <node dir>.last-logs/).
set -uo pipefail

NODE_DIR="${KAFKAPLANE_NODE_DIR:-/tmp/kafkaplane-node}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { printf '[kube-node down %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

[[ -d "$NODE_DIR" ]] || { log "nothing to tear down ($NODE_DIR does not exist)"; exit 0; }
ENV_FILE="$NODE_DIR/node.env"
# shellcheck disable=SC1090
[[ -f "$ENV_FILE" ]] && . "$ENV_FILE"
BRIDGE="${BRIDGE:-kpnode0}"
SOCK="${CONTAINERD_SOCK:-$NODE_DIR/run/containerd.sock}"
RUNC_ROOT="${RUNC_ROOT:-$NODE_DIR/run/runc}"

# alive PID [MARK]: the process exists and its command line mentions MARK (so a recycled pid is never signalled).
alive() {
  [[ -r "/proc/$1/cmdline" ]] || return 1
  [[ -z "${2:-}" ]] && return 0
  { tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null | grep -qF -- "$2"
}

# stop NAME: SIGTERM the recorded process, SIGKILL it after 10 s.
stop_recorded() {
  local name="$1" pid mark
  [[ -f "$NODE_DIR/pids/$name" ]] || return 0
  read -r pid mark <"$NODE_DIR/pids/$name"
  if alive "$pid" "$mark"; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 40); do alive "$pid" "$mark" || break; sleep 0.25; done
    if alive "$pid" "$mark"; then kill -KILL "$pid" 2>/dev/null; sleep 0.2; fi
  fi
  rm -f "$NODE_DIR/pids/$name"
}

# The watchdog would run this script again; it is not needed any more.
stop_recorded watchdog
for c in kube-scheduler kube-controller-manager kubelet; do stop_recorded "$c"; done

CTR=(ctr --address "$SOCK" -n k8s.io)
if [[ -S "$SOCK" ]] && "${CTR[@]}" version >/dev/null 2>&1; then
  tasks="$("${CTR[@]}" tasks ls -q 2>/dev/null)"
  if [[ -n "$tasks" ]]; then
    log "killing $(wc -w <<<"$tasks") container task(s) through containerd"
    for t in $tasks; do "${CTR[@]}" tasks kill -a -s SIGKILL "$t" >/dev/null 2>&1; done
    for _ in $(seq 1 40); do
      running="$("${CTR[@]}" tasks ls 2>/dev/null | awk 'NR>1 && $3=="RUNNING"{print $1}')"
      [[ -z "$running" ]] && break
      sleep 0.25
    done
    for t in $tasks; do "${CTR[@]}" tasks delete -f "$t" >/dev/null 2>&1; done
  fi
  containers="$("${CTR[@]}" containers ls -q 2>/dev/null)"
  if [[ -n "$containers" ]]; then
    log "removing $(wc -w <<<"$containers") container(s)"
    for c in $containers; do "${CTR[@]}" containers delete "$c" >/dev/null 2>&1; done
  fi
fi

# Whatever runc still knows of (containerd gone, or a task it lost): kill and delete.
if [[ -d "$RUNC_ROOT" ]]; then
  for ns in "$RUNC_ROOT"/*; do
    [[ -d "$ns" ]] || continue
    for id in $(runc --root "$ns" list -q 2>/dev/null); do
      runc --root "$ns" kill --all "$id" KILL >/dev/null 2>&1
      sleep 0.2
      runc --root "$ns" delete -f "$id" >/dev/null 2>&1
    done
  done
fi

stop_recorded containerd
# Shims of this containerd (they outlive it by design): by their -address argument.
for p in /proc/[0-9]*; do
  pid="${p#/proc/}"
  cmd="$( { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null)" || continue
  if [[ "$cmd" == *containerd-shim* && "$cmd" == *"$SOCK"* ]]; then
    log "killing leftover shim $pid"
    kill -KILL "$pid" 2>/dev/null
  fi
done

stop_recorded kube-proxy
# kube-proxy's own clean-up of its iptables chains, then the CNI bridge/portmap plugins' chains.
if [[ -n "${KUBE_PROXY_BIN:-}" && -x "$KUBE_PROXY_BIN" ]]; then
  "$KUBE_PROXY_BIN" --cleanup >/dev/null 2>&1 || true
fi
for table in nat filter mangle; do
  chains="$(iptables -t "$table" -S 2>/dev/null | awk '$1=="-N" && ($2 ~ /^CNI-/ || $2 ~ /^KUBE-/){print $2}')"
  [[ -n "$chains" ]] || continue
  # Rules that jump to those chains, then the chains themselves.
  iptables -t "$table" -S 2>/dev/null | grep -E -- '-j (CNI|KUBE)-' | grep -v '^-N' | while read -r rule; do
    # iptables -S quotes comments as a shell would: eval keeps them one argument.
    eval "iptables -t $table ${rule/-A /-D }" 2>/dev/null
  done
  for c in $chains; do iptables -t "$table" -F "$c" 2>/dev/null; done
  for c in $chains; do iptables -t "$table" -X "$c" 2>/dev/null; done
done

# Mounts under the node dir (overlay rootfs, sandbox shm, netns, pod volumes), deepest first.
umount_under() {
  local base="$1" m
  while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
  done < <(awk -v b="$base" '{ p=$5; gsub(/\\040/, " ", p); if (index(p, b "/") == 1 || p == b) print p }' /proc/self/mountinfo | sort -r)
}
umount_under "$NODE_DIR"

if ip link show "$BRIDGE" >/dev/null 2>&1; then
  log "deleting bridge $BRIDGE"
  ip link delete "$BRIDGE" 2>/dev/null
fi

# Sysctls the node changed, back to what they were.
if [[ -f "$NODE_DIR/sysctl.orig" ]]; then
  while IFS='=' read -r key value; do
    [[ -n "$key" ]] && sysctl -q -w "$key=$value" >/dev/null 2>&1
  done <"$NODE_DIR/sysctl.orig"
fi

# The control plane (test/helpers/control-plane.ts stops it itself; this is for a node whose process died): its
# processes name its temp dir on their command lines.
if [[ -n "${CONTROL_PLANE_DIR:-}" && -d "$CONTROL_PLANE_DIR" ]]; then
  for p in /proc/[0-9]*; do
    pid="${p#/proc/}"
    [[ "$pid" == "$$" ]] && continue
    cmd="$( { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null)" || continue
    if [[ "$cmd" == *"$CONTROL_PLANE_DIR"* ]]; then kill -TERM "$pid" 2>/dev/null; fi
  done
  sleep 1
  rm -rf "$CONTROL_PLANE_DIR"
fi

# Keep the logs of the last run for debugging, drop everything else.
if [[ -d "$NODE_DIR/logs" ]]; then
  rm -rf "$NODE_DIR.last-logs"
  mv "$NODE_DIR/logs" "$NODE_DIR.last-logs" 2>/dev/null
fi
umount_under "$NODE_DIR"
rm -rf "$NODE_DIR" 2>/dev/null || { sleep 1; umount_under "$NODE_DIR"; rm -rf "$NODE_DIR"; }
if [[ -d "$NODE_DIR" ]]; then
  log "WARNING: could not remove $NODE_DIR completely"
  exit 1
fi
log "node torn down (logs of this run: $NODE_DIR.last-logs)"
: "$HERE"
