// The web console rendered by `render` (spec.kubernetes.console) on the one-node Kubernetes: the users-file Secret
// made the documented way (a `--hash-password` line), the console Deployment (the kafkaplane image) Ready — its
// readiness probe is /ready, which answers only after the console collected a snapshot of the cluster through the
// REPLICATION listener — and, from the host through the console's NodePort, a login with the users-file credentials
// followed by the topics page listing the cluster's topic.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../../src/console/auth.ts';
import type { KubeNode } from '../../helpers/kube-node.ts';
import { waitPodsReady } from './support.ts';

/** The console's NodePort on the node IP (this helper's range: 30990–30999). */
export const CONSOLE_NODE_PORT = 30990;
const CONSOLE_USER = 'operator';

export interface ConsoleSetup {
  password: string;
  /** The spec edit: console on with this node's kafkaplane image, behind NodePort CONSOLE_NODE_PORT. */
  edit(cluster: Record<string, any>): void;
}

/** Creates the users-file Secret (<cluster>-console-users, key "users") in `namespace` before the cluster is applied. */
export async function createConsoleUsers(node: KubeNode, namespace: string, cluster: string): Promise<ConsoleSetup> {
  const password = randomBytes(18).toString('base64url');
  const line = `${CONSOLE_USER}:${await hashPassword(password)}\n`;
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${cluster}-console-users`, namespace }, stringData: { users: line } };
  await node.kubectl(['apply', '--server-side', '-f', '-'], { input: JSON.stringify(secret) });
  return {
    password,
    edit(spec) {
      spec.spec.kubernetes ??= {};
      spec.spec.kubernetes.console = { ...(spec.spec.kubernetes.console ?? {}), enabled: true, image: node.images.kafkaplane, service: { type: 'NodePort', nodePort: CONSOLE_NODE_PORT } };
    },
  };
}

function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/**
 * Waits for the console pod to be Ready, then logs in through the NodePort from the host (a wrong password first:
 * refused) and reads /topics, which must list `topic`. Returns how long the pod took to become Ready.
 */
export async function verifyConsole(node: KubeNode, namespace: string, cluster: string, setup: ConsoleSetup, topic: string): Promise<{ consoleReadySeconds: number; topicsPageMs: number }> {
  const started = Date.now();
  const [pod] = await waitPodsReady(node, namespace, `app.kubernetes.io/name=console,app.kubernetes.io/instance=${cluster}`, 1, 240_000);
  const consoleReadySeconds = Math.round((Date.now() - started) / 1000);
  assert.equal(pod!.restarts, 0, 'the console ran within its memory limit, without restarts');
  const base = `http://${node.nodeIP}:${CONSOLE_NODE_PORT}`;
  const login = async (password: string): Promise<Response> => {
    const form = await fetch(`${base}/login`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(form.status, 200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
    assert.ok(csrf, 'the login form carries a CSRF token');
    return fetch(`${base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookiesOf(form), 'content-type': 'application/x-www-form-urlencoded', origin: base },
      body: new URLSearchParams({ _csrf: csrf, user: CONSOLE_USER, password }).toString(),
      signal: AbortSignal.timeout(10_000),
    });
  };
  assert.equal((await login(`${setup.password}x`)).status, 401, 'a wrong password is refused');
  const ok = await login(setup.password);
  assert.equal(ok.status, 303, 'the users-file credentials log in');
  const session = cookiesOf(ok);
  const anonymous = await fetch(`${base}/topics`, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  assert.equal(anonymous.status, 303, 'without a session /topics sends to the login page');
  // The page reads the console's cached snapshot (collected every 10 s): bounded wait for a collection after the topic Job.
  let html = '';
  let topicsPageMs = 0;
  for (const until = Date.now() + 30_000; !html.includes(`href="/topics/${topic}"`) && Date.now() < until; ) {
    if (html) await new Promise((r) => setTimeout(r, 2_000));
    const t0 = performance.now();
    const page = await fetch(`${base}/topics`, { headers: { cookie: session }, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    html = await page.text();
    topicsPageMs = Math.round(performance.now() - t0);
    assert.equal(page.status, 200, 'the session opens /topics');
  }
  assert.match(html, new RegExp(`href="/topics/${topic}"`), `the topics page lists ${topic}, read from the cluster by the console pod`);
  return { consoleReadySeconds, topicsPageMs };
}
