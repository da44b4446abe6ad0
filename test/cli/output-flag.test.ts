// The global -o/--output flag: text or json everywhere; on `consume` also kcat's `-o <offset>` (the habit of every
// kcat user: `kcat -C -t orders -o beginning`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';

const cli = (...args: string[]) => runCli(args);

test("consume -o beginning is kcat's start offset: parsed as --offset (it gets as far as connecting)", async () => {
  for (const offset of ['beginning', 'end', '-3', '42', 's@1700000000000']) {
    const r = await cli('consume', '-b', '127.0.0.1:1', '-t', 'orders', '-o', offset, '-e', '--timeout', '2');
    assert.equal(r.code, 1, `-o ${offset}: ${r.stderr}`);
    assert.match(r.stderr, /cannot reach Kafka at 127\.0\.0\.1:1/, `-o ${offset}`);
  }
  // Malformed or contradictory offsets are usage errors before anything connects, as with --offset.
  const bad = await cli('consume', '-b', '127.0.0.1:1', '-t', 'orders', '-o', 'yesterday');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /invalid offset "yesterday"/);
  const two = await cli('consume', '-b', '127.0.0.1:1', '-t', 'orders', '-o', 'beginning', '--offset', 'end');
  assert.equal(two.code, 2);
  assert.match(two.stderr, /only one start offset may be given/);
  // -o json keeps meaning the JSON envelope, next to a kcat offset (the error is JSON, so the format was applied).
  const json = await cli('consume', '-b', '127.0.0.1:1', '-t', 'orders', '-o', 'json', '-o', 'beginning', '--timeout', '2');
  assert.equal(json.code, 1);
  assert.equal((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'KAFKA_UNREACHABLE');
});

test('other commands: -o takes text or json only, and anything else is a usage error naming the value', async () => {
  const r = await cli('topics', 'list', '-b', '127.0.0.1:1', '-o', 'beginning');
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /error: -o\/--output "beginning": the output format is text or json/);
  const yaml = await cli('-o', 'yaml', 'size', '--write', '10MB/s');
  assert.equal(yaml.code, 2);
  const ok = await cli('size', '--write', '10MB/s', '-o', 'json');
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(JSON.parse(ok.stdout));
});
