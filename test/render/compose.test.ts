/**
 * There is no Docker engine (or compose v2) here, so the compose output is checked against the Compose
 * Specification's rules that matter for it (https://compose-spec.io): allowed top-level keys, service fields and
 * their types, references to configs/volumes/secrets that exist, escaped "$" (compose interpolates ${…} everywhere),
 * unique host ports — and that what each broker advertises is what its container publishes.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseProperties } from '../../src/model/properties-format.ts';
import { composeHealthcheck, renderCompose } from '../../src/render/formats/compose.ts';
import { RenderError } from '../../src/render/errors.ts';
import { parseSpec } from '../../src/api/load.ts';
import { EXAMPLES, renderExample, renderInput } from '../helpers/render.ts';
import { clusterYaml } from '../helpers/spec.ts';

const TOP_LEVEL = new Set(['name', 'services', 'networks', 'volumes', 'configs', 'secrets']);
const SERVICE_FIELDS = new Set(['image', 'hostname', 'command', 'environment', 'configs', 'secrets', 'volumes', 'ports', 'restart', 'stop_grace_period', 'depends_on', 'healthcheck']);

function unescapedDollar(value: string): boolean {
  return /(^|[^$])\$([^$]|$)/.test(value.replaceAll('$$', ''));
}

function strings(value: unknown, path: string, out: [string, string][] = []): [string, string][] {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) strings(v, `${path}[${i}]`, out);
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
        assert.equal(p.host_ip, '127.0.0.1', `${service} publishes ${p.published} on the docker host's loopback only`);
        assert.equal(published.get(p.published), undefined, `host port ${p.published} published twice`);
        published.set(p.published, service);
      }
      for (const [dep, d] of Object.entries<Record<string, string>>(s.depends_on ?? {})) {
        assert.ok(dep in compose.services);
        if (d.condition === 'service_healthy') assert.ok(compose.services[dep].healthcheck, `${service} waits for ${dep} to be healthy, which has no healthcheck`);
      }
      if (s.environment?.KAFKAPLANE_NODE_ID !== undefined) {
        assert.equal(s.healthcheck.test[0], 'CMD-SHELL', `${service} has a healthcheck`);
        const id = s.environment.KAFKAPLANE_NODE_ID;
        const props = parseProperties(compose.configs[`node-${id}-properties`].content.replaceAll('$$', '$'));
        assert.equal(props['node.id'], id);
        for (const entry of props['advertised.listeners']!.split(',')) {
          const [, host, port] = /^[A-Z0-9_]+:\/\/(.+):(\d+)$/.exec(entry)!;
          if (host === 'localhost') assert.equal(published.get(port!), service, `${service} advertises localhost:${port}, which it must publish`);
          else assert.ok(host! in compose.services, `${service} advertises ${host}, a compose service`);
        }
      }
    }
  });
}

test('compose: the first listener reaches the docker host as localhost:9092 (seed 000: kcat -b localhost:9092), containers keep the service name', () => {
  const compose = parse(renderExample('seed-002-combined.yaml', 'compose').files[0]!.content) as Record<string, any>;
  const props = (id: number) => parseProperties(compose.configs[`node-${id}-properties`].content.replaceAll('$$', '$'));
  for (const [id, port] of [
    [0, 9092],
    [1, 9093],
    [2, 9094],
  ] as const) {
    const p = props(id);
    // One listener per audience: CLIENT for containers on the compose network, CLIENT_HOST for the docker host.
    assert.equal(p.listeners, 'CLIENT://:9092,CLIENT_HOST://:19092,REPLICATION://:9091,CONTROLLER://:9090');
    assert.equal(p['advertised.listeners'], `CLIENT://dual-${id}:9092,CLIENT_HOST://localhost:${port},REPLICATION://dual-${id}:9091,CONTROLLER://dual-${id}:9090`);
    assert.match(p['listener.security.protocol.map']!, /CLIENT_HOST:PLAINTEXT/);
    assert.deepEqual(compose.services[`dual-${id}`].ports, [{ target: 19092, host_ip: '127.0.0.1', published: String(port), protocol: 'tcp' }]);
  }
  // The twin has the first listener's security: SCRAM there, SCRAM for the host.
  const secured = parse(renderExample('topics-users.yaml', 'compose').files[0]!.content) as Record<string, any>;
  const p = parseProperties(secured.configs['node-0-properties'].content.replaceAll('$$', '$'));
  assert.match(p['listener.security.protocol.map']!, /SCRAM_HOST:SASL_PLAINTEXT/);
  assert.equal(p['listener.name.scram_host.sasl.enabled.mechanisms'], 'SCRAM-SHA-512');
});

test('compose: host ports of the first listener and of external listeners must not overlap', () => {
  const clash = () => renderCompose(renderInput(parseSpec(clusterYaml('listeners:\n  - {name: plain, port: 9092}\n  - {name: lb, port: 9093, type: loadbalancer}'))));
  assert.throws(clash, (error: unknown) => {
    assert.ok(error instanceof RenderError);
    assert.match(
      error.problems.map((p) => `${p.path}: ${p.message}`).join('\n'),
      /spec\.listeners\[1\]\.port: docker compose would publish listener lb broker 0 and listener plain \(for the docker host\) broker 1 on the same host port 9093/,
    );
    return true;
  });
});

test('compose healthcheck: grep of the socket table finds a listening port under BusyBox sh, and not a closed one', async (t) => {
  const busybox = execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim();
  const server = createServer().listen(0, '0.0.0.0');
  await once(server, 'listening');
  t.after(() => server.close());
  const port = (server.address() as AddressInfo).port;
  const run = (p: number) => spawnSync(busybox, ['sh', '-c', (composeHealthcheck(p).test as string[])[1]!], { encoding: 'utf8' }).status;
  assert.equal(run(port), 0, `port ${port} is listening`);
  server.close();
  await once(server, 'close');
  assert.equal(run(port), 1, `port ${port} is closed`);
  // On IPv6 too (/proc/net/tcp6).
  const six = createServer().listen(0, '::');
  await once(six, 'listening');
  t.after(() => six.close());
  assert.equal(run((six.address() as AddressInfo).port), 0);
});

test('compose: brokers and controllers get the same health rule as the pods; the topics service waits for healthy brokers and reads user passwords from compose secrets', () => {
  const compose = renderExample('external-access.yaml', 'compose').objects as Record<string, any>;
  const hex = (port: number) => `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  for (const [name, s] of Object.entries<Record<string, any>>(compose.services)) {
    if (name === 'topics') continue;
    const isBroker = name.startsWith('broker');
    assert.ok(s.healthcheck.test[1].includes(hex(isBroker ? 9091 : 9090)), `${name}: ${s.healthcheck.test[1]}`);
  }
  const topics = compose.services.topics;
  assert.ok(Object.values<Record<string, string>>(topics.depends_on).every((d) => d.condition === 'service_healthy'));
  assert.deepEqual(topics.secrets.at(-1), { source: 'edge-client-password_password', target: '/run/secrets/edge-client-password_password' });
  assert.deepEqual(compose.secrets['edge-client-password_password'], { file: './secrets/edge-client-password/password' });
  assert.match(topics.command[2], /USER_PASSWORD_0=\$\$\(cat \/run\/secrets\/edge-client-password_password\)/);
  assert.doesNotMatch(JSON.stringify(renderExample('external-access.yaml', 'compose').warnings), /no Secrets/);
});
