// The local runtime's checks of its surroundings: a real JDK (and fake old ones), and this git checkout.
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSpec } from '../../../src/api/load.ts';
import { KafkaplaneError } from '../../../src/errors.ts';
import { findJava } from '../../../src/local/java.ts';
import { up } from '../../../src/local/up.ts';
import { REPO, clusterYaml } from '../../helpers/spec.ts';

test('state inside a git checkout is refused unless asked for', async () => {
  const inRepo = join(REPO.pathname, '.scratch', 'state-test');
  await assert.rejects(up({ spec: parseSpec(clusterYaml('{}')), stateDir: inRepo }), /inside the git checkout/);
});

test('Java: missing or too old is said plainly', async () => {
  await assert.rejects(findJava({ ...process.env, JAVA_HOME: '/nonexistent-jdk' }), (error: unknown) => {
    assert.ok(error instanceof KafkaplaneError);
    assert.equal(error.code, 'JAVA_MISSING');
    assert.match(error.message, /Java 17\+ is required.*JAVA_HOME=\/nonexistent-jdk/);
    return true;
  });
  const home = await mkdtemp(join(tmpdir(), 'old-jdk-'));
  await mkdir(join(home, 'bin'));
  await writeFile(join(home, 'bin', 'java'), '#!/bin/sh\necho \'openjdk version "1.8.0_292"\' >&2\n');
  await chmod(join(home, 'bin', 'java'), 0o755);
  await assert.rejects(findJava({ ...process.env, JAVA_HOME: home }), /Kafka needs Java 17 or newer; .* is Java 1\.8\.0_292/);
  const java = await findJava();
  assert.ok(java.major >= 17);
});
