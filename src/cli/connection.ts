import { KafkaplaneError } from '../errors.ts';
import { type ClientSecurity, parseClientProperties, withClientSecurity } from '../kafka/client-properties.ts';
import { type ConnectionConfig, DEFAULT_TIMEOUT_MS, parseBootstrap } from '../kafka/client.ts';
import { readSmallTextFile } from './small-file.ts';

export interface ConnectionFlags {
  bootstrap?: string;
  commandConfig?: string;
  cluster?: string;
  stateDir?: string;
  saslMechanism?: string;
  saslUsername?: string;
  saslPassword?: string;
  tls?: boolean;
  tlsCa?: string;
  tlsInsecure?: boolean;
  timeout?: number;
}

/**
 * Turns the flags into one ConnectionConfig. Without --bootstrap, it connects to the local cluster through
 * kafkaplane's own replication listener, which works whatever security the client listeners have.
 */
export async function resolveConnection(flags: ConnectionFlags & { bootstrapServer?: string }, env: NodeJS.ProcessEnv = process.env): Promise<ConnectionConfig> {
  const timeoutMs = flags.timeout !== undefined ? flags.timeout * 1000 : DEFAULT_TIMEOUT_MS;
  let security: ClientSecurity | undefined;
  if (flags.commandConfig) {
    const text = await readSmallTextFile(flags.commandConfig, '--command-config', 'a Kafka client properties file (key=value lines)');
    security = parseClientProperties(text, flags.commandConfig);
  }
  const bootstrapFlag = flags.bootstrap ?? flags.bootstrapServer;
  let config: ConnectionConfig;
  if (bootstrapFlag !== undefined) config = { bootstrap: parseBootstrap(bootstrapFlag), timeoutMs };
  else if (security?.bootstrap) config = { bootstrap: security.bootstrap, timeoutMs };
  else {
    // Loaded only here: the local runtime pulls in the spec model and the full Kafka client.
    const [{ adminConnection }, { locate }] = await Promise.all([import('../local/local-cluster.ts'), import('../local/locate.ts')]);
    const local = await locate({ ...(flags.cluster ? { cluster: flags.cluster } : {}), ...(flags.stateDir ? { stateDir: flags.stateDir } : {}), env }).catch((error: unknown) => {
      if (error instanceof KafkaplaneError && (error.code === 'NO_CLUSTER_STATE' || error.code === 'AMBIGUOUS_CLUSTER')) {
        throw new KafkaplaneError(error.code, `${error.message}, and no --bootstrap was given`, {
          exitCode: 2,
          hint: 'pass --bootstrap host:port, or start a local cluster with `kafkaplane up -f cluster.yaml`',
        });
      }
      throw error;
    });
    config = adminConnection(local, timeoutMs);
  }
  if (security) {
    const ca = security.caPem ?? (security.caFile ? await readCaFile(security.caFile, `${flags.commandConfig}: ssl.truststore.location`) : undefined);
    config = withClientSecurity(config, security, ca);
  }
  if (flags.saslMechanism || flags.saslUsername) {
    const mechanism = (flags.saslMechanism ?? 'SCRAM-SHA-512').toUpperCase();
    if (!['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].includes(mechanism)) throw new KafkaplaneError('BAD_SASL', `--sasl-mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got ${mechanism}`);
    const password = flags.saslPassword ?? env.KAFKAPLANE_SASL_PASSWORD;
    if (!flags.saslUsername || password === undefined) throw new KafkaplaneError('BAD_SASL', 'SASL needs --sasl-username and --sasl-password (or KAFKAPLANE_SASL_PASSWORD)');
    config.sasl = { mechanism: mechanism as 'PLAIN', username: flags.saslUsername, password };
  }
  if (flags.tls || flags.tlsCa || flags.tlsInsecure) {
    config.tls = {
      ...(config.tls ?? {}),
      ...(flags.tlsCa ? { ca: await readCaFile(flags.tlsCa, '--tls-ca') } : {}),
      ...(flags.tlsInsecure ? { rejectUnauthorized: false } : {}),
    };
  }
  return config;
}

/** A CA file: a PEM certificate (what Node's TLS takes); anything else is refused before connecting. */
async function readCaFile(file: string, where: string): Promise<string> {
  const text = await readSmallTextFile(file, where, 'a PEM CA certificate (-----BEGIN CERTIFICATE-----)');
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new KafkaplaneError('BAD_CLIENT_CONFIG', `${where} ${file}: not a PEM certificate (no -----BEGIN CERTIFICATE----- line)`, {
      exitCode: 2,
      hint: 'pass the CA certificate as PEM (for a JKS trust store: keytool -exportcert -rfc)',
    });
  }
  return text;
}
