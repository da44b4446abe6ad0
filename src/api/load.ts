import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { z } from 'zod';
import { SpecError, type SpecProblem } from '../errors.ts';
import { API_VERSION } from './common.ts';
import { type KafkaCluster, kafkaCluster } from './kafka-cluster.ts';
import { type KafkaTopic, kafkaTopic, kafkaTopicName } from './kafka-topic.ts';
import { type KafkaUser, kafkaUser } from './kafka-user.ts';
import { checkCluster, checkTopic, checkUser, owningCluster } from './semantics.ts';

export interface LoadedTopic {
  topic: KafkaTopic;
  /** The cluster it belongs to, when the file defines it. */
  cluster: string | undefined;
}
export interface LoadedUser {
  user: KafkaUser;
  cluster: string | undefined;
}
export interface SpecFile {
  clusters: KafkaCluster[];
  topics: LoadedTopic[];
  users: LoadedUser[];
}

const SCHEMAS = { KafkaCluster: kafkaCluster, KafkaTopic: kafkaTopic, KafkaUser: kafkaUser } as const;
type Kind = keyof typeof SCHEMAS;

type Path = (string | number)[];

/**
 * Parses and validates a multi-document YAML file. Every problem in every document is reported at once, with its
 * path and line; nothing is returned unless the whole file is valid.
 */
export function parseSpec(text: string, source = 'spec'): SpecFile {
  const tooDeep = nestingBeyond(text, MAX_NESTING);
  if (tooDeep !== undefined) {
    // The YAML parser recurses per level: past the stack it fails, and where exactly depends on the stack left, so the
    // same file could pass once and fail the next time. A spec nests about ten levels; refuse deep files up front.
    throw new SpecError(source, [{ path: '', line: tooDeep, message: `YAML nested more than ${MAX_NESTING} levels deep; a kafkaplane spec nests about ten` }]);
  }
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const problems: SpecProblem[] = [];
  const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);

  if (!Array.isArray(documents)) {
    // An empty stream parses to an EmptyStream object.
    throw new SpecError(source, [{ path: '', message: 'the file holds no YAML documents' }]);
  }

  const parsed: { kind: Kind; value: unknown; doc: Document; label: string }[] = [];
  documents.forEach((doc, index) => {
    const number = index + 1;
    for (const error of doc.errors) {
      problems.push({ path: '', line: lineOf(error.pos[0]), document: `document ${number}`, message: `YAML syntax error: ${error.message.split('\n')[0]}` });
    }
    if (doc.errors.length > 0) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // yaml refuses aliases that expand past maxAliasCount (a "billion laughs" file) with a ReferenceError.
      problems.push({ path: '', line: lineOf(doc.contents?.range?.[0]), document: `document ${number}`, message: `YAML aliases expand too far: ${(error as Error).message}` });
      return;
    }
    if (value === null || value === undefined) return; // an empty document between two `---`
    const label = documentLabel(value, number);
    const push = (path: Path, message: string) => problems.push({ path: formatPath(path), line: lineOf(nodeOffset(doc, path)), document: label, message });
    if (typeof value !== 'object' || Array.isArray(value)) {
      push([], 'expected a mapping with apiVersion, kind, metadata and spec');
      return;
    }
    const record = value as Record<string, unknown>;
    if (record.apiVersion !== API_VERSION) {
      push(['apiVersion'], `expected "${API_VERSION}", got ${record.apiVersion === undefined ? 'nothing' : JSON.stringify(record.apiVersion)}`);
      return;
    }
    const kind = record.kind;
    if (typeof kind !== 'string' || !Object.hasOwn(SCHEMAS, kind)) {
      push(['kind'], `expected "KafkaCluster", "KafkaTopic" or "KafkaUser", got ${kind === undefined ? 'nothing' : JSON.stringify(kind)}`);
      return;
    }
    parsed.push({ kind: kind as Kind, value, doc, label });
  });

  const clusters: { value: KafkaCluster; report: (p: Path, m: string) => void }[] = [];
  const topics: { value: KafkaTopic; report: (p: Path, m: string) => void }[] = [];
  const users: { value: KafkaUser; report: (p: Path, m: string) => void }[] = [];
  for (const { kind, value, doc, label } of parsed) {
    const report = (path: Path, message: string): void => {
      problems.push({ path: formatPath(path), line: lineOf(nodeOffset(doc, path)), document: label, message });
    };
    const schema: z.ZodType = SCHEMAS[kind];
    const result = schema.safeParse(value, { reportInput: true });
    let data: unknown = result.data;
    let checkedReport = report;
    if (!result.success) {
      const described = result.error.issues.flatMap((issue) => describeIssue(issue, schema));
      for (const { path, message } of described) report(path, message);
      // Every problem at once: the cross-field rules below also check what is left once the fields zod refused
      // are taken out — unless that would change what they count (a node pool), which would make them guess.
      const repaired = withoutFields(value, described);
      const second = repaired === undefined ? undefined : schema.safeParse(repaired);
      if (!second?.success) continue;
      data = second.data;
      const removed = described.map((d) => formatPath(d.path));
      checkedReport = (path, message) => {
        const at = formatPath(path);
        if (!removed.some((r) => at.startsWith(r) || r.startsWith(at))) report(path, message);
      };
    }
    if (kind === 'KafkaCluster') clusters.push({ value: data as KafkaCluster, report: checkedReport });
    else if (kind === 'KafkaTopic') topics.push({ value: data as KafkaTopic, report: checkedReport });
    else users.push({ value: data as KafkaUser, report: checkedReport });
  }

  const clusterValues = clusters.map((c) => c.value);
  unique(clusters, (c) => c.metadata.name, 'KafkaCluster');
  unique(topics, (t) => kafkaTopicName(t), 'topic');
  unique(users, (u) => u.metadata.name, 'KafkaUser');
  for (const c of clusters) checkCluster(c.value, c.report);
  const loadedTopics = topics.map(({ value, report }) => {
    const cluster = owningCluster(value, clusterValues, report);
    checkTopic(value, cluster, report);
    return { topic: value, cluster: cluster?.metadata.name ?? value.metadata.labels?.['kafkaplane.io/cluster'] };
  });
  const loadedUsers = users.map(({ value, report }) => {
    const cluster = owningCluster(value, clusterValues, report);
    checkUser(value, cluster, report);
    return { user: value, cluster: cluster?.metadata.name ?? value.metadata.labels?.['kafkaplane.io/cluster'] };
  });

  if (problems.length > 0) throw new SpecError(source, problems);
  if (clusters.length + topics.length + users.length === 0) {
    throw new SpecError(source, [{ path: '', message: 'the file holds no KafkaCluster, KafkaTopic or KafkaUser document' }]);
  }
  return { clusters: clusterValues, topics: loadedTopics, users: loadedUsers };

  function unique<T>(items: { value: T; report: (p: Path, m: string) => void }[], key: (t: T) => string, what: string) {
    const seen = new Set<string>();
    for (const item of items) {
      const k = key(item.value);
      if (seen.has(k)) item.report(['metadata', 'name'], `a second ${what} named "${k}" in this file`);
      seen.add(k);
    }
  }
}

