// The admin session's "never a hang" rules (src/kafka/admin-session.ts, docs/design/admin-stall-watch.md), with
// timeouts of a few hundred milliseconds: a silent address fails the first contact, a broker that goes silent
// mid-session fails the stall deadline, and neither a slow-but-answering broker nor a deliberate pause is cut short.
// The same through the CLI, in whole seconds: test/integration/kafka/never-a-hang.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliHint } from '../../src/cli/hints.ts';
import { KafkaplaneError } from '../../src/errors.ts';
import { pause, stallLimitMs, withAdmin } from '../../src/kafka/admin-session.ts';
import { startHalfBroker, useMisbehavingBrokers } from '../helpers/fake-brokers.ts';

const TIMEOUT_MS = 300;
/**
 * What "within the timeout" allows on top of it: loading the Kafka library on first use, closing the client, a loaded
 * machine (CI saw 2.2 s with two JVM clusters starting beside it). A hang is the failure this catches, not speed.
 */
const SLACK_MS = 3_000;

const brokers = useMisbehavingBrokers();

const failure = (code: string) => (error: unknown) => error instanceof KafkaplaneError && error.code === code;

test('the stall limit is the timeout plus half of it, at most 5 s more', () => {
  assert.equal(stallLimitMs({ bootstrap: ['x:1'], timeoutMs: 1_000 }), 1_500);
  assert.equal(stallLimitMs({ bootstrap: ['x:1'], timeoutMs: 60_000 }), 65_000);
  assert.equal(stallLimitMs({ bootstrap: ['x:1'] }), 20_000, 'the default timeout is 15 s');
});

test('an address that takes connections and never answers fails the first contact within the timeout, naming it', async () => {
  const started = Date.now();
  await assert.rejects(
    withAdmin({ bootstrap: [brokers.silent().address], timeoutMs: TIMEOUT_MS }, (admin) => admin.listTopics(), { probe: true }),
    (error: unknown) => {
      assert.ok(failure('KAFKA_UNREACHABLE')(error));
      assert.match((error as Error).message, new RegExp(`cannot reach Kafka at ${brokers.silent().address.replaceAll('.', '\\.')}: no answer to a metadata request within 0.3 s`));
      assert.match(cliHint((error as KafkaplaneError).hint) ?? '', /does not answer as Kafka: a wrong port, a TLS listener spoken to in plaintext \(--tls\)/);
      return true;
    },
  );
  assert.ok(Date.now() - started < TIMEOUT_MS + SLACK_MS, `took ${Date.now() - started} ms`);
});

test('without the probe, the stall deadline still ends a session that never got an answer', async () => {
  const config = { bootstrap: [brokers.silent().address], timeoutMs: TIMEOUT_MS };
  const started = Date.now();
  await assert.rejects(
    withAdmin(config, (admin) => admin.listTopics()),
    failure('KAFKA_UNREACHABLE'),
  );
  assert.ok(Date.now() - started < stallLimitMs(config) + SLACK_MS, `took ${Date.now() - started} ms`);
});

test('a broker that answers the first contact and then goes silent: KAFKA_TIMEOUT within the stall limit, naming where it waited', async () => {
  const config = { bootstrap: [brokers.half().address], timeoutMs: TIMEOUT_MS };
  const started = Date.now();
  brokers.half().requests.length = 0;
  await assert.rejects(
    withAdmin(config, (admin) => admin.describeConfigs({ resources: [{ resourceType: 2, resourceName: 'orders' }] }), { probe: true }),
    (error: unknown) => {
      assert.ok(error instanceof KafkaplaneError, String(error));
      assert.ok(error.code === 'KAFKA_TIMEOUT' || error.code === 'KAFKA_UNREACHABLE', error.code);
      assert.match(error.message, new RegExp(brokers.half().address.replaceAll('.', '\\.')));
      return true;
    },
  );
  assert.ok(brokers.half().requests.includes(3), 'the broker did answer Metadata (first contact passed)');
  assert.ok(Date.now() - started < stallLimitMs(config) + SLACK_MS, `took ${Date.now() - started} ms`);
});

test('a slow but answering broker, and a deliberate pause, are not cut short by the deadline', async () => {
  // Each answer after 60 ms: first contact fits the 300 ms timeout, as on a slow network.
  const slow = await startHalfBroker({ answerDelayMs: 60 });
  try {
    const config = { bootstrap: [slow.address], timeoutMs: TIMEOUT_MS };
    const started = Date.now();
    // Fifteen sequential requests answered after 60 ms each: about twice the stall limit, never silent for long.
    const answered = await withAdmin(
      config,
      async (admin) => {
        let n = 0;
        for (let i = 0; i < 15; i++) {
          await admin.metadata({ topics: [], forceUpdate: true });
          n++;
        }
        // doctor's lag sampling sleeps on purpose: pause() does not count as the cluster not answering.
        await pause(stallLimitMs(config) * 2);
        await admin.metadata({ topics: [], forceUpdate: true });
        return n + 1;
      },
      { probe: true },
    );
    assert.equal(answered, 16);
    assert.ok(Date.now() - started > stallLimitMs(config) * 3, 'the run was longer than the stall limit');
    // The same wait without pause() counts as silence: what pause() is for.
    await assert.rejects(
      withAdmin(config, async (admin) => {
        await admin.metadata({ topics: [], forceUpdate: true });
        await new Promise((r) => setTimeout(r, stallLimitMs(config) + 300));
      }),
      failure('KAFKA_TIMEOUT'),
    );
  } finally {
    await slow.close();
  }
});
