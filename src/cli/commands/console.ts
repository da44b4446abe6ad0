import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { auditLog } from '../../console/audit.ts';
import { consoleApp } from '../../console/app.ts';
import { type ConsoleUser, hashPassword, parseUsersFile, randomPassword, SessionSigner } from '../../console/auth.ts';
import { ConsoleCluster } from '../../console/cluster.ts';
import { isLoopback, startConsoleServer } from '../../console/server.ts';
import { KafkaplaneError } from '../../errors.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { type Io, writeNote, writeStderrLine } from '../output.ts';

export interface ConsoleFlags extends ConnectionFlags {
  listen: string;
  auth: boolean;
  usersFile?: string;
  readOnly?: boolean;
  auditLog: string;
  sessionSecretFile?: string;
  refreshInterval: number;
  hashPassword?: string;
}

export type ConsoleReport = { kind: 'served'; url: string; readOnly: boolean; auth: 'users-file' | 'admin-password' | 'none' } | { kind: 'hash'; line: string };

/** "host:port" or "[v6]:port". */
export function listenAddress(value: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(value);
  const port = Number(m?.[2]);
  if (!m || port > 65535) throw new KafkaplaneError('BAD_USAGE', `--listen "${value}" is not host:port`, { hint: 'e.g. 127.0.0.1:8080, or 0.0.0.0:8080 for every address (login stays required)' });
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

async function readStdin(stdin: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/**
 * `kafkaplane console`: the web console for the local cluster (or any cluster), served by this process until
 * SIGINT/SIGTERM. Login is required unless --no-auth on loopback; without --users-file a random admin password is
 * made and printed once.
 */
export async function consoleCommand(flags: ConsoleFlags, io: Io, env: NodeJS.ProcessEnv = process.env, stdin: Readable = process.stdin): Promise<ConsoleReport> {
  if (flags.hashPassword !== undefined) {
    const user = flags.hashPassword;
    if (!/^[^:\s]+$/.test(user)) throw new KafkaplaneError('BAD_USAGE', `--hash-password "${user}": a user name has no spaces or ":"`);
    const password = await readStdin(stdin);
    if (password.length < 8) throw new KafkaplaneError('BAD_USAGE', 'the password (read from stdin) must be at least 8 characters');
    return { kind: 'hash', line: `${user}:${await hashPassword(password)}` };
  }
  const where = listenAddress(flags.listen);
  if (!flags.auth && !isLoopback(where.host)) {
    throw new KafkaplaneError('CONSOLE_UNSAFE', `--no-auth is refused on ${where.host}: anyone who reaches that address could change the cluster`, {
      hint: 'listen on 127.0.0.1 for --no-auth, or keep the login (--users-file, or the printed admin password)',
    });
  }
  if (!flags.auth && flags.usersFile) throw new KafkaplaneError('BAD_USAGE', '--no-auth and --users-file contradict each other');
  let users: Map<string, ConsoleUser> | undefined;
  let adminPassword: string | undefined;
  if (flags.auth) {
    if (flags.usersFile) {
      const text = await readFile(flags.usersFile, 'utf8').catch(() => {
        throw new KafkaplaneError('BAD_USERS_FILE', `cannot read --users-file ${flags.usersFile}`);
      });
      try {
        users = parseUsersFile(text, flags.usersFile);
      } catch (error) {
        if (!(error instanceof KafkaplaneError)) throw error;
        throw new KafkaplaneError(error.code, error.message, { hint: 'make each line with `printf %s "$PASSWORD" | kafkaplane console --hash-password USER`' });
      }
    } else {
      adminPassword = randomPassword();
      users = new Map([['admin', { name: 'admin', hash: await hashPassword(adminPassword), readOnly: false }]]);
    }
  }
  let secret: Buffer | undefined;
  if (flags.sessionSecretFile) {
    secret = await readFile(flags.sessionSecretFile).catch(() => {
      throw new KafkaplaneError('BAD_SESSION_SECRET', `cannot read --session-secret-file ${flags.sessionSecretFile}`);
    });
  }
  const connection = await resolveConnection(flags, env);
  const cluster = new ConsoleCluster(connection, { intervalMs: flags.refreshInterval * 1000, log: (m) => writeNote(io, `console: ${m}`) });
  const app = consoleApp({
    cluster,
    users,
    signer: new SessionSigner(secret),
    readOnly: flags.readOnly === true,
    audit: flags.auditLog === '-' ? auditLog({ stream: io.stderr }) : auditLog({ file: flags.auditLog }),
  });
  const { server, address } = await startConsoleServer(app, where.host, where.port);
  const url = `http://${address}/`;
  cluster.start();
  writeStderrLine(
    io,
    `kafkaplane console: ${url} (${connection.bootstrap.join(',')}${flags.readOnly ? ', read-only' : ''}); audit log: ${flags.auditLog === '-' ? 'stderr' : flags.auditLog}; Ctrl-C stops it`,
  );
  if (adminPassword) writeStderrLine(io, `kafkaplane console: log in as admin with password ${adminPassword} (shown once; use --users-file for lasting users)`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  server.close();
  await cluster.stop();
  return { kind: 'served', url, readOnly: flags.readOnly === true, auth: flags.usersFile ? 'users-file' : adminPassword ? 'admin-password' : 'none' };
}
