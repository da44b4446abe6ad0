/**
 * One error type for every expected failure, with a code from one registry (ERROR_CODES: what it means, whether
 * trying again can help, the exit code). A front-end prints `message` and the hint without a stack; anything that is
 * not a KafkaplaneError is a bug and is printed with its stack.
 *
 * Lower layers do not know how a front-end spells its settings: a hint names a setting or an action as data
 * (`setting('portBase')`, `action('purge')`), and the CLI turns it into `--port-base` or `kafkaplane down --purge`
 * (src/cli/hints.ts); the exporter, console or operator give the same hint their own words.
 */

interface ErrorCodeInfo {
  /** What the code means, for docs and `-o json` consumers. */
  meaning: string;
  /** Whether the same request can succeed later without a change by the user (a broker restarting, a port freed). */
  retriable: boolean;
  /** Exit code of the CLI: 1 failure, 2 bad input (usage, spec), 130 interrupted. */
  exitCode: 1 | 2 | 130;
}

const input = (meaning: string): ErrorCodeInfo => ({ meaning, retriable: false, exitCode: 2 });
const failure = (meaning: string): ErrorCodeInfo => ({ meaning, retriable: false, exitCode: 1 });
const transient = (meaning: string): ErrorCodeInfo => ({ meaning, retriable: true, exitCode: 1 });

