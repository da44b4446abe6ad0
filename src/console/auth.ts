// The console's login: password hashes (scrypt from node:crypto), the users file, signed session cookies and the
// CSRF token bound to a session. No state on the server: a session is an HMAC-signed cookie, so a restart with a
// new secret logs everyone out (the default; --session-secret-file keeps sessions across restarts).
import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { KafkaplaneError } from '../errors.ts';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;

function scryptAsync(password: string, salt: Buffer, N: number, r: number, p: number, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keylen, { N, r, p, maxmem: 256 * N * r }, (error, key) => (error ? reject(error) : resolve(key))));
}

/** `scrypt$N$r$p$salt$hash` (salt and hash in base64url): one line of a users file after `user:`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.keylen);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (!(N >= 1024 && N <= 1 << 20 && r >= 1 && r <= 32 && p >= 1 && p <= 16) || expected.length < 16) return false;
  const key = await scryptAsync(password, Buffer.from(parts[4]!, 'base64url'), N, r, p, expected.length);
  return timingSafeEqual(key, expected);
}

export interface ConsoleUser {
  name: string;
  hash: string;
  /** `user:hash:read-only` — this user may look but not change anything. */
  readOnly: boolean;
}

/** Parses a users file: `name:scrypt$…[:read-only]` per line, `#` comments. `source` names the file in errors. */
export function parseUsersFile(text: string, source: string): Map<string, ConsoleUser> {
  const users = new Map<string, ConsoleUser>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [name, hash, flag, ...rest] = line.split(':');
    const where = `${source} line ${i + 1}`;
    if (!name || !hash?.startsWith('scrypt$') || hash.split('$').length !== 6 || rest.length > 0 || (flag !== undefined && flag !== 'read-only')) {
      throw new KafkaplaneError('BAD_USERS_FILE', `${where} is not "user:scrypt$…[:read-only]"`, {
        hint: "make each line with the console's password hashing (it reads the password from stdin and prints the line)",
      });
    }
    if (users.has(name)) throw new KafkaplaneError('BAD_USERS_FILE', `${where}: user "${name}" is listed twice`);
    users.set(name, { name, hash, readOnly: flag === 'read-only' });
  });
  if (users.size === 0) throw new KafkaplaneError('BAD_USERS_FILE', `${source} lists no users`, { hint: "add a line made with the console's password hashing" });
  return users;
}

/** A random password for the one-time admin (printed once at start, like Jupyter's token). */
export function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}

export interface Session {
  user: string;
  readOnly: boolean;
  /** Random per login: the CSRF token is derived from it. */
  nonce: string;
  expiresMs: number;
}

/** Signs sessions and CSRF tokens with one secret (32 random bytes by default). */
export class SessionSigner {
  readonly #secret: Buffer;

  constructor(secret: Buffer = randomBytes(32)) {
    if (secret.length < 16) throw new KafkaplaneError('BAD_SESSION_SECRET', 'the session secret must be at least 16 bytes');
    this.#secret = secret;
  }

  #mac(purpose: string, text: string): string {
    return createHmac('sha256', this.#secret).update(`${purpose}\u0000${text}`).digest('base64url');
  }

  newSession(user: string, readOnly: boolean, lifetimeMs: number, nowMs: number): Session {
    return { user, readOnly, nonce: randomBytes(16).toString('base64url'), expiresMs: nowMs + lifetimeMs };
  }

  encode(session: Session): string {
    const body = Buffer.from(JSON.stringify([session.user, session.readOnly ? 1 : 0, session.nonce, session.expiresMs])).toString('base64url');
    return `${body}.${this.#mac('session', body)}`;
  }

  /** The session in a cookie value, or undefined when it is forged, malformed or expired. */
  decode(value: string | undefined, nowMs: number): Session | undefined {
    if (!value) return undefined;
    const dot = value.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const body = value.slice(0, dot);
    if (!safeEqual(value.slice(dot + 1), this.#mac('session', body))) return undefined;
    try {
      const [user, readOnly, nonce, expiresMs] = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as [string, number, string, number];
      if (typeof user !== 'string' || typeof nonce !== 'string' || typeof expiresMs !== 'number' || expiresMs <= nowMs) return undefined;
      return { user, readOnly: readOnly === 1, nonce, expiresMs };
    } catch {
      return undefined;
    }
  }

  /** The CSRF token of a session (or of the anonymous `--no-auth` user): forms carry it, mutations check it. */
  csrfToken(nonce: string): string {
    return this.#mac('csrf', nonce);
  }

  checkCsrf(nonce: string, token: string | undefined): boolean {
    return token !== undefined && safeEqual(token, this.csrfToken(nonce));
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
