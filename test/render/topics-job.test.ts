/**
 * Runs the rendered topic-Job script for real, under BusyBox sh with only BusyBox applets on PATH (the tools of the
 * Alpine-based apache/kafka image), against stand-ins for kafka-topics.sh, kafka-configs.sh and kafka-acls.sh that
 * answer like Kafka's tools and record what they were asked.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { topicsScript } from '../../src/render/topics-job.ts';
import { parseSpec } from '../../src/api/load.ts';
import { clusterYaml } from '../helpers/spec.ts';

const BUSYBOX = execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim();

const SPEC = `${clusterYaml('listeners:\n  - {name: scram, port: 9092, authentication: scram-sha-512}\nauthorization: {type: simple}', 'demo')}---
apiVersion: kafkaplane.io/v1alpha1
kind: KafkaTopic
metadata: {name: orders}
spec: {partitions: 6, replicas: 3, config: {retention.ms: 604800000, cleanup.policy: "compact,delete"}}
---
apiVersion: kafkaplane.io/v1alpha1
kind: KafkaTopic
metadata: {name: payments}
spec: {partitions: 3, replicas: 3}
---
apiVersion: kafkaplane.io/v1alpha1
kind: KafkaTopic
metadata: {name: audit.log}
spec: {partitions: 1}
---
apiVersion: kafkaplane.io/v1alpha1
kind: KafkaUser
metadata: {name: app}
spec:
  authentication: {type: scram-sha-512, password: {valueFrom: {secretKeyRef: {name: app-password, key: password}}}}
  authorization: {type: simple, acls: [{resource: {type: topic, name: orders}, operations: [Read, Write]}]}
---
apiVersion: kafkaplane.io/v1alpha1
kind: KafkaUser
metadata: {name: nosecret}
spec:
  authentication: {type: scram-sha-512}
`;

/**
 * kafka-topics.sh stand-in: --describe prints the summary line of topics listed in $TOPICS_DIR/<name> (as Kafka's
 * TopicCommand does) or fails like Kafka does for a missing topic; --create prints "Created topic <name>.".
 */
const KAFKA_TOPICS = `#!/bin/sh
echo "kafka-topics.sh $*" >> "$CALLS"
case " $* " in
  *" --list "*) exit 0 ;;
  *" --describe "*)
    while [ $# -gt 0 ]; do [ "$1" = --topic ] && pattern=$2; shift; done
    name=$(printf '%s' "$pattern" | sed 's/\\\\//g')
    if [ -f "$TOPICS_DIR/$name" ]; then
      cat "$TOPICS_DIR/$name"
      printf '\\tTopic: %s\\tPartition: 0\\tLeader: 1\\tReplicas: 1,2,3\\tIsr: 1,2,3\\n' "$name"
      exit 0
    fi
    echo "Error while executing topic command : Topic '$pattern' does not exist as expected" >&2
    exit 1
    ;;
  *" --create "*)
    while [ $# -gt 0 ]; do [ "$1" = --topic ] && name=$2; shift; done
    echo "Created topic $name."
    ;;
esac
`;