export const ERROR_CODES = {
  // Bad input: a spec, a flag, a file (exit 2).
  INVALID_SPEC: input('the spec file is not a valid kafkaplane spec'),
  SPEC_UNREADABLE: input('the spec file cannot be read'),
  NO_CLUSTER: input('the spec defines no KafkaCluster'),
  NO_SUCH_CLUSTER: input('the spec has no KafkaCluster of that name'),
  AMBIGUOUS_CLUSTER: input('several clusters match; one must be named'),
  NO_SUCH_NODE: input('the cluster has no node with that id'),
  UNKNOWN_LISTENER: input('the cluster has no listener of that name'),
  BAD_USAGE: input('a flag or argument is not accepted'),
  BAD_FLAGS: input('flags that cannot be combined'),
  BAD_OUTPUT: input('an output format other than text or json'),
  BAD_TIMEOUT: input('a timeout outside the accepted range'),
  BAD_BOOTSTRAP: input('a bootstrap address that is not host:port'),
  BAD_CLIENT_CONFIG: input('a client properties file that cannot be used'),
  BAD_SASL: input('an unsupported SASL mechanism'),
  BAD_USERS_FILE: input("the console's users file is not user:scrypt-hash lines"),
  BAD_SESSION_SECRET: input("the console's session secret is too short"),
  CONSOLE_UNSAFE: input('the console refuses a setting that would expose the cluster (no login off loopback)'),
  BAD_TOPIC: input('a topic or topic:partitions argument that is not valid'),
  BAD_TOPIC_PATTERN: input('a topic regular expression that does not compile'),
  BAD_CONFIG: input('a config override that is not key=value'),
  BAD_ASSIGNMENT: input('a replica assignment that is not valid'),
  NOTHING_TO_ALTER: input('an alter with nothing to change'),
  INTERNAL_TOPIC: input('an internal topic where only user topics are allowed'),
  BAD_OFFSET: input('an offset specification that is not valid'),
  BAD_DATETIME: input('a date-time that is not valid'),
  BAD_DURATION: input('a duration that is not ISO-8601'),
  BAD_RESET_FILE: input('an offsets CSV that is not valid'),
  BAD_FORMAT: input('a kcat format string that is not valid'),
  BAD_DATE_FORMAT: input('a date format pattern that is not supported'),
  BAD_ESCAPE: input('an escape sequence that is not valid'),
  BAD_DELIMITER: input('an empty delimiter'),
  BAD_HEADER: input('a record header that is not valid'),
  BAD_INPUT: input('input records that cannot be parsed'),
  RECORD_TOO_LARGE: input('an input record larger than the producer may send (max.request.size)'),
  BAD_PROPERTY: input('a reader property that is not known'),
  BAD_PRODUCER_CONFIG: input('a producer property with a value out of range'),
  BAD_ACKS: input('an acks value other than 0, 1 or all'),
  BAD_COMPRESSION: input('an unknown compression codec'),
  BAD_PAYLOAD_FILE: input('a payload file that is missing or empty'),
  BAD_RATE: input('a data rate that cannot be parsed'),
  BAD_REBALANCE: input('a rebalance goal that cannot be reached: a broker the cluster does not have, or fewer brokers left than a replication factor'),
  BAD_SIZE: input('a size that cannot be parsed'),
  BAD_SIZING: input('sizing inputs that are not valid'),
  NEEDS_OUT_DIR: input('a format that writes a directory tree needs an output directory'),
  OUT_DIR_NOT_A_DIRECTORY: input('the output path exists and is not a directory'),
  STATE_IN_CHECKOUT: input('the state directory is inside a git checkout'),
  STATE_BELONGS_TO_OTHER: input('the state directory holds another cluster'),
  PORT_PLAN: input('the local port plan does not fit'),
  // The local runtime (exit 1).
  NO_CLUSTER_STATE: failure('there is no local cluster state'),
  STATE_UNREADABLE: failure('the local cluster state file cannot be read'),
  STATE_SCHEMA: failure('the local cluster state was written by another kafkaplane version'),
  NOT_A_STATE_DIR: failure('the directory is not a kafkaplane state directory'),
  INCOMPATIBLE_CHANGE: failure('the spec cannot be applied to the existing cluster data'),
  NODE_ID_MISMATCH: failure('a node directory belongs to another node'),
  INCONSISTENT_CLUSTER_ID: failure("a node's storage belongs to another cluster"),
  NO_INTERNAL_PASSWORD: failure("the internal listeners' password is missing"),
  JAVA_MISSING: failure('no Java runtime could be run'),
  JAVA_TOO_OLD: failure('the Java runtime is too old for Kafka'),
  KAFKA_HOME_INVALID: failure('KAFKA_HOME is not a Kafka installation'),
  KAFKA_HOME_VERSION: failure('KAFKA_HOME holds another Kafka version'),
  KAFKA_VERSION_UNAVAILABLE: failure('the Kafka release cannot be resolved'),
  CHECKSUM_MISMATCH: failure('a download does not match its pinned checksum'),
  DOWNLOAD_FAILED: transient('a download failed'),
  TLS_SETUP_FAILED: failure('the local TLS certificates could not be created'),
  FORMAT_FAILED: failure("formatting a node's storage failed"),
  PORT_IN_USE: transient('a port the cluster needs is taken'),
  NODE_DIED: failure('a node exited while the cluster was starting'),
  NOT_READY: transient('the cluster did not become ready in time'),
  INTERRUPTED: { meaning: 'the user interrupted the command', retriable: true, exitCode: 130 },
  // Talking to Kafka (exit 1).
  KAFKA_UNREACHABLE: transient('no bootstrap address answered'),
  KAFKA_TIMEOUT: transient('Kafka stopped answering'),
  KAFKA_AUTHENTICATION: failure('Kafka refused the login'),
  NO_BROKERS: transient('the cluster reported no live brokers'),
  NO_LEADER: transient('partitions without a leader'),
  QUORUM_UNAVAILABLE: transient('the controller quorum could not be described'),
  UNKNOWN_TOPIC: failure('the topic does not exist'),
  UNKNOWN_PARTITION: failure('the partition does not exist'),
  UNKNOWN_GROUP: failure('the consumer group does not exist'),
  TOPIC_EXISTS: failure('the topic already exists'),
  TOPIC_CREATE_FAILED: failure('Kafka refused to create the topic'),
  TOPIC_ALTER_FAILED: failure('Kafka refused to alter the topic'),
  TOPIC_ALTER_PARTIAL: failure('a topic change was applied only in part'),
  TOPIC_DELETE_FAILED: failure('Kafka refused to delete the topic'),
  TOPIC_PARTITIONS_DECREASE: failure("a topic's partitions cannot be reduced"),
  TOPIC_REPLICAS_CHANGE: failure("changing a topic's replication factor needs a reassignment"),
  GROUP_ACTIVE: failure('the consumer group has members, so its offsets cannot be changed'),
  GROUP_COORDINATOR_UNAVAILABLE: transient('the group coordinator did not answer'),
  GROUP_DESCRIBE_FAILED: failure('Kafka refused to describe the group'),
  GROUP_DELETE_FAILED: failure('Kafka refused to delete the group'),
  GROUP_JOIN_FAILED: transient('joining the consumer group failed'),
  NO_COMMITTED_OFFSET: failure('the group has no committed offset to shift'),
  OFFSETS_UNAVAILABLE: transient('the log start/end offsets could not be read'),
  NO_OFFSETS: transient('the offsets of a partition could not be read'),
  OFFSET_OUT_OF_RANGE: failure('the offset is no longer in the log'),
  OFFSET_COMMIT_FAILED: failure('Kafka refused the offset commit'),
  COMMIT_FAILED: failure('committing consumed offsets failed'),
  RESET_PARTIAL: failure('an offset reset was committed for some groups only'),
  FETCH_FAILED: transient('reading records failed'),
  PRODUCE_FAILED: failure('producing records failed'),
  PERF_STALLED: transient('no record was acknowledged for too long'),
  SCRAM_UPSERT_FAILED: failure('Kafka refused a SCRAM credential'),
  SCRAM_DELETE_FAILED: failure('Kafka refused to delete a SCRAM credential'),
  ACL_CHANGE_FAILED: failure('Kafka refused to create or delete ACLs'),
  QUOTA_CHANGE_FAILED: failure("Kafka refused to change a user's client quotas"),
  SECURITY_NOT_PROPAGATED: transient('users or ACLs did not reach every broker in time'),
  BROKER_CONFIG_REJECTED: failure('Kafka refused a broker config change'),
  FEATURE_UPGRADE_REFUSED: failure('Kafka refused a feature upgrade'),
  REASSIGNMENT_RUNNING: transient('a partition reassignment is already running on the partitions to move'),
  REASSIGNMENT_REFUSED: failure('Kafka refused a partition reassignment'),
  REASSIGNMENT_TIMEOUT: transient('a partition reassignment did not finish in time'),
  LEADER_ELECTION_FAILED: transient('the preferred leader election failed'),
  REBALANCE_UNSAFE: transient('partitions are under-replicated, so moving them now could lose data'),
  // Rendering (exit 1).
  CANNOT_RENDER: input('a valid spec that cannot be rendered in the requested format'),
  NO_STATEFULSET: failure('a pool of the cluster has no StatefulSet on Kubernetes (nothing applied there yet)'),
  NOT_ON_DELETE: failure('a StatefulSet rolls its pods by itself (updateStrategy RollingUpdate), so a roll across pools is not safe'),
  BAD_RENDER_MANIFEST: failure("the output directory's render manifest is not kafkaplane's"),
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A setting a hint can point the user at; each front-end names it its own way (CLI: src/cli/hints.ts). */
export type Setting =
  | 'bootstrap'
  | 'commandConfig'
  | 'sasl'
  | 'tls'
  | 'tlsCa'
  | 'timeout'
  | 'cluster'
  | 'file'
  | 'stateDir'
  | 'allowStateInCheckout'
  | 'portBase'
  | 'heap'
  | 'topic'
  | 'includeInternal'
  | 'ifNotExists'
  | 'group'
  | 'toEarliest'
  | 'toLatest'
  | 'toOffset'
  | 'execute'
  | 'allowNewGroup'
  | 'config'
  | 'header'
  | 'maxDisk'
  | 'brokerNetwork'
  | 'kubeconfig'
  | 'kafkaBootstrap'
  | 'namespace'
  | 'strimziVersion';

/** Something a hint asks the user to run; the CLI spells it as a kafkaplane command. */
export type Action =
  | 'up'
  | 'down'
  | 'purge'
  | 'status'
  | 'statusAll'
  | 'logs'
  | 'topicsList'
  | 'topicsCreate'
  | 'topicsDescribe'
  | 'underReplicatedPartitions'
  | 'groupsDelete'
  | 'doctor'
  | 'topicsAlter'
  | 'groupsList';

export type HintPart = string | { setting: Setting; value?: string } | { action: Action; args?: string };
/** A hint as data: text with settings and actions in it. */
export type Hint = readonly HintPart[];

export const setting = (name: Setting, value?: string): HintPart => (value === undefined ? { setting: name } : { setting: name, value });
export const action = (name: Action, args?: string): HintPart => (args === undefined ? { action: name } : { action: name, args });

/** `hint\`pick a lower ${setting('portBase')}\`` — a hint whose settings and actions stay data. */
export function hint(strings: TemplateStringsArray, ...parts: (HintPart | number)[]): Hint {
  const out: HintPart[] = [];
  strings.forEach((s, i) => {
    if (s !== '') out.push(s);
    if (i < parts.length) {
      const part = parts[i]!;
      out.push(typeof part === 'number' ? String(part) : part);
    }
  });
  return out;
}

/** How a front-end names settings and actions in text. */
export interface HintVocabulary {
  setting(name: Setting, value: string | undefined): string;
  action(name: Action, args: string | undefined): string;
}

export function formatHint(h: Hint | string, vocabulary: HintVocabulary): string {
  if (typeof h === 'string') return h;
  return h.map((p) => (typeof p === 'string' ? p : 'setting' in p ? vocabulary.setting(p.setting, p.value) : vocabulary.action(p.action, p.args))).join('');
}

export interface KafkaplaneErrorOptions {
  /** What to do about it: plain text (no front-end's words) or a structured Hint. */
  hint?: Hint | string;
  /** Overrides the registry's exit code (rarely: the same code from bad input and from Kafka). */
  exitCode?: number;
  cause?: unknown;
  details?: unknown;
}

export class KafkaplaneError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly retriable: boolean;
  readonly hint: Hint | string | undefined;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: KafkaplaneErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KafkaplaneError';
    this.code = code;
    this.exitCode = options.exitCode ?? ERROR_CODES[code].exitCode;
    this.retriable = ERROR_CODES[code].retriable;
    this.hint = options.hint;
    this.details = options.details;
  }
}

