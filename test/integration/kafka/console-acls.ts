// The web console's ACL page against a cluster WITH an authorizer (StandardAuthorizer), in Chromium: the console logs
// in to Kafka with the client config `connect-info` prints for a super user (SCRAM-SHA-512 over TLS), lists an ACL
// Kafka's own AclCommand made, creates one (a principal without its type first: refused, nothing created) and deletes
// both — AclCommand (kafka-acls.sh) checks each step. Hosted by local-security.test.ts, whose cluster already has the
// authorizer, so it adds no cluster start.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { KAFKA_TOOLS, runKafkaTool } from '../../helpers/kafka-tools.ts';
import { TEST_PORTS } from '../../helpers/local-cluster.ts';
import { startService } from '../../helpers/service.ts';

const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));
/** consoleHttp + 1: the browser test's console uses consoleHttp. */
const PORT = TEST_PORTS.consoleHttp + 1;

export interface ConsoleAclsSetup {
  /** Client properties (bootstrap, SASL_SSL, SCRAM, CA) of a super user: the console's login to Kafka and AclCommand's. */
  clientConfig: string;
  bootstrap: string;
  /** The super user's password: must appear in no log. */
  password: string;
  topic: string;
}

export async function checkConsoleAcls(setup: ConsoleAclsSetup): Promise<void> {
  assert.ok(CHROMIUM, 'chromium is missing: the test command installs it (apt-get install chromium)');
  const { topic } = setup;
  const aclTool = async (args: string[]) => {
    const r = await runKafkaTool(KAFKA_TOOLS.acls, ['--bootstrap-server', setup.bootstrap, '--command-config', setup.clientConfig, ...args]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  const listed = () => aclTool(['--list', '--topic', topic]);
  const auditFile = join(await mkdtemp(join(tmpdir(), 'kafkaplane-console-acls-')), 'audit.jsonl');
  const { service, match } = await startService(
    ['console', '--command-config', setup.clientConfig, '--listen', `127.0.0.1:${PORT}`, '--audit-log', auditFile, '--refresh-interval', '1'],
    /log in as admin with password (\S+)/,
  );
  const browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    const base = `http://127.0.0.1:${PORT}`;
    await page.goto(`${base}/security`);
    await page.fill('#user', 'admin');
    await page.fill('#password', match[1]!);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/security`);
    // One made with Kafka's own tool is in the list.
    await aclTool(['--add', '--allow-principal', 'User:reporting', '--operation', 'Describe', '--topic', topic]);
    await page.reload();
    const rows = page.locator('section[aria-labelledby=h-acls] tbody tr');
    assert.match((await rows.filter({ hasText: 'User:reporting' }).textContent()) ?? '', /User:reporting\s*TOPIC:orders\s*LITERAL\s*DESCRIBE\s*\*\s*ALLOW/);
    // A principal without its type is refused in the page, and nothing is created.
    const create = async (principal: string) => {
      await page.fill('#acl-principal', principal);
      await page.selectOption('#acl-type', 'TOPIC');
      await page.fill('#acl-name', topic);
      await page.selectOption('#acl-op', 'READ');
      await page.click('text=Create ACL');
    };
    await create('analytics');
    assert.match((await page.textContent('.notice.error')) ?? '', /Principal "analytics" is not Type:name/);
    assert.doesNotMatch(await listed(), /analytics/);
    await page.goto(`${base}/security`);
    await create('User:analytics');
    await page.waitForURL(/done=/);
    assert.match(await listed(), /principal=User:analytics, host=\*, operation=READ, permissionType=ALLOW/);
    // Delete both from the page.
    for (const principal of ['User:analytics', 'User:reporting']) {
      await page.locator('section[aria-labelledby=h-acls] tbody tr', { hasText: principal }).locator('button:has-text("Delete")').click();
      await page.waitForURL(/done=/);
    }
    const after = await listed();
    assert.doesNotMatch(after, /User:analytics|User:reporting/);
  } finally {
    await browser.close();
    await service.stop();
  }
  const audit = readFileSync(auditFile, 'utf8');
  const actions = audit
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { action: string; target: string; result: string })
    .map((e) => `${e.action} ${e.target} ${e.result.split(':')[0]}`);
  for (const expected of [
    'acl.create analytics error',
    'acl.create ALLOW User:analytics READ on TOPIC:orders (LITERAL, host *) ok',
    'acl.delete ALLOW User:analytics READ on TOPIC:orders (LITERAL, host *) ok',
    'acl.delete ALLOW User:reporting DESCRIBE on TOPIC:orders (LITERAL, host *) ok',
  ]) {
    assert.ok(actions.includes(expected), `${expected} in\n${actions.join('\n')}`);
  }
  assert.ok(!audit.includes(setup.password) && !service.stderr().includes(setup.password), "the console's SASL password is in no log");
}