function sandbox() {
  const dir = mkdtempSync(join(tmpdir(), 'kafkaplane-topics-'));
  const bin = join(dir, 'busybox-bin');
  mkdirSync(bin);
  for (const applet of ['sh', 'sed', 'grep', 'head', 'cat', 'printf', 'echo', 'sleep', 'mktemp', 'rm', 'stat']) symlinkSync(BUSYBOX, join(bin, applet));
  const kafka = join(dir, 'kafka-bin');
  mkdirSync(kafka);
  const topics = join(dir, 'topics');
  mkdirSync(topics);
  const tool = (name: string, body: string) => {
    writeFileSync(join(kafka, name), body.replace('#!/bin/sh', `#!${join(bin, 'sh')}`));
    chmodSync(join(kafka, name), 0o755);
  };
  tool('kafka-topics.sh', KAFKA_TOPICS);
  // Records its arguments, and the mode and content of an --add-config-file (the only way a password may reach it).
  tool(
    'kafka-configs.sh',
    '#!/bin/sh\necho "kafka-configs.sh $*" >> "$CALLS"\nwhile [ $# -gt 0 ]; do [ "$1" = --add-config-file ] && { echo "file mode $(stat -c %a "$2"): $(cat "$2")" >> "$CALLS"; }; shift; done\necho "Completed updating config for user x."\n',
  );
  tool('kafka-acls.sh', '#!/bin/sh\necho "kafka-acls.sh $*" >> "$CALLS"\necho "Adding ACLs for resource"\n');
  const calls = join(dir, 'calls');
  return {
    dir,
    existing: (name: string, summary: string) => writeFileSync(join(topics, name), `${summary}\n`),
    run(script: string, env: Record<string, string> = {}) {
      const result = spawnSync(join(bin, 'sh'), ['-c', script], {
        env: { PATH: bin, KAFKAPLANE_KAFKA_BIN: kafka, TOPICS_DIR: topics, CALLS: calls, USER_PASSWORD_0: 'secret', ...env },
        encoding: 'utf8',
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls: existsSync(calls) ? readFileSync(calls, 'utf8') : '' };
    },
  };
}

const spec = parseSpec(SPEC);
const SCRIPT_OPTIONS = {
  topics: spec.topics.map((t) => t.topic),
  users: spec.users.map((u) => u.user),
  authorization: true,
  internalLogin: false,
  bootstrap: 'demo-dual-0:9091',
  clusterName: 'demo',
  secrets: true,
};
const script = topicsScript(SCRIPT_OPTIONS);

test('topic Job script: creates missing topics and reports only what it did', (t) => {
  const box = sandbox();
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  const result = box.run(script.script);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^kafkaplane: created topic orders$/m);
  assert.match(result.stdout, /^kafkaplane: created topic audit\.log$/m);
  assert.match(
    result.calls,
    /kafka-topics\.sh --bootstrap-server demo-dual-0:9091 --create --if-not-exists --topic orders --partitions 6 --replication-factor 3 --config retention\.ms=604800000 --config cleanup\.policy=compact,delete/,
  );
  // --topic of --describe is a regular expression: the "." of audit.log is escaped.
  assert.match(result.calls, /--describe --topic audit\\\.log/);
  assert.match(result.stdout, /^kafkaplane: SCRAM credentials of user app set$/m);
  assert.match(result.stderr, /WARNING: SCRAM credentials were NOT created for nosecret: their KafkaUsers name no password Secret/);
  // Two users authenticate, one had a Secret: the summary says 1 of 2, not "2 users are in place".
  assert.match(
    result.stdout,
    /kafkaplane: cluster demo: 3 topic\(s\) created, 0 already there \(0 differ from their KafkaTopic, see the warnings\), 0 not compared; SCRAM credentials set for 1 of 2 user\(s\); ACL entries added or already there: 1$/m,
  );
  assert.deepEqual(script.warnings.length, 1);
});

test('topic Job script: an existing topic that differs from its KafkaTopic gets a warning per difference, not silence', (t) => {
  const box = sandbox();
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  // Kafka's own summary line: tab separated, Configs lists the non-default values (a value may hold commas).
  box.existing('orders', 'Topic: orders\tTopicId: 3xJQ2w5pSgeZbH1MZ1mI3A\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: cleanup.policy=compact,delete,min.insync.replicas=2,retention.ms=86400000');
  box.existing('payments', 'Topic: payments\tTopicId: qzT7tT3bS9iQm1lJ2y0c5w\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: min.insync.replicas=2');
  box.existing('audit.log', 'Topic: audit.log\tTopicId: Ym9vb29vb29vb29vb29vbw\tPartitionCount: 1\tReplicationFactor: 2\tConfigs: ');
  const result = box.run(script.script);
  assert.equal(result.status, 0, result.stderr);
  assert.doesNotMatch(result.calls, /--create/, 'existing topics are not created again');
  assert.match(result.stderr, /WARNING: topic orders has 3 partitions, its KafkaTopic says 6/);
  assert.match(
    result.stderr,
    /WARNING: topic orders does not have retention\.ms=604800000 from its KafkaTopic \(its non-default configs: cleanup\.policy=compact,delete,min\.insync\.replicas=2,retention\.ms=86400000\)/,
  );
  assert.doesNotMatch(result.stderr, /does not have cleanup\.policy/, 'a value with commas is found');
  assert.match(result.stdout, /^kafkaplane: topic payments exists as its KafkaTopic says$/m);
  assert.match(result.stdout, /^kafkaplane: topic audit\.log exists as its KafkaTopic says$/m, 'no replicas in the KafkaTopic: replication factor not compared');
  assert.match(result.stdout, /cluster demo: 0 topic\(s\) created, 3 already there \(1 differ from their KafkaTopic, see the warnings\), 0 not compared;/);
});

