/**
 * Issue 13 major 6: no rendered object carries a password, or a password flag a process would show in `ps`; passwords
 * reach the pods only as Secret references (env valueFrom) and from there through files.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSpec } from '../../src/api/load.ts';
import { EXPORTER_SECRETS_DIR } from '../../src/render/monitoring.ts';
import { renderKubernetes } from '../../src/render/kubernetes.ts';
import type { KubeObject } from '../../src/render/objects.ts';
import { renderInput } from '../helpers/render.ts';
import { clusterYaml } from '../helpers/spec.ts';

const BUSYBOX = execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim();

const USERS = `---
apiVersion: kafkaplane.io/v1alpha1
kind: KafkaTopic
metadata: {name: orders}
spec: {partitions: 3, replicas: 3}
---
apiVersion: kafkaplane.io/v1alpha1
kind: KafkaUser
metadata: {name: app}
spec:
  authentication: {type: scram-sha-512, password: {valueFrom: {secretKeyRef: {name: app-password, key: password}}}}
  authorization: {type: simple, acls: [{resource: {type: topic, name: orders}, operations: [Read]}]}
`;

function secured(implementation: 'kafkaplane' | 'kafka_exporter'): KubeObject[] {
  const spec = `listeners:\n  - {name: scram, port: 9092, authentication: scram-sha-512}\nauthorization: {type: simple}\nkubernetes:\n  monitoring: {enabled: true, kafkaExporter: {implementation: ${implementation}}}`;
  return renderKubernetes(renderInput(parseSpec(clusterYaml(spec) + USERS))).objects;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function containers(objects: KubeObject[]): { owner: string; c: any }[] {
  const out: { owner: string; c: any }[] = [];
  for (const o of objects) {
    const spec = (o.spec as any)?.template?.spec;
    for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) out.push({ owner: `${o.kind}/${o.metadata.name}`, c });
  }
  return out;
}

const PASSWORD_FLAG = /--sasl[.-]password(?!-file)|\[password=|password=\$/;

test('no rendered object holds a password or passes one in an argument: Secrets come in as env references only', () => {
  for (const implementation of ['kafkaplane', 'kafka_exporter'] as const) {
    const objects = secured(implementation);
    const all = containers(objects);
    assert.ok(all.some((x) => x.owner.startsWith('Job/')) && all.some((x) => x.owner.startsWith('Deployment/')), 'the Job and the exporter are rendered');
    for (const { owner, c } of all) {
      for (const arg of c.args ?? []) assert.doesNotMatch(arg, /password/i, `${owner} ${c.name}: argument ${arg}`);
      // A script may name a password variable, but never put it on a command's line: only the printf builtin sees it.
      for (const line of (c.command ?? []).join('\n').split('\n')) {
        if (PASSWORD_FLAG.test(line)) assert.match(line, /^\s*printf '%s\\n' "--sasl\.password=\$KAFKAPLANE_INTERNAL_PASSWORD" > /, `${owner} ${c.name}: ${line}`);
      }
      for (const e of c.env ?? []) {
        if (/PASSWORD/.test(e.name)) assert.ok(e.value === undefined && e.valueFrom?.secretKeyRef, `${owner} ${c.name}: ${e.name} comes from a Secret`);
      }
    }
    // The one Secret render writes (the cluster identity) appears nowhere else.
    const identity = objects.find((o) => o.kind === 'Secret')!;
    const values = Object.values((identity.stringData ?? identity.data) as Record<string, string>);
    const others = JSON.stringify(objects.filter((o) => o !== identity));
    for (const v of values) assert.ok(!others.includes(v), `identity value ${v} only in its Secret`);
  }
});

test("kafka_exporter's password goes through an @arguments file in a memory emptyDir, run under BusyBox sh", (t) => {
  const exporter = secured('kafka_exporter').find((o) => o.kind === 'Deployment')!;
  const pod = (exporter.spec as any).template.spec;
  const container = pod.containers[0];
  assert.deepEqual(container.volumeMounts, [{ name: 'secrets', mountPath: EXPORTER_SECRETS_DIR }]);
  assert.deepEqual(pod.volumes, [{ name: 'secrets', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }]);

  const dir = mkdtempSync(join(tmpdir(), 'kafkaplane-exporter-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const applet of ['sh', 'cat', 'stat']) symlinkSync(BUSYBOX, join(bin, applet));
  // Stands in for /bin/kafka_exporter: prints its arguments, then (like kingpin) the lines of an @file argument.
  const fake = join(dir, 'kafka_exporter');
  writeFileSync(fake, `#!${join(bin, 'sh')}\necho "argv: $*"\nfor a in "$@"; do case "$a" in @*) f=\${a#@}; echo "mode $(stat -c %a "$f")"; cat "$f" ;; esac; done\n`);
  chmodSync(fake, 0o755);
  const secrets = join(dir, 'run');
  mkdirSync(secrets);
  const [shell, flag, script, argv0] = container.command as string[];
  assert.equal(shell, '/bin/sh');
  const local = script!.replaceAll('/bin/kafka_exporter', fake).replaceAll(EXPORTER_SECRETS_DIR, secrets);
  const result = spawnSync(join(bin, 'sh'), [flag!, local, argv0!, ...container.args], { env: { PATH: bin, KAFKAPLANE_INTERNAL_PASSWORD: 'hunter2hunter2hunter2' }, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const argv = result.stdout.split('\n')[0]!;
  assert.match(argv, /^argv: @\S+\/args --kafka\.server=/);
  assert.ok(!argv.includes('hunter2'), argv);
  assert.match(result.stdout, /^mode 600$/m);
  assert.match(result.stdout, /^--sasl\.password=hunter2hunter2hunter2$/m);
  assert.equal(readFileSync(join(secrets, 'args'), 'utf8'), '--sasl.password=hunter2hunter2hunter2\n');
});
