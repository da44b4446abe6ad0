// The console's HTTP application: security headers on every answer, login (users file or the one-time admin
// password), signed-cookie sessions, CSRF and Origin checks on every POST, read-only mode, and an audit line per
// mutation. Pages live in pages/; they only ever see a View and the ConsoleCluster.
import { randomBytes } from 'node:crypto';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { assetRoutes } from './assets.ts';
import type { AuditEntry, AuditSink } from './audit.ts';
import { type ConsoleUser, type SessionSigner, verifyPassword } from './auth.ts';
import type { ConsoleCluster } from './cluster.ts';
import { html } from './html.ts';
import { type ConsoleEnv, notice, page, type View } from './layout.ts';
import { brokerRoutes } from './pages/brokers.ts';
import { groupRoutes } from './pages/groups.ts';
import { messageRoutes } from './pages/messages.ts';
import { overviewRoutes } from './pages/overview.ts';
import { securityRoutes } from './pages/security.ts';
import { topicRoutes } from './pages/topics.ts';

export interface ConsoleOptions {
  cluster: ConsoleCluster;
  /** `undefined`: no login (`--no-auth`, loopback only). */
  users: ReadonlyMap<string, ConsoleUser> | undefined;
  signer: SessionSigner;
  readOnly: boolean;
  audit: AuditSink;
  sessionLifetimeMs?: number;
  /** Largest request body (a produced record, a form). */
  maxBodyBytes?: number;
  now?: () => number;
}

const SESSION_COOKIE = 'kp_session';
const LOGIN_COOKIE = 'kp_login';
const ANONYMOUS_NONCE = 'anonymous';

