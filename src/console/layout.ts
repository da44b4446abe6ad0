import type { AuditNote } from './audit.ts';
import { type Html, html, type Part } from './html.ts';

/** What every page knows about the request: who is looking, the CSRF token for its forms, read-only or not. */
export interface View {
  user: string | undefined;
  csrf: string;
  readOnly: boolean;
  path: string;
}

export type ConsoleEnv = { Variables: { view: View; audit: AuditNote | undefined; auditError: string | undefined } };

const NAV: readonly [string, string][] = [
  ['/', 'Overview'],
  ['/topics', 'Topics'],
  ['/groups', 'Consumer groups'],
  ['/brokers', 'Brokers'],
  ['/security', 'Users and ACLs'],
];

export function csrfField(view: View): Html {
  return html`<input type="hidden" name="_csrf" value="${view.csrf}">`;
}

/** A message box: errors the user can act on, or what a change did. */
export function notice(kind: 'error' | 'ok' | 'info', text: Part): Html {
  return html`<div class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</div>`;
}

export function page(view: View, title: string, body: Part, options: { scripts?: readonly string[] } = {}): Html {
  const current = (href: string) => (href === '/' ? view.path === '/' : view.path === href || view.path.startsWith(`${href}/`));
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · kafkaplane console</title>
<link rel="stylesheet" href="/assets/console.css">
<script src="/assets/htmx.js" defer></script>
${(options.scripts ?? []).map((s) => html`<script src="${s}" defer></script>`)}
</head><body>
<a class="skip" href="#main">Skip to content</a>
<header><nav aria-label="Main"><span class="brand">kafkaplane</span><ul>${NAV.map(([href, label]) => html`<li><a href="${href}"${current(href) ? html` aria-current="page"` : ''}>${label}</a></li>`)}</ul>
${view.readOnly ? html`<span class="badge">read-only</span>` : ''}
${view.user ? html`<form method="post" action="/logout" class="logout">${csrfField(view)}<span>${view.user}</span> <button type="submit">Log out</button></form>` : ''}
</nav></header>
<main id="main"><h1>${title}</h1>
${body}
</main></body></html>`;
}
