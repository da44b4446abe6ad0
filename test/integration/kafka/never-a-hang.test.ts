// "Never a hang", end to end through the CLI (src/kafka/admin-session.ts, docs/design/admin-stall-watch.md): every
// command that uses the full Admin client fails within about --timeout when the address takes TCP connections but
// never answers as Kafka, or answers the first contact and then stops; the process exits. Real seconds pass here, so
// this runs with the integration tests; test/kafka/admin-session.test.ts checks the same rules in milliseconds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stallLimitMs } from '../../../src/kafka/admin-session.ts';
import { runCli, spawnCli } from '../../helpers/cli.ts';
import { useMisbehavingBrokers } from '../../helpers/fake-brokers.ts';

const TIMEOUT_S = 2;
/** What "within the timeout" allows on top of it: process start-up, closing the client, a loaded machine. */
const SLACK_MS = 4_000;

const cli = (...args: string[]) => runCli(args, { quiet: true });

const brokers = useMisbehavingBrokers();

const commands: [string, string[]][] = [
  ['topics describe', ['topics', 'describe']],
  ['groups describe', ['groups', 'describe', 'billing']],
  ['groups list', ['groups', 'list']],
  ['topics delete', ['topics', 'delete', 'orders']],
  ['topics create', ['topics', 'create', 'orders']],
  ['groups reset-offsets', ['groups', 'reset-offsets', 'billing', '--all-topics', '--to-earliest']],
  ['cluster describe', ['cluster', 'describe']],
];

test('an address that accepts connections and never answers: every Admin command fails within the timeout, naming it', async () => {
  for (const [name, args] of commands) {
    const r = await cli(...args, '-b', brokers.silent().address, '--timeout', String(TIMEOUT_S));
    assert.equal(r.code, 1, `${name}: ${r.stderr}`);
    assert.ok(r.ms < TIMEOUT_S * 1000 + SLACK_MS, `${name} took ${r.ms} ms with --timeout ${TIMEOUT_S}`);
    assert.match(r.stderr, new RegExp(`cannot reach Kafka at ${brokers.silent().address.replaceAll('.', '\\.')}: no answer to a metadata request within 2 s`), name);
    assert.match(r.stderr, /hint: the address takes connections but does not answer as Kafka/, name);
    assert.doesNotMatch(r.stderr, /hit a bug/, name);
  }
  // doctor reports it as a finding (exit 1), within the timeout too.
  const doctor = await cli('doctor', '--lag-interval', '0', '-b', brokers.silent().address, '--timeout', String(TIMEOUT_S));
  assert.equal(doctor.code, 1, doctor.stdout);
  assert.ok(doctor.ms < TIMEOUT_S * 1000 + SLACK_MS, `doctor took ${doctor.ms} ms`);
  assert.match(doctor.stdout, /CRITICAL +the bootstrap address answered, but Kafka did not/);
});

test("with the default timeout too, a silent address fails in about 15 s, not after the client's retries", async () => {
  const r = await cli('topics', 'describe', '-b', brokers.silent().address);
  assert.equal(r.code, 1, r.stderr);
  assert.ok(r.ms >= 14_000 && r.ms < 15_000 + SLACK_MS, `took ${r.ms} ms`);
});

test('a broker that answers the first contact and then goes silent: the command fails within the timeout, naming where it waited', async () => {
  const limit = stallLimitMs({ bootstrap: [brokers.half().address], timeoutMs: TIMEOUT_S * 1000 });
  for (const args of [
    ['topics', 'describe'],
    ['groups', 'describe', 'billing'],
    ['topics', 'alter', 'orders', '--partitions', '4'],
  ]) {
    brokers.half().requests.length = 0;
    const r = await cli(...args, '-b', brokers.half().address, '--timeout', String(TIMEOUT_S));
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.ms < limit + SLACK_MS, `${args.join(' ')} took ${r.ms} ms (limit ${limit} ms)`);
    assert.ok(brokers.half().requests.includes(3), 'the broker did answer Metadata (first contact passed)');
    assert.match(
      r.stderr,
      new RegExp(`error: (Kafka at ${brokers.half().address.replaceAll('.', '\\.')} stopped answering|cannot reach Kafka at ${brokers.half().address.replaceAll('.', '\\.')})`),
      args.join(' '),
    );
    assert.match(r.stderr, new RegExp(brokers.half().address.replaceAll('.', '\\.')));
  }
  const json = await cli('groups', 'describe', 'billing', '-b', brokers.half().address, '--timeout', String(TIMEOUT_S), '-o', 'json');
  assert.equal((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'KAFKA_TIMEOUT');
  // doctor finishes its other checks, and the silence is a critical finding of its own (clients will hang too).
  const doctor = await cli('doctor', '--lag-interval', '0', '-b', brokers.half().address, '--timeout', String(TIMEOUT_S));
  assert.equal(doctor.code, 1, doctor.stdout);
  assert.ok(doctor.ms < 4 * limit + SLACK_MS, `doctor took ${doctor.ms} ms`);
  assert.match(doctor.stdout, /CRITICAL +some checks could not finish, Kafka did not answer: reading topic configs: /);
});

test('the process exits when the command fails: the client is closed and nothing keeps Node running', async () => {
  for (const args of [
    ['topics', 'describe', '-b', brokers.silent().address],
    ['groups', 'describe', 'billing', '-b', brokers.half().address],
  ]) {
    const started = Date.now();
    const { code } = await spawnCli([...args, '--timeout', String(TIMEOUT_S)], { timeoutMs: 30_000 });
    assert.equal(code, 1, args.join(' '));
    assert.ok(Date.now() - started < TIMEOUT_S * 1000 + SLACK_MS + 2_000, `${args.join(' ')}: the process took ${Date.now() - started} ms to exit`);
  }
});