export interface SpecProblem {
  /** Where the problem is, as a user would write it: `spec.nodePools[1].roles[0]`. */
  path: string;
  message: string;
  /** 1-based line in the source file, when known. */
  line?: number;
  /** Which document of a multi-document file, e.g. `KafkaCluster "demo" (document 1)`. */
  document?: string;
}

/** Problems listed under their document, one per line: the one format for spec and render problems. */
export function formatProblems(problems: readonly SpecProblem[]): string {
  const lines: string[] = [];
  let document: string | undefined;
  for (const p of problems) {
    if (p.document !== undefined && p.document !== document) lines.push(`  ${p.document}:`);
    document = p.document;
    const indent = p.document === undefined ? '  ' : '    ';
    const where = p.line === undefined ? '' : ` (line ${p.line})`;
    lines.push(`${indent}${p.path === '' ? '(document)' : p.path}${where}: ${p.message}`);
  }
  return lines.join('\n');
}

/** An error that carries a list of problems with their paths (spec validation, render checks). */
export class ProblemsError extends KafkaplaneError {
  readonly problems: readonly SpecProblem[];

  constructor(code: ErrorCode, heading: string, problems: readonly SpecProblem[], options: KafkaplaneErrorOptions = {}) {
    super(code, `${heading} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${formatProblems(problems)}`, { ...options, details: problems });
    this.problems = problems;
  }
}

/** Bad input in a spec file: exit code 2, like a usage error. */
export class SpecError extends ProblemsError {
  constructor(source: string, problems: readonly SpecProblem[]) {
    super('INVALID_SPEC', `${source} is not a valid kafkaplane spec`, problems);
    this.name = 'SpecError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
