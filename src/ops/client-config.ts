// `kafkaplane connect-info`: client configuration for one listener, ready to paste — Spring Boot application.yaml
// (seed 002), environment variables and a ConfigMap (seed 004), Java client properties (also --command-config),
// kcat flags, and a kafka-python snippet (seed 004). Pure: the connection facts in, text out.

import type { SecurityProtocol } from '../model/listeners.ts';

export interface ClientTarget {
  cluster: string;
  /** Kubernetes namespace of the cluster (the ConfigMap goes there); undefined for a local cluster. */
  namespace: string | undefined;
  listener: string;
  where: 'kubernetes' | 'local';
  /** host:port[,host:port…] */
  bootstrap: string;
  securityProtocol: SecurityProtocol;
  /** SASL mechanism when the listener authenticates. */
  saslMechanism: 'SCRAM-SHA-512' | undefined;
  username: string | undefined;
  /** Where the password comes from: a file (local clusters), a Secret key (Kubernetes), or nowhere known. */
  password: { kind: 'file'; path: string; value?: string | undefined } | { kind: 'secret'; name: string; key: string } | { kind: 'unknown' };
  /** PEM CA that signed the brokers' certificates, for TLS listeners. */
  caFile: string | undefined;
  /** Notes the user must read (placeholders to fill in, addresses that depend on the environment). */
  notes: string[];
}

export interface ClientConfigs {
  spring: string;
  env: string;
  configMap: string;
  properties: string;
  kcat: string;
  python: string;
}

export const CLIENT_CONFIG_FORMATS = ['spring', 'env', 'configmap', 'properties', 'kcat', 'python'] as const;
export type ClientConfigFormat = (typeof CLIENT_CONFIG_FORMATS)[number];

const PASSWORD_VAR = 'KAFKA_SASL_PASSWORD';
const SCRAM_LOGIN = 'org.apache.kafka.common.security.scram.ScramLoginModule';

function tls(t: ClientTarget): boolean {
  return t.securityProtocol === 'SSL' || t.securityProtocol === 'SASL_SSL';
}

function sasl(t: ClientTarget): boolean {
  return t.saslMechanism !== undefined;
}

/** The password as a literal (when the caller chose to reveal it) or a reference the user resolves. */
function passwordText(t: ClientTarget, reference: string): string {
  return t.password.kind === 'file' && t.password.value !== undefined ? t.password.value : reference;
}

function jaas(t: ClientTarget, password: string): string {
  return `${SCRAM_LOGIN} required username="${t.username ?? '<username>'}" password="${password}";`;
}

function yamlString(s: string): string {
  return JSON.stringify(s);
}

function configMapName(t: ClientTarget): string {
  return `${t.cluster}-${t.listener}-client`;
}

