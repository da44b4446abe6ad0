// The console's safety without a network: hono's app.request drives the real app. Every mutation below is refused
// before it could reach Kafka (the cluster points at a closed port and is never started), so these run offline.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consoleApp, SECURITY_HEADERS } from '../../src/console/app.ts';
import { MemoryAudit } from '../../src/console/audit.ts';
import { hashPassword, parseUsersFile, SessionSigner, verifyPassword } from '../../src/console/auth.ts';
import { ConsoleCluster } from '../../src/console/cluster.ts';
import { listenAddress } from '../../src/cli/commands/console.ts';
import { configEdits, checkTopicName, offsetNumber } from '../../src/console/forms.ts';
import { escapeHtml, html } from '../../src/console/html.ts';
import { isLoopback } from '../../src/console/server.ts';

const cluster = new ConsoleCluster({ bootstrap: ['127.0.0.1:1'], timeoutMs: 500 }, { intervalMs: 60_000 });
const hash = await hashPassword('correct horse battery');

function makeApp(options: { readOnly?: boolean; noAuth?: boolean; readOnlyUser?: boolean } = {}) {
  const audit = new MemoryAudit();
  const signer = new SessionSigner();
  const users = options.noAuth
    ? undefined
    : new Map([
        ['alice', { name: 'alice', hash, readOnly: false }],
        ['viewer', { name: 'viewer', hash, readOnly: true }],
      ]);
  const app = consoleApp({ cluster, users, signer, readOnly: options.readOnly === true, audit });
  return { app, audit, signer };
}

function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

async function login(app: ReturnType<typeof makeApp>['app'], user = 'alice', password = 'correct horse battery'): Promise<Response> {
  const form = await app.request('/login');
  const pre = cookiesOf(form);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  return app.request('/login', {
    method: 'POST',
    headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, user, password }).toString(),
  });
}

async function csrfOf(app: ReturnType<typeof makeApp>['app'], cookie: string): Promise<string> {
  const res = await app.request('/topics', { headers: { cookie } });
  return /name="_csrf" value="([^"]+)"/.exec(await res.text())![1]!;
}

const post = (app: ReturnType<typeof makeApp>['app'], path: string, cookie: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  app.request(path, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });

test('scrypt hashes verify the right password only; a users file is checked line by line', async () => {
  assert.equal(await verifyPassword('correct horse battery', hash), true);
  assert.equal(await verifyPassword('wrong', hash), false);
  assert.equal(await verifyPassword('x', 'plain'), false);
  assert.notEqual(await hashPassword('same'), await hashPassword('same'), 'salted');
  const users = parseUsersFile(`# team\nalice:${hash}\nbob:${hash}:read-only\n`, 'users.txt');
  assert.equal(users.get('bob')?.readOnly, true);
  assert.throws(() => parseUsersFile('alice:secret\n', 'users.txt'), /users.txt line 1/);
  assert.throws(() => parseUsersFile(`a:${hash}\na:${hash}\n`, 'u'), /listed twice/);
});

test('sessions: a forged, altered or expired cookie is no session', () => {
  const signer = new SessionSigner();
  const session = signer.newSession('alice', false, 1000, 5000);
  const cookie = signer.encode(session);
  assert.equal(signer.decode(cookie, 5500)?.user, 'alice');
  assert.equal(signer.decode(cookie, 6001), undefined, 'expired');
  assert.equal(signer.decode(`${cookie.slice(0, -2)}xx`, 5500), undefined, 'bad signature');
  assert.equal(new SessionSigner().decode(cookie, 5500), undefined, 'another secret');
  const forged = `${Buffer.from(JSON.stringify(['root', 0, 'n', 9e15])).toString('base64url')}.${cookie.split('.')[1]}`;
  assert.equal(signer.decode(forged, 5500), undefined);
});

