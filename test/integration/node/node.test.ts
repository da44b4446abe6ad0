// The one-node Kubernetes itself (test/helpers/kube-node.ts): pods run, `kubectl logs` and `exec` work, cluster DNS
// resolves Service names, a PVC binds on the default StorageClass, a ClusterIP Service and a NodePort answer, and the
// tear-down leaves nothing behind (no bridge, no KUBE-/CNI- chains, no mounts, no processes).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { BRIDGE, type KubeNode, NODE_DIR, startKubeNode, waitUntil } from '../../helpers/kube-node.ts';
import { elapsed, ensureNamespace, exec, waitPodsReady } from './support.ts';

const NS = 'smoke';
const NODE_PORT = 30080;

describe('one-node Kubernetes', { timeout: 900_000 }, () => {
  let node: KubeNode;
  before(async () => {
    node = await startKubeNode();
  });
  after(async () => {
    await node?.stop();
  });

  test('a pod runs; logs, exec, DNS, a PVC, a ClusterIP Service and a NodePort work', async () => {
    const started = Date.now();
    await ensureNamespace(node, NS);
    const objects = [
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: NS }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '16Mi' } } } },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web', namespace: NS, labels: { app: 'web' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'web',
              image: node.images.busybox,
              imagePullPolicy: 'Never',
              command: ['sh', '-c', 'echo hello-from-pvc > /data/index.html && echo web started && exec httpd -f -v -p 8080 -h /data'],
              ports: [{ containerPort: 8080 }],
              readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
          ],
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'client', namespace: NS, labels: { app: 'client' } },
        // curl and glibc's resolver from the client image: wget of Debian's busybox-static 1.35.0-4+deb12u1+b1
        // segfaults (exit 139) on any URL, even a pod IP.
        spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'client', image: node.images.kafkaClient, imagePullPolicy: 'Never', command: ['sleep', '3600'] }] },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web-nodeport', namespace: NS },
        spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, nodePort: NODE_PORT }] },
      },
    ];
    await node.kubectl(['apply', '--server-side', '-f', '-'], { input: objects.map((o) => JSON.stringify(o)).join('\n---\n') });
    await waitPodsReady(node, NS, 'app in (web,client)', 2, 180_000);
    const podsReady = elapsed(started);

    const logs = await node.kubectl(['logs', '-n', NS, 'web']);
    assert.match(logs.stdout, /web started/);
    const pvc = JSON.parse((await node.kubectl(['get', 'pvc', 'data', '-n', NS, '-o', 'json'])).stdout);
    assert.equal(pvc.status.phase, 'Bound');
    assert.equal(pvc.spec.storageClassName, 'standard');

    // kube-proxy programs a new Service within its sync period; until then a connection to the ClusterIP would hang.
    const viaDns = await waitUntil(
      'the web Service by its DNS name',
      60_000,
      async () => {
        const r = await exec(node, NS, 'client', ['curl', '-sSf', '--max-time', '5', `http://web.${NS}.svc.cluster.local/index.html`], { allowFail: true, timeoutMs: 15_000 });
        return r.code === 0 ? r : false;
      },
      1_000,
    );
    assert.equal(viaDns.stdout.trim(), 'hello-from-pvc');
    const lookup = await exec(node, NS, 'client', ['getent', 'hosts', 'kubernetes.default.svc.cluster.local']);
    assert.match(lookup.stdout, /^10\.214\.0\.1\s/);

    // From the host: the NodePort on the node IP.
    const res = await fetch(`http://${node.nodeIP}:${NODE_PORT}/index.html`);
    assert.equal((await res.text()).trim(), 'hello-from-pvc');
    process.stderr.write(`[node smoke] pods ready in ${podsReady} s; node start ${JSON.stringify(node.timings)}\n`);
  });

  test("the kafkaplane image (the repo's Dockerfile layout) renders an example in a pod", async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'kafkaplane-render', namespace: NS },
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'kafkaplane', image: node.images.kafkaplane, imagePullPolicy: 'Never', args: ['render', '-f', '/app/examples/seed-002-combined.yaml'] }],
      },
    };
    await node.kubectl(['apply', '--server-side', '-f', '-'], { input: JSON.stringify(pod) });
    const phase = await waitUntil(
      'the render pod to finish',
      180_000,
      async () => {
        const p = JSON.parse((await node.kubectl(['get', 'pod', 'kafkaplane-render', '-n', NS, '-o', 'json'])).stdout);
        return ['Succeeded', 'Failed'].includes(p.status.phase) ? (p.status.phase as string) : false;
      },
      1_000,
    );
    const logs = await node.kubectl(['logs', '-n', NS, 'kafkaplane-render']);
    assert.equal(phase, 'Succeeded', logs.stdout + logs.stderr);
    assert.match(logs.stdout, /kind: StatefulSet/);
    assert.match(logs.stdout, /image: apache\/kafka:4\.1\.2/);
  });

  test('stop() tears everything down', async () => {
    await node.stop();
    assert.equal(fs.existsSync(NODE_DIR), false, `${NODE_DIR} is gone`);
    assert.throws(() => execFileSync('ip', ['link', 'show', BRIDGE], { stdio: 'ignore' }), 'the bridge is gone');
    const rules = execFileSync('iptables-save', { encoding: 'utf8' });
    assert.doesNotMatch(rules, /KUBE-|CNI-/, 'no kube-proxy or CNI chains remain');
    const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8');
    assert.equal(mounts.includes(NODE_DIR), false, 'no mounts under the node dir remain');
    const leftovers = fs
      .readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .map((p) => {
        try {
          return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' ');
        } catch {
          return '';
        }
      })
      .filter((cmd) => cmd.includes(NODE_DIR));
    assert.deepEqual(leftovers, [], 'no process of the node remains');
  });
});
