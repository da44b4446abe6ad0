import type { SASLMechanismValue } from '@platformatic/kafka';
import { KafkaplaneError } from '../errors.ts';
import { parseProperties } from '../model/properties-format.ts';
import { type ConnectionConfig, parseBootstrap } from './client.ts';

/** What a Kafka client properties file (--command-config, as kafka-topics.sh takes it) says about connecting. */
export interface ClientSecurity {
  bootstrap?: string[];
  securityProtocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  sasl?: { mechanism: SASLMechanismValue; username: string; password: string };
  /** PEM CA file (ssl.truststore.location with ssl.truststore.type=PEM) or inline PEM (ssl.truststore.certificates). */
  caFile?: string;
  caPem?: string;
  /** ssl.endpoint.identification.algorithm set to empty: do not check the broker's host name. */
  skipHostnameCheck: boolean;
}

const PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
const MECHANISMS: SASLMechanismValue[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

/** Parses the client properties Kafka's own tools accept. Unsupported settings fail with the reason, never silently. */
export function parseClientProperties(text: string, source: string): ClientSecurity {
  const props = parseProperties(text);
  const fail = (key: string, message: string, hint?: string): never => {
    throw new KafkaplaneError('BAD_CLIENT_CONFIG', `${source}: ${key}: ${message}`, { exitCode: 2, ...(hint ? { hint } : {}) });
  };
  const protocol = (props['security.protocol'] ?? 'PLAINTEXT').toUpperCase();
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) fail('security.protocol', `expected one of ${PROTOCOLS.join(', ')}, got "${protocol}"`);
  const result: ClientSecurity = { securityProtocol: protocol as ClientSecurity['securityProtocol'], skipHostnameCheck: props['ssl.endpoint.identification.algorithm'] === '' };
  if (props['bootstrap.servers']) result.bootstrap = parseBootstrap(props['bootstrap.servers']);
  if (protocol.startsWith('SASL')) {
    const mechanism = (props['sasl.mechanism'] ?? 'GSSAPI').toUpperCase() as SASLMechanismValue;
    if (!MECHANISMS.includes(mechanism)) fail('sasl.mechanism', `kafkaplane supports ${MECHANISMS.join(', ')}, got "${mechanism}"`);
    const jaas = props['sasl.jaas.config'];
    if (!jaas)
      return fail(
        'sasl.jaas.config',
        'missing: SASL needs a username and password',
        'add sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="…" password="…";',
      );
    const username = /username\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(jaas)?.[1];
    const password = /password\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(jaas)?.[1];
    if (username === undefined || password === undefined) fail('sasl.jaas.config', 'needs username="…" and password="…"');
    result.sasl = { mechanism, username: username!, password: password! };
  }
  if (protocol.endsWith('SSL')) {
    const type = (props['ssl.truststore.type'] ?? 'JKS').toUpperCase();
    if (props['ssl.truststore.certificates']) result.caPem = props['ssl.truststore.certificates'];
    else if (props['ssl.truststore.location']) {
      if (type !== 'PEM') {
        fail(
          'ssl.truststore.type',
          `${type} trust stores cannot be read outside the JVM`,
          'export the CA certificate as PEM (keytool -exportcert -rfc) and set ssl.truststore.type=PEM with ssl.truststore.location pointing at it',
        );
      }
      result.caFile = props['ssl.truststore.location'];
    }
    if (props['ssl.keystore.location']) fail('ssl.keystore.location', 'client certificates (mTLS) are not supported by kafkaplane yet');
  }
  return result;
}

/** Applies a parsed client config to a connection. */
export function withClientSecurity(config: ConnectionConfig, security: ClientSecurity, ca: string | undefined): ConnectionConfig {
  const out: ConnectionConfig = { ...config, ...(security.bootstrap && config.bootstrap.length === 0 ? { bootstrap: security.bootstrap } : {}) };
  if (security.sasl) out.sasl = security.sasl;
  if (security.securityProtocol.endsWith('SSL')) {
    out.tls = {
      ...(ca ? { ca } : {}),
      ...(security.skipHostnameCheck ? { checkServerIdentity: () => undefined } : {}),
    };
  }
  return out;
}