test('topic Job script: a topic that exists but cannot be described is not counted as created', (t) => {
  const box = sandbox();
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  // --create --if-not-exists prints nothing when the topic exists.
  const quiet = script.script.replaceAll('"$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" $auth --create', '"$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" $auth --list --create');
  const result = box.run(quiet);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /WARNING: topic orders already exists but could not be described/);
  assert.match(result.stdout, /0 topic\(s\) created, 0 already there \(0 differ from their KafkaTopic, see the warnings\), 3 not compared/);
});

test('topic Job script: a failing create fails the Job (so Kubernetes retries it)', (t) => {
  const box = sandbox();
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  writeFileSync(
    join(box.dir, 'kafka-bin', 'kafka-topics.sh'),
    `#!${join(box.dir, 'busybox-bin', 'sh')}\ncase " $* " in *" --list "*) exit 0 ;; *" --create "*) echo "Error: not authorized" >&2; exit 1 ;; *) exit 1 ;; esac\n`,
  );
  const result = box.run(script.script);
  assert.equal(result.status, 1);
  assert.doesNotMatch(result.stdout, /created topic/);
});

test('topic Job script on a secured cluster: every tool logs in to the internal listener as kafkaplane through a client config', (t) => {
  const box = sandbox();
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  const secured = topicsScript({ ...SCRIPT_OPTIONS, internalLogin: true });
  const missing = box.run(secured.script);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /the cluster's internal password is missing/);
  const result = box.run(secured.script, { KAFKAPLANE_INTERNAL_PASSWORD: 'abcdef0123456789abcdef' });
  assert.equal(result.status, 0, result.stderr);
  const configs = [...result.calls.matchAll(/--command-config (\S+)/g)].map((m) => m[1]!);
  assert.ok(
    configs.length > 0 &&
      result.calls
        .split('\n')
        .filter((l) => l.startsWith('kafka-'))
        .every((l) => l.includes('--command-config ')),
    result.calls,
  );
  assert.equal(
    readFileSync(configs[0]!, 'utf8'),
    'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="kafkaplane" password="abcdef0123456789abcdef";\n',
  );
});

test('topic Job script: a SCRAM password reaches kafka-configs.sh in a file only its user can read, never in an argument', (t) => {
  const box = sandbox();
  t.after(() => rmSync(box.dir, { recursive: true, force: true }));
  // A backslash is an escape character in a Java properties file: doubled, so Kafka reads the password as written.
  const password = 'p4ss w\\rd,[x]=y';
  const result = box.run(script.script, { USER_PASSWORD_0: password });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.calls, /^kafka-configs\.sh --bootstrap-server demo-dual-0:9091 --alter --entity-type users --entity-name app --add-config-file \/tmp\/kafkaplane-scram\.\S+$/m);
  assert.ok(result.calls.includes(`file mode 600: SCRAM-SHA-512=password=${password.replaceAll('\\', '\\\\')}`), result.calls);
  for (const line of result.calls.split('\n').filter((l) => l.startsWith('kafka-'))) assert.ok(!line.includes('p4ss'), `no password in the arguments: ${line}`);
  assert.doesNotMatch(script.script, /--add-config "SCRAM|password=\$/);
  const file = /--add-config-file (\S+)/.exec(result.calls)![1]!;
  assert.equal(existsSync(file), false, `the password file ${file} is removed`);
});
