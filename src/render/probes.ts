import { quantityValue } from '../api/common.ts';
import type { NodePool } from '../api/kafka-cluster.ts';
import type { PodTemplate } from '../api/pod-template.ts';
import { CONFIG_DIR } from './entrypoint.ts';
import type { RenderContext } from './objects.ts';

/**
 * Probes of the Kafka container (issue 13 major 4).
 *
 * - readiness (and startup): the node answers a Kafka ApiVersions request on its own listener — REPLICATION for a
 *   broker, CONTROLLER for a controller-only node — with a finalized-features epoch. A broker opens its listeners only
 *   once the controller has unfenced it (BrokerServer.startup: "the broker to be unfenced", then
 *   enableRequestProcessing), i.e. in state RUNNING; every node reports the epoch only once its metadata loader has
 *   caught up with the quorum's high watermark (FeaturesPublisher; the epoch is a tagged field left out while it is
 *   -1). So a controller that has not caught up, or a broker still recovering its logs, is not ready.
 * - liveness: PID 1 (the entrypoint, then the JVM it execs) is not stopped or a zombie, and the node answers ApiVersions
 *   on the same listener at all (any answer; no epoch needed: a fenced broker or a controller without a quorum is
 *   alive). Kubernetes starts the liveness probe only after the startup probe passed, i.e. after the listener opened,
 *   so a broker recovering its logs after an unclean stop (no listener for as long as recovery takes) is never killed
 *   for it; a JVM that takes the connection but answers nothing (hung, deadlocked, stopped) is, after 6 × 10 s. (The
 *   JMX exporter agent's /-/healthy, used before with monitoring on, answers from its own thread in a hung JVM.)
 * - startup: the readiness check, with a budget scaled with the pool's storage (log recovery reads the volume):
 *   STARTUP_BASE_SECONDS plus STARTUP_SECONDS_PER_100GI per 100 Gi, unless template.probes.startup sets it.
 *
 * The check is probe.sh in the cluster's ConfigMap, run by bash (in the official apache/kafka image and the test
 * image): bash's /dev/tcp speaks to the port, dd reads the answer byte by byte, od and awk decode it.
 */
export const PROBE_FILE = 'probe.sh';
export const STARTUP_BASE_SECONDS = 600;
export const STARTUP_SECONDS_PER_100GI = 600;
const PERIOD_SECONDS = 10;

export const PROBE_SCRIPT = String.raw`#!/bin/bash
# kafkaplane probe, written by kafkaplane render (docs/render.md, probes).
#   probe.sh ready <port>  the node answers ApiVersions on <port> with a finalized-features epoch (RUNNING, caught up)
#   probe.sh open <port>   the port takes a connection (internalTls without a plain listener: bash cannot speak TLS)
#   probe.sh live <port>   PID 1 (the entrypoint, then the Kafka JVM) is neither stopped nor a zombie, and the node
#                          reacts on <port> at all: any answer, or a TLS listener's refusal (liveness runs only after
#                          the startup probe passed, so the listener is open: a JVM that stays silent is hung)
#   probe.sh live          PID 1 only (pods rendered before the port argument existed)
# Each check gives up after KAFKAPLANE_PROBE_SECONDS (4) with a message, inside the probe's 5 s timeout.
set -u
fail() {
  echo "kafkaplane probe: $*" >&2
  exit 1
}
mode=${'$'}{1:-}
port=${'$'}{2:-}
case "$mode" in
  live)
    state=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' /proc/1/status)
    case "$state" in Z | X | T | t | '') fail "PID 1 is in state '$state'" ;; esac
    [ -n "$port" ] || exit 0
    ;;
  ready) [ -n "$port" ] || fail "usage: probe.sh ready <port>" ;;
  open)
    # spec.internalTls with no plaintext listener on this node: bash cannot speak TLS, so only "the port is open".
    [ -n "$port" ] || fail "usage: probe.sh open <port>"
    { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || fail "nothing answers on port $port yet (a broker opens its listeners once it is RUNNING)"
    exit 0
    ;;
  *) fail "usage: probe.sh ready <port> | probe.sh open <port> | probe.sh live [<port>]" ;;
esac
seconds=${'$'}{KAFKAPLANE_PROBE_SECONDS:-4}
{ exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || fail "nothing answers on port $port yet (a broker opens its listeners once it is RUNNING)"
# ApiVersions v3 (flexible): size 33, api key 18, version 3, correlation id 1, client id "kp", no tags;
# client software "kafkaplane-probe" version "1", no tags.
printf '\x00\x00\x00\x21\x00\x12\x00\x03\x00\x00\x00\x01\x00\x02kp\x00\x11kafkaplane-probe\x021\x00' >&3
# Read by bash itself with a deadline: a stopped or hung JVM still lets the kernel take the connection, then never
# answers (read -t leaves no process behind, as a killed dd would; -d '' turns each NUL byte into an empty read).
LC_ALL=C
hung="port $port took the connection but no ApiVersions answer came within ${'$'}{seconds}s: the JVM is hung or stopped"
if [ "$mode" = live ]; then
  # Alive: the JVM's network thread reacted — an ApiVersions answer on a plain listener; on a TLS listener (internalTls)
  # the TLS layer refuses the plain request at once (an alert or a closed connection). Only silence is a failure.
  IFS= read -r -d '' -n 1 -t "$seconds" byte <&3
  [ $? -gt 128 ] && fail "$hung"
  exit 0
fi
size=0
for _ in 1 2 3 4; do
  IFS= read -r -d '' -n 1 -t "$seconds" byte <&3 || fail "$hung"
  printf -v value '%d' "'$byte"
  size=$((size * 256 + value))
done
[ "$size" -gt 0 ] && [ "$size" -lt 1048576 ] || fail "no ApiVersions answer on port $port"
dd bs=1 count="$size" <&3 2>/dev/null | od -An -v -tu1 | awk -v port="$port" -v mode="$mode" '
  { for (i = 1; i <= NF; i++) b[n++] = $i }
  function u16(p) { return b[p] * 256 + b[p + 1] }
  # unsigned varint at pos; sets pos past it
  function uvarint(   v, s, c) { v = 0; s = 1; do { c = b[pos++]; v += (c % 128) * s; s *= 128 } while (c >= 128); return v }
  function skiptags(   k, t) { k = uvarint(); while (k-- > 0) { t = uvarint(); pos += uvarint() } }
  END {
    # response header v0 (correlation id), error code, api keys, throttle time, tagged fields
    if (n < 7) { print "kafkaplane probe: short ApiVersions answer on port " port > "/dev/stderr"; exit 1 }
    # alive: the JVM read the request and answered it, whatever the answer says
    if (mode == "live") exit 0
    if (u16(4) != 0) { print "kafkaplane probe: ApiVersions on port " port " answered error " u16(4) > "/dev/stderr"; exit 1 }
    pos = 6
    keys = uvarint() - 1
    while (keys-- > 0) { pos += 6; skiptags() }
    pos += 4
    k = uvarint()
    while (k-- > 0) {
      t = uvarint(); len = uvarint()
      if (t == 1) exit 0
      pos += len
    }
    print "kafkaplane probe: the node on port " port " answers but has not caught up with the metadata log yet (no finalized features)" > "/dev/stderr"
    exit 1
  }'
`;