const MAX_NESTING = 100;

/**
 * The line where `text` first nests deeper than `max` — flow collections (`[`, `{`) or block indentation (two
 * spaces or a "- " per level) — or undefined. Quoted scalars and comments are skipped; an approximation on the safe
 * side of the parser's own limit.
 */
function nestingBeyond(text: string, max: number): number | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = true;
  let indent = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      lineStart = true;
      indent = 0;
      continue;
    }
    if (quote !== undefined) {
      if (c === quote && !(quote === '"' && text[i - 1] === '\\')) quote = undefined;
      continue;
    }
    if (lineStart) {
      if (c === ' ' || c === '-' || c === '\t') {
        indent++;
        if (indent > 2 * max) return line;
        continue;
      }
      lineStart = false;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s[{,:]/.test(text[i - 1]!)) quote = c;
    } else if (c === '[' || c === '{') {
      if (++depth > max) return line;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}

/**
 * A copy of a document without the fields zod refused, for a second look at what is left. Undefined when that
 * would change what the cross-field rules count: a list item, or anything in a node pool but a field that does not
 * exist (without its `replicas` or `roles`, a pool would count differently).
 */
function withoutFields(value: unknown, problems: readonly { path: Path; message: string }[]): unknown {
  const unsafe = ({ path, message }: { path: Path; message: string }) =>
    path.length < 2 || typeof path.at(-1) === 'number' || (path[0] === 'spec' && path[1] === 'nodePools' && !message.startsWith('unknown field'));
  if (problems.some(unsafe)) return undefined;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  for (const { path } of problems) {
    let parent: unknown = copy;
    for (const key of path.slice(0, -1)) parent = parent !== null && typeof parent === 'object' ? (parent as Record<string | number, unknown>)[key] : undefined;
    if (parent !== null && typeof parent === 'object' && !Array.isArray(parent)) delete (parent as Record<string | number, unknown>)[path.at(-1)!];
  }
  return copy;
}

