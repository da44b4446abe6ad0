import { type ConnectionOptions as TlsOptions, connect } from 'node:tls';
import { errorMessage } from '../errors.ts';

/** The certificate a TLS listener presents, read in a handshake (no Kafka request is sent). */
export interface PeerCertificate {
  address: string;
  /** Subject CN (or the whole subject when it has no CN); null when the handshake failed. */
  subject: string | null;
  issuer: string | null;
  /** notBefore / notAfter, milliseconds since the epoch. */
  notBeforeMs: number | null;
  notAfterMs: number | null;
  /** Why the certificate would be refused by a client trusting `tls.ca` (e.g. CERT_HAS_EXPIRED); null when trusted. */
  untrusted: string | null;
  /** Why no certificate could be read (refused, timed out, not TLS); null when one was. */
  error: string | null;
}

function name(entity: Record<string, string | string[] | undefined> | undefined): string | null {
  if (!entity) return null;
  const cn = entity.CN;
  if (cn !== undefined) return Array.isArray(cn) ? cn.join(', ') : cn;
  const parts = Object.entries(entity).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`);
  return parts.length > 0 ? parts.join(', ') : null;
}

/**
 * Reads the certificate each address presents. The handshake accepts any certificate (an expired or untrusted one is
 * exactly what must be reported) and says separately whether a client with `tls` would trust it; a listener that
 * requires client certificates still shows its own before it asks for ours. Bounded by `timeoutMs` per address.
 */
export async function peerCertificates(addresses: readonly string[], tls: TlsOptions, timeoutMs: number): Promise<PeerCertificate[]> {
  return Promise.all(addresses.map((address) => peerCertificate(address, tls, timeoutMs)));
}

function peerCertificate(address: string, tls: TlsOptions, timeoutMs: number): Promise<PeerCertificate> {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(address.slice(colon + 1));
  const failed = (error: string): PeerCertificate => ({ address, subject: null, issuer: null, notBeforeMs: null, notAfterMs: null, untrusted: null, error });
  return new Promise((resolve) => {
    const socket = connect({ ...tls, host, port, rejectUnauthorized: false, ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }) });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(failed(`no TLS handshake within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate();
      const untrusted = socket.authorized ? null : String(socket.authorizationError ?? 'not trusted');
      socket.destroy();
      if (!cert || Object.keys(cert).length === 0) return resolve(failed('the listener presented no certificate'));
      resolve({
        address,
        subject: name(cert.subject as unknown as Record<string, string>),
        issuer: name(cert.issuer as unknown as Record<string, string>),
        notBeforeMs: Date.parse(cert.valid_from),
        notAfterMs: Date.parse(cert.valid_to),
        untrusted,
        error: null,
      });
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(failed(errorMessage(error)));
    });
  });
}