export function renderClientConfigs(t: ClientTarget): ClientConfigs {
  const caPath = t.caFile ?? '/etc/kafka/ca.crt';
  const clientProps: [string, string][] = [
    ['security.protocol', t.securityProtocol],
    ...(sasl(t) ? ([['sasl.mechanism', t.saslMechanism!]] as [string, string][]) : []),
    ...(tls(t)
      ? ([
          ['ssl.truststore.type', 'PEM'],
          ['ssl.truststore.location', caPath],
        ] as [string, string][])
      : []),
  ];

  // Spring Boot (seed 002's application.yaml, with the security settings the listener needs).
  const spring = [
    'spring:',
    '  kafka:',
    `    bootstrap-servers: ${yamlString(t.bootstrap)}`,
    '    properties:',
    ...clientProps.map(([k, v]) => `      ${k}: ${v}`),
    ...(sasl(t) ? [`      sasl.jaas.config: ${yamlString(jaas(t, passwordText(t, `\${${PASSWORD_VAR}}`)))}`] : []),
    '    producer:',
    '      key-serializer: org.apache.kafka.common.serialization.StringSerializer',
    '      value-serializer: org.apache.kafka.common.serialization.StringSerializer',
    '      acks: all',
    '    consumer:',
    '      group-id: my-service-group',
    '      auto-offset-reset: earliest',
    '      key-deserializer: org.apache.kafka.common.serialization.StringDeserializer',
    '      value-deserializer: org.apache.kafka.common.serialization.StringDeserializer',
  ].join('\n');

  // Environment variables (seed 004's KAFKA_BOOTSTRAP / KAFKA_TOPIC convention).
  const envVars: [string, string][] = [
    ['KAFKA_BOOTSTRAP', t.bootstrap],
    ['KAFKA_SECURITY_PROTOCOL', t.securityProtocol],
    ...(sasl(t)
      ? ([
          ['KAFKA_SASL_MECHANISM', t.saslMechanism!],
          ['KAFKA_SASL_USERNAME', t.username ?? '<username>'],
        ] as [string, string][])
      : []),
    ...(tls(t) ? ([['KAFKA_SSL_CA_LOCATION', caPath]] as [string, string][]) : []),
  ];
  const passwordLine = !sasl(t)
    ? []
    : t.password.kind === 'file'
      ? [t.password.value !== undefined ? `export ${PASSWORD_VAR}=${shellQuote(t.password.value)}` : `export ${PASSWORD_VAR}="$(cat ${shellQuote(t.password.path)})"`]
      : t.password.kind === 'secret'
        ? [`# ${PASSWORD_VAR}: from Secret ${t.password.name}, key ${t.password.key} (see the ConfigMap snippet)`]
        : [`export ${PASSWORD_VAR}=<password>`];
  const env = [...envVars.map(([k, v]) => `export ${k}=${shellQuote(v)}`), ...passwordLine].join('\n');

  const configMap = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${configMapName(t)}`,
    ...(t.namespace ? [`  namespace: ${t.namespace}`] : []),
    'data:',
    ...envVars.map(([k, v]) => `  ${k}: ${yamlString(v)}`),
    '---',
    "# in the Deployment's container:",
    'envFrom:',
    `  - configMapRef: { name: ${configMapName(t)} }`,
    ...(sasl(t)
      ? [
          'env:',
          `  - name: ${PASSWORD_VAR}`,
          t.password.kind === 'secret'
            ? `    valueFrom: { secretKeyRef: { name: ${t.password.name}, key: ${t.password.key} } }`
            : '    valueFrom: { secretKeyRef: { name: <secret holding the password>, key: password } }',
        ]
      : []),
  ].join('\n');

  const properties = [
    `# ${t.cluster}, listener ${t.listener}: pass to Kafka's tools (--command-config) or kafkaplane (--command-config)`,
    `bootstrap.servers=${t.bootstrap}`,
    ...clientProps.map(([k, v]) => `${k}=${v}`),
    ...(sasl(t) ? [`sasl.jaas.config=${jaas(t, passwordText(t, '<password>'))}`] : []),
  ].join('\n');

  const kcatFlags = [
    `-b ${t.bootstrap}`,
    `-X security.protocol=${t.securityProtocol.toLowerCase()}`,
    ...(sasl(t) ? [`-X sasl.mechanisms=${t.saslMechanism}`, `-X sasl.username=${t.username ?? '<username>'}`, `-X sasl.password=${passwordText(t, `"$${PASSWORD_VAR}"`)}`] : []),
    ...(tls(t) ? [`-X ssl.ca.location=${caPath}`] : []),
  ];
  const kcat = [`kcat ${kcatFlags.join(' \\\n     ')} \\\n     -L`].join('\n');

  // kafka-python (seed 004's producer.py / consumer.py, with the listener's security settings).
  const py = (k: string, v: string) => `    ${k}=${v},`;
  const python = [
    'import os',
    'from kafka import KafkaConsumer, KafkaProducer',
    '',
    `bootstrap = os.getenv("KAFKA_BOOTSTRAP", ${JSON.stringify(t.bootstrap)})`,
    'common = dict(',
    py('bootstrap_servers', 'bootstrap.split(",")'),
    py('security_protocol', JSON.stringify(t.securityProtocol)),
    ...(sasl(t)
      ? [
          py('sasl_mechanism', JSON.stringify(t.saslMechanism)),
          py('sasl_plain_username', `os.getenv("KAFKA_SASL_USERNAME", ${JSON.stringify(t.username ?? '<username>')})`),
          py('sasl_plain_password', `os.environ["${PASSWORD_VAR}"]`),
        ]
      : []),
    ...(tls(t) ? [py('ssl_cafile', `os.getenv("KAFKA_SSL_CA_LOCATION", ${JSON.stringify(caPath)})`)] : []),
    ')',
    '',
    'producer = KafkaProducer(acks="all", **common)',
    'producer.send("demo-topic", b"hello")',
    'producer.flush()',
    '',
    'consumer = KafkaConsumer("demo-topic", group_id="my-service-group", auto_offset_reset="earliest", **common)',
    'for message in consumer:',
    '    print(message.value)',
  ].join('\n');

  return { spring, env, configMap, properties, kcat, python };
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:,=@%+-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

export const FORMAT_TITLES: Record<ClientConfigFormat, string> = {
  spring: 'Spring Boot application.yaml',
  env: 'environment variables',
  configmap: 'Kubernetes ConfigMap (and the container env)',
  properties: 'Java client properties (--command-config)',
  kcat: 'kcat',
  python: 'kafka-python',
};
