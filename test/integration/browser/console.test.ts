// `kafkaplane console` in a real browser (Debian's chromium driven by playwright-core) against a real 3-node cluster:
// log in, create a topic, produce, browse and search, reset a group's offsets (dry run, then apply), edit a config,
// delete a topic — each result checked with Kafka's own tools (TopicCommand, ConsumerGroupCommand) or kcat, never
// with the console itself. axe-core runs in every main page (no serious or critical violations); keyboard use works;
// the audit log has a line per change and no secret; a live search shows its progress and stops on Stop. ACLs against
// a real authorizer: test/integration/kafka/local-security.test.ts. KAFKAPLANE_SCREENSHOTS=1 also writes
// docs/console/*.png.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { KAFKA_TOOLS, runKafkaTool, runKcat } from '../../helpers/kafka-tools.ts';
import { startTestCluster, TEST_PORTS, type TestCluster, testClusterSpec } from '../../helpers/local-cluster.ts';
import { type Service, startService } from '../../helpers/service.ts';

const require = createRequire(import.meta.url);
const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));
const SCREENSHOTS = process.env.KAFKAPLANE_SCREENSHOTS === '1' ? new URL('../../../docs/console/', import.meta.url).pathname : undefined;
const TOPIC = 'web-orders';
const GROUP = 'billing';
const SCAN_TOPIC = 'web-scan';
const SCAN_RECORDS = 100_000;

let cluster: TestCluster;
let consoleService: Service;
let base: string;
let password: string;
let auditFile: string;
let browser: Browser;
let page: Page;
const cspViolations: string[] = [];

async function topicsTool(args: string[]): Promise<string> {
  const r = await runKafkaTool(KAFKA_TOOLS.topics, ['--bootstrap-server', cluster.bootstrap, ...args]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/** ConsumerGroupCommand --describe: committed offset per partition of TOPIC. */
async function committed(): Promise<Map<number, string>> {
  const r = await runKafkaTool(KAFKA_TOOLS.consumerGroups, ['--bootstrap-server', cluster.bootstrap, '--describe', '--group', GROUP]);
  assert.equal(r.code, 0, r.stderr);
  const out = new Map<number, string>();
  for (const line of r.stdout.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols[0] === GROUP && cols[1] === TOPIC) out.set(Number(cols[2]), cols[3]!);
  }
  return out;
}

async function axe(name: string): Promise<void> {
  await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const violations = await page.evaluate(async () => {
    const result = await (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe.run();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], `axe on ${name}: ${JSON.stringify(violations)}`);
  // The brokers page lists hundreds of configs: its first screen is enough.
  if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: name !== 'brokers' });
}

before(async () => {
  assert.ok(CHROMIUM, 'chromium is missing: the test command installs it (apt-get install chromium)');
  if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
  cluster = await startTestCluster(testClusterSpec('console', ''), { portBase: TEST_PORTS.console });
  auditFile = join(await mkdtemp(join(tmpdir(), 'kafkaplane-console-')), 'audit.jsonl');
  const started = await startService(
    ['console', '--state-dir', cluster.stateDir, '--listen', `127.0.0.1:${TEST_PORTS.consoleHttp}`, '--audit-log', auditFile, '--refresh-interval', '1'],
    /log in as admin with password (\S+)/,
  );
  consoleService = started.service;
  password = started.match[1]!;
  base = `http://127.0.0.1:${TEST_PORTS.consoleHttp}`;
  browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(10_000);
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) cspViolations.push(m.text());
  });
});
after(async () => {
  await browser?.close();
  await consoleService?.stop();
  await cluster?.stop();
});

