/**
 * There is no Docker engine (or compose v2) here, so the compose output is checked against the Compose
 * Specification's rules that matter for it (https://compose-spec.io): allowed top-level keys, service fields and
 * their types, references to configs/volumes/secrets that exist, escaped "$" (compose interpolates ${…} everywhere),
 * unique host ports — and that what each broker advertises is what its container publishes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseProperties } from '../../src/model/properties-format.ts';
import { EXAMPLES, renderExample } from '../helpers/render.ts';

const TOP_LEVEL = new Set(['name', 'services', 'networks', 'volumes', 'configs', 'secrets']);
const SERVICE_FIELDS = new Set(['image', 'hostname', 'command', 'environment', 'configs', 'secrets', 'volumes', 'ports', 'restart', 'stop_grace_period', 'depends_on']);

function unescapedDollar(value: string): boolean {
  return /(^|[^$])\$([^$]|$)/.test(value.replaceAll('$$', ''));
}

function strings(value: unknown, path: string, out: [string, string][] = []): [string, string][] {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, `${path}.${k}`, out);
  return out;
}

for (const name of EXAMPLES) {
  test(`compose file of examples/${name} follows the Compose Specification`, () => {
    const result = renderExample(name, 'compose');
    const compose = parse(result.files[0]!.content) as Record<string, any>;
    assert.deepEqual(result.objects, compose, 'the YAML says what the render returned');
    for (const key of Object.keys(compose)) assert.ok(TOP_LEVEL.has(key), `top-level ${key}`);
    assert.match(compose.name, /^[a-z0-9][a-z0-9_-]*$/);
    for (const [path, value] of strings(compose, '')) assert.equal(unescapedDollar(value), false, `${path} has a "$" compose would interpolate`);
    const published = new Map<string, string>();
    for (const [service, s] of Object.entries<Record<string, any>>(compose.services)) {
      for (const key of Object.keys(s)) assert.ok(SERVICE_FIELDS.has(key), `${service}.${key}`);
      assert.match(s.image, /^apache\/kafka:\d+\.\d+\.\d+$/);
      assert.ok(Array.isArray(s.command) && s.command.every((c: unknown) => typeof c === 'string'));
      for (const [k, v] of Object.entries(s.environment ?? {})) assert.equal(typeof v, 'string', `${service}.environment.${k}`);
      for (const c of s.configs ?? []) assert.ok(compose.configs[c.source]?.content !== undefined && c.target.startsWith('/'), `${service} config ${c.source}`);
      for (const c of s.secrets ?? []) assert.ok(compose.secrets?.[c.source]?.file, `${service} secret ${c.source}`);
      for (const v of s.volumes ?? []) {
        assert.ok(['volume', 'tmpfs'].includes(v.type) && v.target.startsWith('/'));
        if (v.type === 'volume') assert.ok(v.source in compose.volumes, `${service} volume ${v.source}`);
      }
      for (const p of s.ports ?? []) {
        assert.ok(Number.isInteger(p.target) && /^\d+$/.test(p.published) && p.protocol === 'tcp');
        assert.equal(published.get(p.published), undefined, `host port ${p.published} published twice`);
        published.set(p.published, service);
      }
      for (const dep of Object.keys(s.depends_on ?? {})) assert.ok(dep in compose.services);
      if (s.environment?.KAFKAPLANE_NODE_ID !== undefined) {
        const id = s.environment.KAFKAPLANE_NODE_ID;
        const props = parseProperties(compose.configs[`node-${id}-properties`].content.replaceAll('$$', '$'));
        assert.equal(props['node.id'], id);
        for (const entry of props['advertised.listeners']!.split(',')) {
          const [, host, port] = /^[A-Z0-9]+:\/\/(.+):(\d+)$/.exec(entry)!;
          if (host === 'localhost') assert.equal(published.get(port!), service, `${service} advertises localhost:${port}, which it must publish`);
          else assert.ok(host! in compose.services, `${service} advertises ${host}, a compose service`);
        }
      }
    }
  });
}