function documentLabel(value: unknown, number: number): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const r = value as { kind?: unknown; metadata?: { name?: unknown } };
    if (typeof r.kind === 'string') {
      const name = typeof r.metadata?.name === 'string' ? ` "${r.metadata.name}"` : '';
      return `${r.kind}${name} (document ${number})`;
    }
  }
  return `document ${number}`;
}

/** `spec.nodePools[1].roles[0]`, `spec.config["num.partitions"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out;
}

/** Offset of the deepest YAML node that exists along `path`, so a problem points at the closest line. */
function nodeOffset(doc: Document, path: Path): number | undefined {
  let best: number | undefined = (doc.contents as { range?: [number, number, number] } | null)?.range?.[0];
  for (let i = 1; i <= path.length; i++) {
    const node = doc.getIn(path.slice(0, i), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) best = node.range[0];
    else break;
  }
  return best;
}

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
  values?: unknown[];
  keys?: string[];
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  errors?: Issue[][];
}

/** Fields users bring from other tools that kafkaplane will never take, with what to do instead. */
const RETIRED_FIELDS: Record<string, string> = {
  'spec.zookeeper':
    'ZooKeeper mode is gone since Kafka 4.0 and kafkaplane runs KRaft only: remove spec.zookeeper (the controllers are node pools with role controller). A cluster still on ZooKeeper migrates with Kafka 3.9 first (KIP-866): see docs/zookeeper-migration.md',
};

function describeIssue(raw: unknown, root: z.ZodType): { path: Path; message: string }[] {
  const issue = raw as Issue;
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const got = 'input' in issue ? describeValue(issue.input) : undefined;
  switch (issue.code) {
    case 'invalid_value': {
      const allowed = (issue.values ?? []).map((v) => JSON.stringify(v));
      const list = allowed.length <= 1 ? (allowed[0] ?? '?') : `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}`;
      return [{ path, message: `expected ${list}, got ${got ?? 'nothing'}` }];
    }
    case 'unrecognized_keys': {
      const known = knownKeysAt(root, path);
      return (issue.keys ?? []).map((key) => {
        const field = [...path, key].join('.');
        const retired = Object.hasOwn(RETIRED_FIELDS, field) ? RETIRED_FIELDS[field] : undefined;
        if (retired) return { path: [...path, key], message: retired };
        const suggestion = closest(key, known);
        const hint = suggestion ? ` (did you mean "${suggestion}"?)` : known.length > 0 ? ` (allowed: ${known.join(', ')})` : '';
        return { path: [...path, key], message: `unknown field${hint}` };
      });
    }
    case 'invalid_type': {
      if (issue.input === undefined) return [{ path, message: `required (${issue.expected})` }];
      return [{ path, message: `expected ${issue.expected}, got ${got}` }];
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      const unit = issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : '';
      return [{ path, message: `must be ${word} ${String(bound)}${unit}, got ${issue.origin === 'array' ? `${(issue.input as unknown[] | undefined)?.length ?? 0} items` : got}` }];
    }
    case 'invalid_union': {
      // Report the branch that got furthest; unions here are scalar alternatives.
      return [{ path, message: `${issue.message === 'Invalid input' ? 'invalid value' : issue.message}, got ${got}` }];
    }
    default:
      return [{ path, message: got === undefined ? issue.message : `${issue.message}, got ${got}` }];
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

interface ZodDefLike {
  type: string;
  shape?: Record<string, { _zod: { def: ZodDefLike } }>;
  element?: { _zod: { def: ZodDefLike } };
  innerType?: { _zod: { def: ZodDefLike } };
  in?: { _zod: { def: ZodDefLike } };
  valueType?: { _zod: { def: ZodDefLike } };
  options?: { _zod: { def: ZodDefLike } }[];
}

/** The fields a strict object at `path` accepts, for "did you mean" hints. */
function knownKeysAt(schema: z.ZodType, path: Path): string[] {
  let def = (schema as unknown as { _zod: { def: ZodDefLike } })._zod.def;
  const unwrap = () => {
    for (;;) {
      if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault' || def.type === 'readonly') && def.innerType) def = def.innerType._zod.def;
      else if (def.type === 'pipe' && def.in) def = def.in._zod.def;
      else return;
    }
  };
  for (const part of path) {
    unwrap();
    if (def.type === 'object' && def.shape && typeof part === 'string' && def.shape[part]) def = def.shape[part]._zod.def;
    else if (def.type === 'array' && def.element) def = def.element._zod.def;
    else if (def.type === 'record' && def.valueType) def = def.valueType._zod.def;
    else return [];
  }
  unwrap();
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