/** The CSP allows nothing inline: scripts and styles come from /assets only. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // same-origin, not no-referrer: with no-referrer a browser sends `Origin: null` on form posts.
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

const isHttps = (c: Context) => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';

export function consoleApp(options: ConsoleOptions): Hono<ConsoleEnv> {
  const now = options.now ?? Date.now;
  const lifetime = options.sessionLifetimeMs ?? 12 * 3600_000;
  const { signer, users } = options;
  const app = new Hono<ConsoleEnv>();

  app.use(async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
    if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
  });
  app.route('/assets', assetRoutes());
  app.get('/healthz', (c) => c.text('ok'));
  // Ready once a snapshot of the cluster has been collected (Kubernetes' readiness probe): the pages have data.
  app.get('/ready', (c) => (options.cluster.snapshot ? c.text('ok') : c.text('no cluster snapshot collected yet', 503)));
  app.get('/favicon.ico', (c) => c.body(null, 204));

  // Every POST: a same-origin request (Origin, when the browser sends it, names this host) within the body limit.
  app.use(async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const origin = c.req.header('origin');
    const host = originHost(origin);
    if (origin !== undefined && origin !== new URL(c.req.url).origin && (host === undefined || host !== c.req.header('host'))) {
      return c.html(errorPage(c, 403, 'This request came from another site and was refused (Origin does not match).'), 403);
    }
    return next();
  });
  app.use(
    bodyLimit({
      maxSize: options.maxBodyBytes ?? 2 * 1024 * 1024,
      onError: (c) => c.html(errorPage(c, 413, `The request is larger than the console accepts (${Math.round((options.maxBodyBytes ?? 2 * 1024 * 1024) / 1024)} KiB); nothing was changed.`), 413),
    }),
  );

  // Login.
  app.get('/login', (c) => {
    if (!users) return c.redirect('/');
    // One login form per browser: a second tab (or a favicon request sent to the login page) keeps the same token.
    const pre = getCookie(c, LOGIN_COOKIE) ?? randomBytes(16).toString('base64url');
    setCookie(c, LOGIN_COOKIE, pre, { httpOnly: true, sameSite: 'Strict', path: '/login', secure: isHttps(c) });
    return c.html(loginPage(signer.csrfToken(`login:${pre}`), c.req.query('next'), undefined));
  });
  app.post('/login', async (c) => {
    if (!users) return c.redirect('/');
    const form = await c.req.parseBody();
    const pre = getCookie(c, LOGIN_COOKIE) ?? '';
    const next = safeNext(String(form.next ?? ''));
    const name = String(form.user ?? '');
    const entry: AuditEntry = { time: new Date(now()).toISOString(), user: name, action: 'login', target: '', result: 'ok' };
    if (!pre || !signer.checkCsrf(`login:${pre}`, String(form._csrf ?? ''))) {
      options.audit.write({ ...entry, result: 'refused: the login form expired' });
      return c.html(loginPage(signer.csrfToken(`login:${pre}`), next, 'The login form expired; please try again.'), 403);
    }
    const user = users.get(name);
    const ok = user !== undefined && (await verifyPassword(String(form.password ?? ''), user.hash));
    if (!ok || !user) {
      options.audit.write({ ...entry, result: 'refused: wrong user or password' });
      return c.html(loginPage(signer.csrfToken(`login:${pre}`), next, 'Wrong user or password.'), 401);
    }
    const session = signer.newSession(user.name, user.readOnly, lifetime, now());
    setCookie(c, SESSION_COOKIE, signer.encode(session), { httpOnly: true, sameSite: 'Strict', path: '/', secure: isHttps(c), maxAge: Math.floor(lifetime / 1000) });
    deleteCookie(c, LOGIN_COOKIE, { path: '/login' });
    options.audit.write(entry);
    return c.redirect(next ?? '/', 303);
  });

  // Who is asking: a session, or the anonymous user of --no-auth. Then CSRF and read-only for every POST.
  app.use(async (c, next) => {
    let view: View;
    if (users) {
      const session = signer.decode(getCookie(c, SESSION_COOKIE), now());
      if (!session) {
        if (c.req.method === 'GET' && !c.req.path.startsWith('/api/')) return c.redirect(`/login?next=${encodeURIComponent(c.req.path + new URL(c.req.url).search)}`, 303);
        return c.html(errorPage(c, 401, 'You are not logged in (or your session ended). Log in and try again; nothing was changed.'), 401);
      }
      view = { user: session.user, csrf: signer.csrfToken(session.nonce), readOnly: options.readOnly || session.readOnly, path: c.req.path };
    } else {
      view = { user: undefined, csrf: signer.csrfToken(ANONYMOUS_NONCE), readOnly: options.readOnly, path: c.req.path };
    }
    c.set('view', view);
    if (c.req.method !== 'POST') return next();
    const form = (c.req.header('content-type') ?? '').match(/form/) ? await c.req.parseBody() : {};
    const token = c.req.header('x-csrf-token') ?? (typeof form._csrf === 'string' ? form._csrf : undefined);
    if (token === undefined || token !== view.csrf)
      return c.html(errorPage(c, 403, 'The form was not sent by this console (CSRF token missing or wrong). Reload the page and try again; nothing was changed.'), 403);
    if (c.req.path === '/logout') {
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      options.audit.write({ time: new Date(now()).toISOString(), user: view.user ?? '', action: 'logout', target: '', result: 'ok' });
      return c.redirect(users ? '/login' : '/', 303);
    }
    if (view.readOnly) {
      options.audit.write({ time: new Date(now()).toISOString(), user: view.user ?? 'anonymous', action: `POST ${c.req.path}`, target: '', result: 'refused: read-only' });
      return c.html(errorPage(c, 403, 'The console is read-only: nothing can be changed here.'), 403);
    }
    return next();
  });

  // The audit line of every mutation: handlers name what they did (c.set('audit')); the status says how it went.
  app.use(async (c, next) => {
    if (c.req.method !== 'POST') return next();
    await next();
    const note = c.get('audit');
    const view = c.get('view');
    options.audit.write({
      time: new Date(now()).toISOString(),
      user: view.user ?? 'anonymous',
      action: note?.action ?? `POST ${c.req.path}`,
      target: note?.target ?? '',
      ...(note?.details ? { details: note.details } : {}),
      result: c.res.status < 400 ? 'ok' : `error: ${c.get('auditError') ?? `HTTP ${c.res.status}`}`,
    });
  });

  app.route('/', overviewRoutes(options.cluster));
  app.route('/topics', topicRoutes(options.cluster));
  app.route('/topics', messageRoutes(options.cluster));
  app.route('/groups', groupRoutes(options.cluster));
  app.route('/brokers', brokerRoutes(options.cluster));
  app.route('/security', securityRoutes(options.cluster));
  app.notFound((c) => c.html(errorPage(c, 404, 'There is no such page.'), 404));
  app.onError((error, c) => {
    process.emitWarning(`console: ${c.req.method} ${c.req.path}: ${error.stack ?? error.message}`);
    return c.html(errorPage(c, 500, 'The console failed to answer this request; the error is in its log.'), 500);
  });
  return app;
}

/** The host of an Origin header; undefined for `null` or anything that is not a URL (refused). */
function originHost(origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** Only local paths after login (no open redirect). */
function safeNext(next: string): string | undefined {
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : undefined;
}

function errorPage(c: Context, status: number, message: string): string {
  const view: View = (c.get('view') as View | undefined) ?? { user: undefined, csrf: '', readOnly: false, path: c.req.path };
  return page(view, status === 404 ? 'Not found' : 'Refused', notice('error', message)).text;
}

function loginPage(csrf: string, next: string | undefined, error: string | undefined): string {
  const view: View = { user: undefined, csrf, readOnly: false, path: '/login' };
  return page(
    view,
    'Log in',
    html`${error ? notice('error', error) : ''}
<form method="post" action="/login" class="card narrow">
<input type="hidden" name="_csrf" value="${csrf}">${next ? html`<input type="hidden" name="next" value="${next}">` : ''}
<label for="user">User</label><input id="user" name="user" autocomplete="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Log in</button></form>`,
  ).text;
}
