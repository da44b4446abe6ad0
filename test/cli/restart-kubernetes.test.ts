// `kafkaplane restart --kubernetes`: what it needs is said before anything is touched (the roll itself runs on the
// one-node Kubernetes: test/integration/node/rolls.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.ts';

const SPEC = fileURLToPath(new URL('../../examples/seed-002-combined.yaml', import.meta.url));

test('restart --kubernetes needs the spec; the Kubernetes flags need --kubernetes; an unreadable kubeconfig is named', async () => {
  const noSpec = await runCli(['restart', '--kubernetes']);
  assert.equal(noSpec.code, 2, noSpec.stderr);
  assert.match(noSpec.stderr, /--kubernetes needs the spec the manifests were rendered from: -f <file>/);
  const local = await runCli(['restart', '--namespace', 'kafka', '--dry-run']);
  assert.equal(local.code, 2, local.stderr);
  assert.match(local.stderr, /--namespace goes with --kubernetes/);
  const kubeconfig = await runCli(['restart', '--kubernetes', '-f', SPEC, '--kubeconfig', '/nonexistent/kubeconfig']);
  assert.equal(kubeconfig.code, 2, kubeconfig.stderr);
  assert.match(kubeconfig.stderr, /cannot read the kubeconfig \/nonexistent\/kubeconfig/);
  assert.equal(kubeconfig.stdout, '');
});