test('log in with the printed admin password (a wrong one is refused)', async () => {
  await page.goto(`${base}/topics`);
  assert.match(page.url(), /\/login\?next=%2Ftopics$/);
  await axe('login');
  await page.fill('#user', 'admin');
  await page.fill('#password', 'not-the-password');
  await page.click('button[type=submit]');
  assert.match((await page.textContent('.notice.error')) ?? '', /Wrong user or password/);
  await page.fill('#user', 'admin');
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/topics`);
  assert.equal(await page.textContent('h1'), 'Topics');
});

test('create a topic (a name Kafka refuses gets a clear message and creates nothing)', async () => {
  await page.fill('#name', 'bad name!');
  await page.fill('#partitions', '3');
  // The browser checks the name first (the form's pattern)…
  await page.click('text=Create topic');
  assert.equal(await page.evaluate('document.getElementById("name").validity.patternMismatch'), true);
  assert.equal(page.url(), `${base}/topics`);
  // …and the console checks it again when a client skips that.
  await page.evaluate('document.querySelector("form.card").noValidate = true');
  await page.click('text=Create topic');
  assert.match((await page.textContent('.notice.error')) ?? '', /not accepted by Kafka/);
  await page.fill('#name', TOPIC);
  await page.fill('#partitions', '3');
  await page.fill('#replicas', '3');
  await page.click('text=Create topic');
  await page.waitForURL(`${base}/topics/${TOPIC}?done=created`);
  const described = await topicsTool(['--describe', '--topic', TOPIC]);
  assert.match(described, /PartitionCount: 3\s+ReplicationFactor: 3/);
  assert.doesNotMatch(await topicsTool(['--list']), /bad name/);
  await axe('topic');
});

test('produce a record with a key, a header and a partition; kcat reads it back', async () => {
  await page.goto(`${base}/topics/${TOPIC}/messages`);
  await page.fill('#p-key', 'k1');
  await page.fill('#p-value', '{"order":42,"items":["a","b"]}');
  await page.fill('#p-headers', 'source=console');
  await page.fill('#p-partition', '1');
  await page.click('form[method=post][action$="/messages"] button[type=submit]');
  await page.waitForURL(/produced=/);
  const r = await runKcat(['-C', '-b', cluster.bootstrap, '-t', TOPIC, '-p', '1', '-o', 'beginning', '-e', '-f', '%k|%s|%h\n']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'k1|{"order":42,"items":["a","b"]}|source=console');
  // An offset that is not a number ≥ 0 is refused in the page.
  await page.goto(`${base}/topics/${TOPIC}/messages?partition=1&from=offset&offset=-5`);
  assert.match((await page.textContent('.notice.error')) ?? '', /Offset must be an offset \(a whole number ≥ 0\)/);
});

test('browse from an offset (JSON shown pretty) and from the end; a bounded search finds one record of 30', async () => {
  await page.goto(`${base}/topics/${TOPIC}/messages?partition=1&from=offset&offset=0&format=json`);
  const cell = (await page.textContent('table.records tbody tr td:last-child pre')) ?? '';
  assert.equal(cell, JSON.stringify({ order: 42, items: ['a', 'b'] }, null, 2));
  await axe('messages');
  const lines = Array.from({ length: 30 }, (_, i) => `value-${i}`).join('\n');
  const r = await runKcat(['-P', '-b', cluster.bootstrap, '-t', TOPIC, '-p', '0', '-X', 'acks=all'], { input: `${lines}\n` });
  assert.equal(r.code, 0, r.stderr);
  await page.goto(`${base}/topics/${TOPIC}/messages?partition=0&from=end&limit=5&format=text`);
  assert.deepEqual(await page.locator('table.records tbody tr td:first-child').allTextContents(), ['25', '26', '27', '28', '29']);
  await page.goto(`${base}/topics/${TOPIC}/messages?partition=0&from=offset&offset=0&search=value-17&scan=1000`);
  assert.match((await page.textContent('.progress')) ?? '', /Searched 30 records from offset 0, found 1/);
  assert.deepEqual(await page.locator('table.records tbody tr td:first-child').allTextContents(), ['17']);
  // The scan limit bounds it: 10 records looked at, none matched, and it says where to continue.
  await page.goto(`${base}/topics/${TOPIC}/messages?partition=0&from=offset&offset=0&search=value-17&scan=10`);
  assert.match((await page.textContent('.progress')) ?? '', /Searched 10 records .* found 0; stopped at the scan limit \(next offset 10\)/);
});

test('live search: a progress line while it runs and matches as they come; Stop ends the scan where it was', async () => {
  // With JavaScript the form's search streams (server-sent events); it ends with the same summary as the plain page.
  await page.goto(`${base}/topics/${TOPIC}/messages?partition=0`);
  await page.fill('#search', 'value-17');
  await page.click('form.browse button[type=submit]');
  await page.locator('#search-progress', { hasText: /Searched 30 records from offset 0, found 1; stopped at the end of the partition/ }).waitFor();
  assert.deepEqual(await page.locator('#search-rows tr td:first-child').allTextContents(), ['17']);
  // A partition of 100,000 records (100 MB: a scan of seconds, so Stop lands well before the end) that nothing
  // matches: the line moves while the scan runs, Stop ends it.
  await topicsTool(['--create', '--topic', SCAN_TOPIC, '--partitions', '1', '--replication-factor', '1']);
  const filler = 'x'.repeat(1000);
  const lines = Array.from({ length: SCAN_RECORDS }, (_, i) => `${filler}-${i}`).join('\n');
  const t0 = Date.now();
  const produced = await runKcat(['-P', '-b', cluster.bootstrap, '-t', SCAN_TOPIC, '-p', '0', '-X', 'acks=1', '-X', 'linger.ms=50'], { input: `${lines}\n`, timeoutMs: 120_000 });
  assert.equal(produced.code, 0, produced.stderr);
  process.stderr.write(`[console live search] ${SCAN_RECORDS} records produced in ${Date.now() - t0} ms\n`);
  await page.goto(`${base}/topics/${SCAN_TOPIC}/messages?partition=0`);
  await page.fill('#search', 'in-no-record');
  await page.fill('#scan', String(SCAN_RECORDS));
  await page.click('form.browse button[type=submit]');
  await page.locator('#search-progress', { hasText: /^Searching partition 0: [1-9]\d* records scanned, 0 found; at offset [1-9]\d* of 100000/ }).waitFor();
  await page.click('#search-stop');
  const stopped = (await page.textContent('#search-progress')) ?? '';
  const m = /^Stopped: searched (\d+) records from offset 0, found 0; next offset (\d+)\. Continue the search$/.exec(stopped);
  assert.ok(m, `after Stop: "${stopped}"`);
  assert.ok(Number(m[1]) < SCAN_RECORDS, `stopped before the end: ${m[1]} of ${SCAN_RECORDS} scanned`);
  process.stderr.write(`[console live search] after Stop: ${stopped}\n`);
  assert.equal(
    await page.getAttribute('#search-progress a', 'href'),
    `/topics/${SCAN_TOPIC}/messages?partition=0&from=offset&offset=${m[2]}&timestamp=&limit=20&format=json&search=in-no-record&scan=${SCAN_RECORDS}`,
  );
  // Nothing more arrives after Stop: the stream is closed, so the line stays as it is.
  await page.waitForTimeout(1_000);
  assert.equal(await page.textContent('#search-progress'), stopped);
});

test('live tail: a record written by kcat appears in the page over server-sent events, and Stop stops it', async () => {
  await page.goto(`${base}/topics/${TOPIC}/messages?partition=2&format=text`);
  await page.click('#tail-start');
  // A locator waits in Playwright's own isolated world: a string predicate (waitForFunction) is evaluated with eval in
  // the page, which the console's CSP (no 'unsafe-eval') refuses whenever the first check is not already true.
  await page.locator('#tail-status', { hasText: /^following/ }).waitFor();
  const r = await runKcat(['-P', '-b', cluster.bootstrap, '-t', TOPIC, '-p', '2', '-k', ':'], { input: 'tk:tailed-value\n' });
  assert.equal(r.code, 0, r.stderr);
  await page.waitForSelector('#tail-rows tr');
  assert.match((await page.textContent('#tail-rows tr')) ?? '', /^0.*tk.*tailed-value$/);
  await page.click('#tail-stop');
  assert.equal(await page.textContent('#tail-status'), 'stopped');
});

test("reset a group's offsets: the dry run changes nothing, the confirmed reset commits what it showed", async () => {
  const set = await runKafkaTool(KAFKA_TOOLS.consumerGroups, ['--bootstrap-server', cluster.bootstrap, '--reset-offsets', '--group', GROUP, '--topic', TOPIC, '--to-latest', '--execute']);
  assert.equal(set.code, 0, set.stderr);
  assert.deepEqual(Object.fromEntries(await committed()), { 0: '30', 1: '1', 2: '1' });
  // Wait until the cached snapshot has the group (refreshed every second).
  for (let i = 0; i < 50; i++) {
    await page.goto(`${base}/groups`);
    if ((await page.locator(`a[href="/groups/${GROUP}"]`).count()) > 0) break;
    await page.waitForTimeout(300);
  }
  await axe('groups');
  await page.click(`a[href="/groups/${GROUP}"]`);
  await axe('group');
  await page.selectOption('#scenario', 'offset');
  await page.fill('#value', '12');
  await page.click('text=Show the plan (dry run)');
  const plan = await page.locator('table.diff tbody tr').allTextContents();
  assert.equal(plan.length, 3, plan.join('\n'));
  assert.match(plan.join('\n'), /web-orders0\s*3012-18/);
  assert.deepEqual(Object.fromEntries(await committed()), { 0: '30', 1: '1', 2: '1' }, 'the dry run committed nothing');
  await page.click('text=Apply this reset');
  await page.waitForURL(/done=/);
  assert.match((await page.textContent('.notice.ok')) ?? '', /Offsets reset: 3 partitions committed/);
  // 12 clamped to each partition's end, as kafka-consumer-groups does.
  assert.deepEqual(Object.fromEntries(await committed()), { 0: '12', 1: '1', 2: '1' });
});

test('edit a config: only the changed value is sent (incremental alter)', async () => {
  await page.goto(`${base}/topics/${TOPIC}`);
  await page.fill('[id="cfg-retention.ms"]', '3600000');
  await page.click('text=Save changed configs');
  await page.waitForURL(/done=configs/);
  const described = await topicsTool(['--describe', '--topic', TOPIC]);
  const configs = /Configs: (.*)/.exec(described)?.[1] ?? '';
  assert.match(configs, /retention\.ms=3600000/);
  assert.doesNotMatch(configs, /cleanup\.policy|segment\.bytes|max\.message\.bytes/, `only retention.ms became an override: ${configs}`);
  // A value Kafka refuses changes nothing.
  await page.fill('[id="cfg-retention.ms"]', 'soon');
  await page.click('text=Save changed configs');
  assert.match((await page.textContent('.notice.error')) ?? '', /Nothing was changed/);
  assert.match(await topicsTool(['--describe', '--topic', TOPIC]), /retention\.ms=3600000/);
});

test('overview and brokers pages: accessible; keyboard reaches the skip link, the nav and the search', async () => {
  await page.goto(`${base}/`);
  assert.match((await page.textContent('main')) ?? '', /Partition health/);
  await axe('overview');
  await page.goto(`${base}/brokers/1`);
  await axe('brokers');
  await page.goto(`${base}/topics`);
  await axe('topics');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Skip to content');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Overview');
  // Typing searches as you type (htmx swaps the list in and pushes the URL)…
  await page.focus('#q');
  await page.keyboard.type(TOPIC);
  await page.waitForSelector('#topic-list p:text-matches("^1 topic matching")');
  assert.equal(await page.locator('#topic-list tbody tr').count(), 1);
  await page.waitForURL(`${base}/topics?q=${TOPIC}`);
  // …and Enter submits the plain form (what works without JavaScript).
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
  assert.equal(await page.locator('#topic-list tbody tr').count(), 1);
});

test('SCRAM users: create, rotate, delete — ConfigCommand sees each; ACLs say why they cannot be listed here', async () => {
  const scram = async () => {
    const r = await runKafkaTool('kafka.admin.ConfigCommand', ['--bootstrap-server', cluster.bootstrap, '--describe', '--entity-type', 'users']);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  await page.goto(`${base}/security`);
  await axe('security');
  await page.fill('#new-user', 'app1');
  await page.fill('#new-password', 'app1-secret-1');
  await page.click('text=Create user');
  await page.waitForURL(/done=/);
  assert.match(await scram(), /user-principal 'app1' are SCRAM-SHA-512=iterations=8192/);
  await page.fill('input[name=password][type=password] >> nth=0', 'app1-secret-2');
  await page.click('button:has-text("Rotate")');
  await page.waitForURL(/done=Password/);
  await page.click('button:has-text("Delete app1")');
  await page.waitForURL(/done=User/);
  assert.doesNotMatch(await scram(), /app1/);
  // The test cluster runs without an authorizer: the page says so instead of an empty list (ACLs against
  // StandardAuthorizer are tested in test/integration/kafka/local-security.test.ts).
  assert.match((await page.textContent('main')) ?? '', /ACLs cannot be listed: .*(SECURITY_DISABLED|[Ss]ecurity features are disabled)/);
});

test('delete a topic only with its name typed; TopicCommand no longer lists it', async () => {
  await page.goto(`${base}/topics/${TOPIC}`);
  await page.fill('#confirm', 'web-order');
  await page.click('button:has-text("Delete topic")');
  assert.match((await page.textContent('.notice.error')) ?? '', /type the topic's name/);
  assert.match(await topicsTool(['--list']), new RegExp(`^${TOPIC}$`, 'm'));
  await page.fill('#confirm', TOPIC);
  await page.click('button:has-text("Delete topic")');
  await page.waitForURL(/\/topics\?deleted=/);
  let listed = true;
  for (let i = 0; i < 30 && listed; i++) {
    listed = new RegExp(`^${TOPIC}$`, 'm').test(await topicsTool(['--list']));
    if (listed) await new Promise((r) => setTimeout(r, 500));
  }
  assert.equal(listed, false);
});

test('the audit log has one line per change, with who and the result, and no secret; the CSP was never violated', () => {
  const entries = readFileSync(auditFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { user: string; action: string; target: string; result: string });
  const actions = entries.map((e) => `${e.user} ${e.action} ${e.target} ${e.result.split(':')[0]}`);
  for (const expected of [
    'admin login  refused',
    'admin login  ok',
    'admin topic.create bad name! error',
    `admin topic.create ${TOPIC} ok`,
    `admin topic.produce ${TOPIC} ok`,
    `admin group.reset-offsets.dry-run ${GROUP} ok`,
    `admin group.reset-offsets ${GROUP} ok`,
    `admin topic.alter-configs ${TOPIC} ok`,
    `admin topic.alter-configs ${TOPIC} error`,
    `admin topic.delete ${TOPIC} error`,
    `admin topic.delete ${TOPIC} ok`,
    'admin user.create app1 ok',
    'admin user.rotate-password app1 ok',
    'admin user.delete app1 ok',
  ])
    assert.ok(actions.includes(expected), `${expected} in\n${actions.join('\n')}`);
  const text = readFileSync(auditFile, 'utf8');
  assert.ok(!text.includes(password) && !text.includes('app1-secret'), 'no password in the audit log');
  assert.ok(!consoleService.stderr().split('\n').slice(2).join('\n').includes(password), 'the password is printed once');
  assert.deepEqual(cspViolations, []);
});
