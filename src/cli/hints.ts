import { type Action, type Hint, type HintVocabulary, type Setting, formatHint } from '../errors.ts';

/** The CLI's names for the settings hints point at. */
const FLAGS: Record<Setting, string> = {
  bootstrap: '--bootstrap',
  commandConfig: '--command-config',
  sasl: '--sasl-mechanism/--sasl-username/--sasl-password',
  tls: '--tls',
  tlsCa: '--tls-ca',
  timeout: '--timeout',
  cluster: '--cluster',
  file: '-f',
  stateDir: '--state-dir',
  allowStateInCheckout: '--allow-state-in-checkout',
  portBase: '--port-base',
  heap: '--heap',
  topic: '--topic',
  includeInternal: '--include-internal',
  ifNotExists: '--if-not-exists',
  group: '--group',
  toEarliest: '--to-earliest',
  toLatest: '--to-latest',
  toOffset: '--to-offset',
  execute: '--execute',
  allowNewGroup: '--allow-new-group',
  config: '--config',
  header: '-H',
  maxDisk: '--max-disk',
  brokerNetwork: '--broker-network',
  kubeconfig: '--kubeconfig',
  kafkaBootstrap: '--kafka-bootstrap',
  namespace: '--namespace',
  strimziVersion: '--strimzi-version',
};

/** The commands hints ask the user to run. */
const COMMANDS: Record<Action, string> = {
  up: 'kafkaplane up',
  down: 'kafkaplane down',
  purge: 'kafkaplane down --purge',
  status: 'kafkaplane status',
  statusAll: 'kafkaplane status --all',
  logs: 'kafkaplane logs',
  topicsList: 'kafkaplane topics list',
  topicsCreate: 'kafkaplane topics create',
  topicsDescribe: 'kafkaplane topics describe',
  underReplicatedPartitions: 'kafkaplane topics describe --under-replicated-partitions',
  groupsDelete: 'kafkaplane groups delete',
  doctor: 'kafkaplane doctor',
  topicsAlter: 'kafkaplane topics alter',
  groupsList: 'kafkaplane groups list',
};

export const CLI_VOCABULARY: HintVocabulary = {
  setting: (name, value) => (value === undefined ? FLAGS[name] : `${FLAGS[name]} ${value}`),
  action: (name, args) => (args === undefined ? COMMANDS[name] : `${COMMANDS[name]} ${args}`),
};

/** A hint in the CLI's words. */
export function cliHint(hint: Hint | string | null | undefined): string | undefined {
  return hint === undefined || hint === null ? undefined : formatHint(hint, CLI_VOCABULARY);
}
