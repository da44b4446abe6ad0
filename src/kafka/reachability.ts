import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { type Hint, KafkaplaneError, action, errorMessage, hint } from '../errors.ts';
import { type ConnectionConfig, connectTimeout } from './client.ts';
import { NOTHING_LISTENS } from './errors.ts';

// Whether this machine can reach an address at all (TCP, or TLS), before any Kafka protocol: for bootstrap and
// advertised addresses, and for the first step of the lean broker link.

export type AddressCheck = { address: string; ok: true; ms: number } | { address: string; ok: false; code: string; reason: string };

export function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(i + 1)) };
}

/** Why a socket could not connect, in words an operator can act on. */
export function describeSocketError(error: unknown, timeoutMs: number): { code: string; reason: string } {
  const code = (error as { code?: string }).code ?? 'ERROR';
  switch (code) {
    case 'ECONNREFUSED':
      return { code, reason: 'connection refused: nothing listens on that port' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return { code, reason: 'the host name does not resolve from here' };
    case 'ETIMEDOUT':
      return { code, reason: `no answer within ${Math.round(timeoutMs / 100) / 10} s (a firewall, a wrong address, or the host is down)` };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { code, reason: 'no route to that host from here' };
    case 'ECONNRESET':
      return { code, reason: 'the connection was reset (a TLS/plaintext mismatch, or the wrong service on that port)' };
    default:
      return { code, reason: errorMessage(error) };
  }
}

/** Opens a TCP connection to `address` (TLS when `tls` is given); bounded by `timeoutMs`. */
export async function openSocket(address: string, timeoutMs: number, tls?: TlsOptions): Promise<import('node:net').Socket> {
  const { host, port } = splitAddress(address);
  const net = await import('node:net');
  const socket: import('node:net').Socket = tls ? (await import('node:tls')).connect({ host, port, ...(net.isIP(host) === 0 ? { servername: host } : {}), ...tls }) : net.connect({ host, port });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = Object.assign(new Error(`connecting to ${address} timed out`), { code: 'ETIMEDOUT' });
      socket.destroy(error);
    }, timeoutMs);
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    });
  });
}

/** Whether this machine can open a TCP connection to `address` (no Kafka protocol): for bootstrap and advertised addresses. */
export async function checkAddress(address: string, timeoutMs: number): Promise<AddressCheck> {
  const started = Date.now();
  try {
    const socket = await openSocket(address, timeoutMs);
    socket.destroy();
    return { address, ok: true, ms: Date.now() - started };
  } catch (error) {
    return { address, ok: false, ...describeSocketError(error, timeoutMs) };
  }
}

/** Fails with every address and its reason unless at least one bootstrap address accepts a TCP connection. */
export async function probeBootstrap(config: ConnectionConfig): Promise<void> {
  const timeoutMs = connectTimeout(config);
  const checks: AddressCheck[] = [];
  await new Promise<void>((resolve, reject) => {
    let pending = config.bootstrap.length;
    for (const address of config.bootstrap) {
      void checkAddress(address, timeoutMs).then((check) => {
        checks.push(check);
        pending--;
        if (check.ok) resolve();
        else if (pending === 0) reject(unreachable(config, checks));
      });
    }
  });
}

export function unreachable(config: ConnectionConfig, checks: readonly AddressCheck[]): KafkaplaneError {
  const failures = checks.filter((c): c is Extract<AddressCheck, { ok: false }> => !c.ok);
  const codes = new Set(failures.map((f) => f.code));
  let advice: Hint | string = hint`check the address, and that the cluster is running (${action('status')})`;
  if (codes.size === 1 && codes.has('ECONNREFUSED')) advice = NOTHING_LISTENS;
  else if (codes.size === 1 && (codes.has('ENOTFOUND') || codes.has('EAI_AGAIN')))
    advice = 'use an address this machine can resolve (inside Kubernetes, service names resolve only in the cluster: use an external listener or a port-forward)';
  else if (codes.size === 1 && codes.has('ETIMEDOUT')) advice = 'packets are dropped on the way: check firewalls/security groups, and that the address is the one the cluster listens on';
  const detail = failures.map((f) => `  ${f.address}: ${f.reason}`).join('\n');
  return new KafkaplaneError('KAFKA_UNREACHABLE', `cannot reach Kafka at ${config.bootstrap.join(',')}:\n${detail}`, { hint: advice, details: failures });
}