test('every answer carries the security headers; the CSP allows no inline script', async () => {
  const { app } = makeApp();
  for (const path of ['/login', '/assets/console.css', '/nope', '/']) {
    const res = await app.request(path);
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) assert.equal(res.headers.get(k), v, `${k} on ${path}`);
  }
  assert.doesNotMatch(SECURITY_HEADERS['content-security-policy']!, /unsafe-inline|unsafe-eval/);
  const page = await (await app.request('/login')).text();
  assert.doesNotMatch(page, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script element');
  assert.doesNotMatch(page, /\sstyle=|\son[a-z]+=/i, 'no inline style or handler attributes');
});

test('login is required; a wrong password is refused; the session cookie is HttpOnly and SameSite=Strict', async () => {
  const { app, audit } = makeApp();
  const anonymous = await app.request('/topics');
  assert.equal(anonymous.status, 303);
  assert.match(anonymous.headers.get('location')!, /^\/login\?next=%2Ftopics/);
  const wrong = await login(app, 'alice', 'nope');
  assert.equal(wrong.status, 401);
  assert.match(await wrong.text(), /Wrong user or password/);
  const ok = await login(app);
  assert.equal(ok.status, 303);
  const setCookie = ok.headers.getSetCookie().find((c) => c.startsWith('kp_session='))!;
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  assert.doesNotMatch(setCookie, /Secure/, 'plain http on loopback');
  const page = await app.request('/topics', { headers: { cookie: cookiesOf(ok) } });
  assert.equal(page.status, 200);
  assert.deepEqual(
    audit.entries.map((e) => [e.user, e.action, e.result]),
    [
      ['alice', 'login', 'refused: wrong user or password'],
      ['alice', 'login', 'ok'],
    ],
  );
  assert.ok(!JSON.stringify(audit.entries).includes('correct horse'), 'no password in the audit log');
  // Behind TLS (a proxy says https) the cookie is Secure.
  const form = await app.request('/login');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const tls = await app.request('/login', {
    method: 'POST',
    headers: { cookie: cookiesOf(form), 'x-forwarded-proto': 'https', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, user: 'alice', password: 'correct horse battery' }).toString(),
  });
  assert.match(tls.headers.getSetCookie().find((c) => c.startsWith('kp_session='))!, /Secure/);
});

test('after login, "next" only goes to a local path', async () => {
  const { app } = makeApp();
  const form = await app.request('/login?next=//evil.example/');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await app.request('/login', {
    method: 'POST',
    headers: { cookie: cookiesOf(form), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, user: 'alice', password: 'correct horse battery', next: '//evil.example/' }).toString(),
  });
  assert.equal(res.headers.get('location'), '/');
});

test('every mutation needs the CSRF token of its session and a same-origin Origin', async () => {
  const { app, audit } = makeApp();
  const cookie = cookiesOf(await login(app));
  const token = await csrfOf(app, cookie);
  const missing = await post(app, '/topics', cookie, { name: 'x' });
  assert.equal(missing.status, 403);
  assert.match(await missing.text(), /CSRF token missing or wrong/);
  const other = cookiesOf(await login(app));
  assert.notEqual(await csrfOf(app, other), token, 'tokens are per session');
  assert.equal((await post(app, '/topics', cookie, { name: 'x', _csrf: await csrfOf(app, other) })).status, 403, "another session's token");
  assert.equal((await post(app, '/topics', cookie, { name: 'x', _csrf: token }, { origin: 'http://evil.example' })).status, 403, 'cross-site Origin');
  assert.equal((await post(app, '/topics', cookie, { name: 'x', _csrf: token }, { origin: 'null' })).status, 403, 'an opaque Origin');
  // The right token reaches the handler: an invalid topic name is refused with a clear message, nothing sent.
  const bad = await post(app, '/topics', cookie, { name: 'bad name!', _csrf: token }, { origin: 'http://localhost' });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /Topic name &quot;bad name!&quot; is not accepted by Kafka/);
  const last = audit.entries.at(-1)!;
  assert.equal(last.action, 'topic.create');
  assert.equal(last.target, 'bad name!');
  assert.match(last.result, /^error: Topic name/);
  // Without a session, a POST is refused (no redirect that could replay it).
  assert.equal((await post(app, '/topics', '', { name: 'x', _csrf: token })).status, 401);
});

