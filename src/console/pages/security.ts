import { Hono } from 'hono';
import { KafkaplaneError } from '../../errors.ts';
import { createAcls, deleteAcls, deleteScramCredential, listAcls, listScramUsers, upsertScramCredential } from '../../kafka/users.ts';
import type { AclBinding } from '../../model/acls.ts';
import type { ConsoleCluster } from '../cluster.ts';
import { field, type Form, rawField } from '../forms.ts';
import { type Html, html } from '../html.ts';
import { type ConsoleEnv, csrfField, notice, page, type View } from '../layout.ts';
import { failed, failureStatus, failureText } from './common.ts';

const RESOURCE_TYPES = ['TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID'] as const;
const OPERATIONS = ['ALL', 'READ', 'WRITE', 'CREATE', 'DELETE', 'ALTER', 'DESCRIBE', 'CLUSTER_ACTION', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS', 'IDEMPOTENT_WRITE'] as const;

/** An ACL binding from a form, every field checked against Kafka's vocabulary. */
export function aclFromForm(form: Form): AclBinding {
  const pick = <T extends string>(name: string, allowed: readonly T[], label: string): T => {
    const v = field(form, name) as T;
    if (!allowed.includes(v)) throw new KafkaplaneError('BAD_USAGE', `${label} must be one of ${allowed.join(', ')}, got "${v}"`);
    return v;
  };
  const principal = field(form, 'principal');
  if (!/^[A-Za-z]+:.+$/.test(principal)) throw new KafkaplaneError('BAD_USAGE', `Principal "${principal}" is not Type:name (e.g. User:alice)`);
  const resourceType = pick('resourceType', RESOURCE_TYPES, 'Resource type');
  const resourceName = resourceType === 'CLUSTER' ? 'kafka-cluster' : field(form, 'resourceName');
  if (resourceName === '') throw new KafkaplaneError('BAD_USAGE', 'Resource name is empty');
  return {
    principal,
    resourceType,
    resourceName,
    patternType: pick('patternType', ['LITERAL', 'PREFIXED'] as const, 'Pattern'),
    operation: pick('operation', OPERATIONS, 'Operation'),
    host: field(form, 'host') || '*',
    permission: pick('permission', ['ALLOW', 'DENY'] as const, 'Permission'),
  };
}

function userName(form: Form): string {
  const user = field(form, 'user');
  if (!/^[^\s,=]{1,255}$/.test(user)) throw new KafkaplaneError('BAD_USAGE', `User name "${user}" is not accepted (no spaces, "," or "=", at most 255 characters)`);
  return user;
}

function newPassword(form: Form): string {
  const password = rawField(form, 'password');
  if (password.length < 8) throw new KafkaplaneError('BAD_USAGE', 'The password must be at least 8 characters');
  return password;
}

export function securityRoutes(cluster: ConsoleCluster): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();

  const securityPage = async (view: View, message?: Html): Promise<Html> => {
    const admin = await cluster.admin();
    const [users, acls] = await Promise.all([
      listScramUsers(admin).then(
        (u) => ({ ok: true as const, u }),
        (e: unknown) => ({ ok: false as const, e: failureText(cluster, e) }),
      ),
      listAcls(admin, null).then(
        (a) => ({ ok: true as const, a }),
        (e: unknown) => ({ ok: false as const, e: failureText(cluster, e) }),
      ),
    ]);
    const aclFields = (b: AclBinding) =>
      html`<input type="hidden" name="principal" value="${b.principal}"><input type="hidden" name="resourceType" value="${b.resourceType}"><input type="hidden" name="resourceName" value="${b.resourceName}"><input type="hidden" name="patternType" value="${b.patternType}"><input type="hidden" name="operation" value="${b.operation}"><input type="hidden" name="host" value="${b.host}"><input type="hidden" name="permission" value="${b.permission}">`;
    return page(
      { ...view, path: '/security' },
      'Users and ACLs',
      html`${message ?? ''}
<section aria-labelledby="h-users"><h2 id="h-users">SCRAM users</h2>
${
  users.ok
    ? html`<table><thead><tr><th scope="col">User</th><th scope="col">Mechanisms</th>${view.readOnly ? '' : html`<th scope="col">Rotate password</th><th scope="col">Delete</th>`}</tr></thead><tbody>
${users.u.map(
  (u) =>
    html`<tr><td>${u.user}</td><td>${u.mechanisms.join(', ')}</td>${
      view.readOnly
        ? ''
        : html`<td><form method="post" action="/security/users/rotate" class="inline">${csrfField(view)}<input type="hidden" name="user" value="${u.user}"><label>New password for ${u.user} <input type="password" name="password" autocomplete="new-password" required minlength="8"></label> <button type="submit">Rotate</button></form></td>
<td><form method="post" action="/security/users/delete" class="inline">${csrfField(view)}<input type="hidden" name="user" value="${u.user}"><button type="submit" class="danger">Delete ${u.user}</button></form></td>`
    }</tr>`,
)}</tbody></table>`
    : notice('error', html`Users cannot be listed: ${users.e}`)
}
${
  view.readOnly
    ? ''
    : html`<form method="post" action="/security/users" class="card">${csrfField(view)}
<label for="new-user">New user</label><input id="new-user" name="user" required>
<label for="new-password">Password (SCRAM-SHA-512; never shown again)</label><input id="new-password" name="password" type="password" autocomplete="new-password" required minlength="8">
<button type="submit">Create user</button></form>`
}</section>
<section aria-labelledby="h-acls"><h2 id="h-acls">ACLs</h2>
${
  acls.ok
    ? html`<table><thead><tr><th scope="col">Principal</th><th scope="col">Resource</th><th scope="col">Pattern</th><th scope="col">Operation</th><th scope="col">Host</th><th scope="col">Permission</th>${view.readOnly ? '' : html`<th scope="col">Delete</th>`}</tr></thead><tbody>
${acls.a.map(
  (b) =>
    html`<tr><td>${b.principal}</td><td>${b.resourceType}:${b.resourceName}</td><td>${b.patternType}</td><td>${b.operation}</td><td>${b.host}</td><td>${b.permission}</td>${view.readOnly ? '' : html`<td><form method="post" action="/security/acls/delete" class="inline">${csrfField(view)}${aclFields(b)}<button type="submit" class="danger">Delete</button></form></td>`}</tr>`,
)}</tbody></table>`
    : notice('error', html`ACLs cannot be listed: ${acls.e}`)
}
${
  view.readOnly
    ? ''
    : html`<form method="post" action="/security/acls" class="card">${csrfField(view)}
<label for="acl-principal">Principal</label><input id="acl-principal" name="principal" placeholder="User:alice" required>
<label for="acl-type">Resource type</label><select id="acl-type" name="resourceType">${RESOURCE_TYPES.map((t) => html`<option>${t}</option>`)}</select>
<label for="acl-name">Resource name</label><input id="acl-name" name="resourceName">
<label for="acl-pattern">Pattern</label><select id="acl-pattern" name="patternType"><option>LITERAL</option><option>PREFIXED</option></select>
<label for="acl-op">Operation</label><select id="acl-op" name="operation">${OPERATIONS.map((o) => html`<option>${o}</option>`)}</select>
<label for="acl-host">Host</label><input id="acl-host" name="host" value="*">
<label for="acl-perm">Permission</label><select id="acl-perm" name="permission"><option>ALLOW</option><option>DENY</option></select>
<button type="submit">Create ACL</button></form>`
}</section>`,
    );
  };

  app.get('/', async (c) => {
    const done = c.req.query('done');
    try {
      return c.html((await securityPage(c.get('view'), done ? notice('ok', done) : undefined)).text);
    } catch (error) {
      return c.html(page(c.get('view'), 'Users and ACLs', notice('error', failureText(cluster, error))).text, failureStatus(error));
    }
  });

  const change = (path: string, action: string, apply: (form: Form) => Promise<{ target: string; done: string }>) =>
    app.post(path, async (c) => {
      const form = (await c.req.parseBody()) as Form;
      c.set('audit', { action, target: field(form, 'user') || field(form, 'principal') });
      try {
        const { target, done } = await apply(form);
        c.set('audit', { action, target });
        return c.redirect(`/security?done=${encodeURIComponent(done)}`, 303);
      } catch (error) {
        const text = failed(c, cluster, error);
        const body = await securityPage(c.get('view'), notice('error', html`Nothing was changed: ${text}`)).catch(() => page(c.get('view'), 'Refused', notice('error', text)));
        return c.html(body.text, failureStatus(error));
      }
    });

  change('/users', 'user.create', async (form) => {
    const user = userName(form);
    const password = newPassword(form);
    const admin = await cluster.admin();
    if ((await listScramUsers(admin)).some((u) => u.user === user)) throw new KafkaplaneError('BAD_USAGE', `User "${user}" exists; rotate its password instead`);
    await upsertScramCredential(admin, user, password);
    return { target: user, done: `User ${user} created.` };
  });
  change('/users/rotate', 'user.rotate-password', async (form) => {
    const user = userName(form);
    await upsertScramCredential(await cluster.admin(), user, newPassword(form));
    return { target: user, done: `Password of ${user} rotated.` };
  });
  change('/users/delete', 'user.delete', async (form) => {
    const user = userName(form);
    await deleteScramCredential(await cluster.admin(), user);
    return { target: user, done: `User ${user} deleted.` };
  });
  const aclText = (b: AclBinding) => `${b.permission} ${b.principal} ${b.operation} on ${b.resourceType}:${b.resourceName} (${b.patternType}, host ${b.host})`;
  change('/acls', 'acl.create', async (form) => {
    const b = aclFromForm(form);
    await createAcls(await cluster.admin(), [b]);
    return { target: aclText(b), done: `ACL created: ${aclText(b)}.` };
  });
  change('/acls/delete', 'acl.delete', async (form) => {
    const b = aclFromForm(form);
    await deleteAcls(await cluster.admin(), [b]);
    return { target: aclText(b), done: `ACL deleted: ${aclText(b)}.` };
  });
  return app;
}