/** The startup probe's default budget for a pool: base + per 100 Gi of its data volume. */
export function startupBudgetSeconds(pool: NodePool): number {
  return STARTUP_BASE_SECONDS + Math.ceil((quantityGi(pool.storage.size) / 100) * STARTUP_SECONDS_PER_100GI);
}

/** A Kubernetes quantity in Gi (binary and decimal suffixes), for the startup budget only; 0 if it is not one. */
export function quantityGi(size: string): number {
  return (quantityValue(size) || 0) / 1024 ** 3;
}

/**
 * What the readiness probe asks. probe.sh speaks Kafka over plain TCP; with spec.internalTls the REPLICATION and
 * CONTROLLER listeners are TLS, so a broker is asked on a client listener without TLS when it has one (ApiVersions is
 * answered before any SASL login), and otherwise — a controller-only node, or a broker whose listeners all use TLS —
 * the probe only checks that the port is open (a broker opens its listeners once RUNNING; a controller's
 * caught-up check is lost: docs/render.md, TLS between nodes).
 */
function readyCheck(ctx: RenderContext, pool: NodePool): string[] {
  const { listeners } = ctx.model;
  const listener = pool.roles.includes('broker') ? listeners.replication : listeners.controller;
  if (!ctx.cluster.spec.internalTls) return ['ready', String(listener.port)];
  const plain = pool.roles.includes('broker') ? listeners.client.find((l) => !l.spec?.tls) : undefined;
  return plain ? ['ready', String(plain.port)] : ['open', String(listener.port)];
}

export function kafkaProbes(ctx: RenderContext, pool: NodePool, template: PodTemplate): Record<string, unknown> {
  const check = readyCheck(ctx, pool);
  const ready = { exec: { command: ['/bin/bash', `${CONFIG_DIR}/${PROBE_FILE}`, ...check] } };
  // Liveness asks the same port for any reaction (docs/render.md, probes): TLS ports included.
  const live = { exec: { command: ['/bin/bash', `${CONFIG_DIR}/${PROBE_FILE}`, 'live', check[1]!] } };
  const timings = template.probes ?? {};
  const startupPeriod = timings.startup?.periodSeconds ?? PERIOD_SECONDS;
  return {
    startupProbe: {
      ...ready,
      periodSeconds: startupPeriod,
      timeoutSeconds: 5,
      failureThreshold: Math.ceil(startupBudgetSeconds(pool) / startupPeriod),
      ...timings.startup,
    },
    readinessProbe: { ...ready, periodSeconds: PERIOD_SECONDS, timeoutSeconds: 5, failureThreshold: 3, ...timings.readiness },
    livenessProbe: { ...live, periodSeconds: PERIOD_SECONDS, timeoutSeconds: 5, failureThreshold: 6, ...timings.liveness },
  };
}
