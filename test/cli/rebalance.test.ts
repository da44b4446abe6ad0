// `kafkaplane rebalance` refuses bad input with exit 2 before it connects (-b 127.0.0.1:1 would fail with exit 1):
// a bad --drain list, --throttle, --topics regex, and --drain with --topics. The moves themselves are proven on real
// Kafka in test/integration/kafka/local-dedicated.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBrokerIds } from '../../src/cli/commands/rebalance.ts';
import { runCli } from '../helpers/cli.ts';

const rebalance = (...args: string[]) => runCli(['rebalance', '-b', '127.0.0.1:1', '--timeout', '1', ...args], { quiet: true });

test('--drain takes broker ids separated by commas (sorted, once each)', () => {
  assert.deepEqual(parseBrokerIds('3', '--drain'), [3]);
  assert.deepEqual(parseBrokerIds('4, 3,4', '--drain'), [3, 4]);
  assert.throws(() => parseBrokerIds('broker-3', '--drain'), /--drain "broker-3": give broker ids separated by commas/);
  assert.throws(() => parseBrokerIds('3,,4', '--drain'), /give broker ids/);
});

test('bad flags are refused with exit 2 before connecting, naming the flag', async () => {
  for (const [args, message] of [
    [['--drain', 'x'], /--drain "x"/],
    [['--throttle', 'fast'], /--throttle "fast" is not a rate/],
    [['--throttle', '0MiB/s'], /--throttle 0MiB\/s is less than one byte per second/],
    [['--topics', '('], /--topics "\(" is not a valid regular expression: Unterminated group\n/],
    [['--drain', '2', '--topics', 'orders'], /--drain moves every replica off the brokers; --topics would leave some there/],
  ] as const) {
    const r = await rebalance(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
  // Good flags reach the network: the closed port is "cannot reach Kafka", exit 1.
  const r = await rebalance('--dry-run');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /cannot reach Kafka at 127\.0\.0\.1:1/);
});
