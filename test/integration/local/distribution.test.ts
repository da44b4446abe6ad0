// Getting Kafka: the pinned jars downloaded from a Maven repository (here a local mirror on loopback serving the
// jars `npm test` already cached from Maven Central) into a fresh cache, checksum-verified, with progress; a file
// that does not match its pinned SHA-256 is refused and never lands in the cache; KAFKA_HOME is used when set and
// checked against the spec's version.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KafkaplaneError } from '../../../src/errors.ts';
import { type DownloadProgress, resolveDistribution } from '../../../src/local/distribution.ts';
import { DEFAULT_KAFKA_VERSION } from '../../../src/api/kafka-cluster.ts';
import { cliHint } from '../../../src/cli/hints.ts';

const VERSION = DEFAULT_KAFKA_VERSION;
const lock = JSON.parse(readFileSync(new URL(`../../../src/local/distributions/${VERSION}.json`, import.meta.url), 'utf8')) as { artifacts: { file: string; size: number; sha256: string }[] };
let cached: string;
let server: Server;
let mirror: string;
let corrupt: string | undefined;
const requests: string[] = [];
const scratch: string[] = [];

before(async () => {
  // The jars the test command downloaded from Maven Central (resolveDistribution in scripts/test.ts).
  cached = (await resolveDistribution(VERSION, { env: { ...process.env, KAFKA_HOME: '' } })).source;
  server = createServer((req, res) => {
    const file = req.url!.split('/').at(-1)!;
    requests.push(file);
    const path = join(cached, 'lib', file);
    if (!existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    const body = readFileSync(path);
    if (file === corrupt) body.writeUInt8(body.readUInt8(body.length - 1) ^ 0xff, body.length - 1);
    res.writeHead(200, { 'content-length': String(body.length) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/maven2`;
});

after(async () => {
  server?.close();
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

async function freshCache(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kafkaplane-cache-'));
  scratch.push(dir);
  return dir;
}

test('the pinned jars are downloaded, verified and reported as they come; a second call uses the cache', async () => {
  const cache = await freshCache();
  const env = { ...process.env, KAFKA_HOME: '', KAFKAPLANE_CACHE: cache, KAFKAPLANE_MAVEN_REPO: mirror };
  const events: DownloadProgress[] = [];
  requests.length = 0;
  const dist = await resolveDistribution(VERSION, { env, onProgress: (p) => events.push(p) });
  assert.equal(dist.version, VERSION);
  assert.equal(dist.classpath, join(cache, 'kafka', VERSION, 'lib', '*'));
  const files = readdirSync(join(cache, 'kafka', VERSION, 'lib')).sort();
  assert.deepEqual(files, lock.artifacts.map((a) => a.file).sort(), 'exactly the pinned jars, no partial files');
  for (const a of lock.artifacts.slice(0, 5)) {
    assert.equal(
      createHash('sha256')
        .update(readFileSync(join(cache, 'kafka', VERSION, 'lib', a.file)))
        .digest('hex'),
      a.sha256,
    );
  }
  // Progress: starts at zero, never goes back, ends with every byte and file.
  const total = lock.artifacts.reduce((n, a) => n + a.size, 0);
  assert.deepEqual([events[0]!.doneBytes, events[0]!.doneFiles, events[0]!.totalBytes], [0, 0, total]);
  for (let i = 1; i < events.length; i++) assert.ok(events[i]!.doneBytes >= events[i - 1]!.doneBytes);
  assert.deepEqual([events.at(-1)!.doneBytes, events.at(-1)!.doneFiles], [total, lock.artifacts.length]);
  assert.equal(requests.length, lock.artifacts.length);

  requests.length = 0;
  await resolveDistribution(VERSION, { env });
  assert.equal(requests.length, 0, 'a complete cache is not downloaded again');
});

test('a jar whose SHA-256 differs from the pinned one is refused and never lands in the cache', async () => {
  const cache = await freshCache();
  const victim = lock.artifacts.find((a) => a.file.startsWith('kafka-clients-'))!;
  corrupt = victim.file;
  try {
    await assert.rejects(resolveDistribution(VERSION, { env: { ...process.env, KAFKA_HOME: '', KAFKAPLANE_CACHE: cache, KAFKAPLANE_MAVEN_REPO: mirror } }), (error: unknown) => {
      assert.ok(error instanceof KafkaplaneError);
      assert.equal(error.code, 'CHECKSUM_MISMATCH');
      assert.ok(error.message.includes(`${mirror}/org/apache/kafka/kafka-clients/${VERSION}/${victim.file}`), error.message);
      assert.ok(error.message.includes(`expected sha256 ${victim.sha256}`), error.message);
      assert.match(cliHint(error.hint) ?? '', /KAFKAPLANE_MAVEN_REPO/);
      return true;
    });
  } finally {
    corrupt = undefined;
  }
  const lib = join(cache, 'kafka', VERSION, 'lib');
  assert.equal(existsSync(join(lib, victim.file)), false, 'the bad file is not kept');
  assert.equal(
    readdirSync(lib).some((f) => f.endsWith('.part')),
    false,
    'no partial files are left',
  );
  assert.equal(existsSync(join(cache, 'kafka', VERSION, 'complete.json')), false, 'the cache is not marked complete');
});

test('an unreachable repository fails with the URL and what to do', async () => {
  const cache = await freshCache();
  await assert.rejects(resolveDistribution(VERSION, { env: { ...process.env, KAFKA_HOME: '', KAFKAPLANE_CACHE: cache, KAFKAPLANE_MAVEN_REPO: 'http://127.0.0.1:9/maven2' } }), (error: unknown) => {
    assert.ok(error instanceof KafkaplaneError);
    assert.equal(error.code, 'DOWNLOAD_FAILED');
    assert.match(error.message, /could not download http:\/\/127\.0\.0\.1:9\/maven2\//);
    assert.match(cliHint(error.hint) ?? '', /KAFKA_HOME/);
    return true;
  });
});

test('KAFKA_HOME: its libs/ are used when the version matches; another version or no libs/ is refused', async () => {
  const home = await mkdtemp(join(tmpdir(), 'kafka-home-'));
  scratch.push(home);
  const env = (h: string) => ({ ...process.env, KAFKA_HOME: h });
  await assert.rejects(resolveDistribution(VERSION, { env: env(home) }), (e: unknown) => e instanceof KafkaplaneError && e.code === 'KAFKA_HOME_INVALID' && /has no libs\/ directory/.test(e.message));
  await mkdir(join(home, 'libs'));
  for (const a of lock.artifacts) await symlink(join(cached, 'lib', a.file), join(home, 'libs', a.file));
  const dist = await resolveDistribution(VERSION, { env: env(home) });
  assert.equal(dist.classpath, join(home, 'libs', '*'));
  assert.equal(dist.source, home);
  await assert.rejects(resolveDistribution('3.9.2', { env: env(home) }), (e: unknown) => {
    assert.ok(e instanceof KafkaplaneError);
    assert.equal(e.code, 'KAFKA_HOME_VERSION');
    assert.match(e.message, new RegExp(`holds Kafka ${VERSION.replaceAll('.', '\\.')}, but the spec asks for 3\\.9\\.2`));
    return true;
  });
});