test('read-only: the console, or a read-only user, refuses every mutation and hides the forms', async () => {
  for (const setup of [
    { app: makeApp({ readOnly: true }), user: 'alice' },
    { app: makeApp(), user: 'viewer' },
  ]) {
    const { app, audit } = setup.app;
    const cookie = cookiesOf(await login(app, setup.user));
    const listing = await (await app.request('/topics', { headers: { cookie } })).text();
    assert.match(listing, /read-only/);
    assert.doesNotMatch(listing, /Create topic/);
    const token = await csrfOf(app, cookie);
    for (const path of ['/topics', '/topics/t/delete', '/topics/t/messages', '/groups/g/reset', '/brokers/1/configs']) {
      const res = await post(app, path, cookie, { _csrf: token, name: 'x', confirm: 't' });
      assert.equal(res.status, 403, path);
      assert.match(await res.text(), /read-only/);
    }
    assert.equal(audit.entries.filter((e) => e.result === 'refused: read-only').length, 5);
  }
});

test('--no-auth: no login, CSRF still checked; only loopback addresses may use it', async () => {
  const { app } = makeApp({ noAuth: true });
  const res = await app.request('/topics');
  assert.equal(res.status, 200);
  assert.equal((await post(app, '/topics', '', { name: 'x' })).status, 403);
  assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost'));
  assert.ok(!isLoopback('0.0.0.0') && !isLoopback('10.0.0.5'));
  assert.deepEqual(listenAddress('[::1]:8080'), { host: '::1', port: 8080 });
  assert.throws(() => listenAddress('8080'), /not host:port/);
});

test('an oversized request is refused whole', async () => {
  const audit = new MemoryAudit();
  const app = consoleApp({ cluster, users: undefined, signer: new SessionSigner(), readOnly: false, audit, maxBodyBytes: 1024 });
  const res = await app.request('/topics/t/messages', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `value=${'x'.repeat(4096)}` });
  assert.equal(res.status, 413);
  assert.match(await res.text(), /larger than the console accepts/);
});

test('form checks: topic names as Kafka has them, offsets ≥ 0, only changed configs', () => {
  assert.equal(checkTopicName('orders.v1_a-b'), 'orders.v1_a-b');
  for (const bad of ['', '.', '..', 'a b', 'x'.repeat(250), 'ünïcode']) assert.throws(() => checkTopicName(bad), /not accepted by Kafka/);
  assert.throws(() => offsetNumber('-1', 'Offset'), /a whole number ≥ 0/);
  assert.deepEqual(
    configEdits({ 'cfg.retention.ms': '1000', 'was.retention.ms': '604800000', 'cfg.cleanup.policy': 'delete', 'was.cleanup.policy': 'delete', 'cfg.segment.ms': '', 'was.segment.ms': '5' }),
    {
      set: { 'retention.ms': '1000' },
      delete: ['segment.ms'],
    },
  );
});

test('html escapes every interpolated value', () => {
  assert.equal(html`<p>${'<script>"x"&\''}</p>`.text, '<p>&lt;script&gt;&quot;x&quot;&amp;&#39;</p>');
  assert.equal(escapeHtml('a<b'), 'a&lt;b');
});

test('/healthz answers while the server runs; /ready (the Kubernetes readiness probe) only once a snapshot was collected; neither needs a login', async () => {
  const { app } = makeApp();
  assert.equal((await app.request('/healthz')).status, 200);
  // This cluster is never started: no snapshot, so not ready.
  const ready = await app.request('/ready');
  assert.equal(ready.status, 503);
  assert.match(await ready.text(), /no cluster snapshot collected yet/);
});
