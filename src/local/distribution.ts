import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KafkaplaneError, errorMessage } from '../errors.ts';
import { cacheRoot } from './paths.ts';
import { type DistributionLock, MAVEN_CENTRAL, type PinnedArtifact, artifactUrl, loggingFor, resolveWithMaven } from './maven.ts';

/** A Kafka release ready to run: the jars on its classpath and how it logs. */
export interface Distribution {
  version: string;
  /** The java -cp argument: a directory wildcard (dir/*), which keeps command lines short and readable. */
  classpath: string;
  logging: DistributionLock['logging'];
  /** Where it came from, for `status` and error messages. */
  source: string;
}

export interface DownloadProgress {
  version: string;
  doneBytes: number;
  totalBytes: number;
  doneFiles: number;
  totalFiles: number;
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  onProgress?: (progress: DownloadProgress) => void;
  log?: (line: string) => void;
  /** Aborts the download (Ctrl-C); partial files are removed, finished jars stay in the cache. */
  signal?: AbortSignal;
}

/** The releases whose jars kafkaplane has pinned (src/local/distributions/*.json). */
export async function pinnedVersions(): Promise<string[]> {
  const dir = new URL('./distributions/', import.meta.url);
  return (await readdir(dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

async function pinnedLock(version: string): Promise<DistributionLock | undefined> {
  const file = new URL(`./distributions/${version}.json`, import.meta.url);
  if (!existsSync(file)) return undefined;
  return JSON.parse(await readFile(file, 'utf8')) as DistributionLock;
}

/**
 * Gets the jars of one Kafka release: $KAFKA_HOME/libs when KAFKA_HOME points at an unpacked Apache Kafka
 * download, else the pinned jar list downloaded from Maven Central into the per-user cache (SHA-256 verified), else
 * — for a release kafkaplane has not pinned — resolved with `mvn` when it is installed.
 */
export async function resolveDistribution(version: string, options: ResolveOptions = {}): Promise<Distribution> {
  const env = options.env ?? process.env;
  if (env.KAFKA_HOME) return fromKafkaHome(env.KAFKA_HOME, version);

  const dir = join(cacheRoot(env), 'kafka', version);
  const marker = join(dir, 'complete.json');
  if (existsSync(marker)) {
    const lock = JSON.parse(await readFile(marker, 'utf8')) as DistributionLock;
    return { version, logging: lock.logging, classpath: join(dir, 'lib', '*'), source: dir };
  }

  let lock = await pinnedLock(version);
  if (lock === undefined) {
    options.log?.(`Kafka ${version} is not pinned by kafkaplane (pinned: ${(await pinnedVersions()).join(', ')}); resolving it with Maven…`);
    try {
      lock = await resolveWithMaven(version);
    } catch (error) {
      throw new KafkaplaneError('KAFKA_VERSION_UNAVAILABLE', `cannot get Kafka ${version}: it is not pinned by kafkaplane and resolving it with Maven failed: ${errorMessage(error)}`, {
        cause: error,
        hint: `use a pinned version (${(await pinnedVersions()).join(', ')}), install Maven, or set KAFKA_HOME to an unpacked Apache Kafka ${version}`,
      });
    }
  }
  await download(lock, dir, env, options.onProgress, options.signal);
  await writeFile(marker, JSON.stringify(lock, null, 2));
  return { version, logging: lock.logging, classpath: join(dir, 'lib', '*'), source: dir };
}

async function fromKafkaHome(home: string, version: string): Promise<Distribution> {
  const libs = join(home, 'libs');
  let files: string[];
  try {
    files = await readdir(libs);
  } catch (error) {
    throw new KafkaplaneError('KAFKA_HOME_INVALID', `KAFKA_HOME=${home} has no libs/ directory`, {
      cause: error,
      hint: 'point KAFKA_HOME at an unpacked Apache Kafka download (the directory with bin/, config/ and libs/), or unset it to download the jars from Maven Central',
    });
  }
  const core = files.find((f) => /^kafka_2\.1\d-[\d.]+\.jar$/.test(f));
  const found = core ? /-([\d.]+)\.jar$/.exec(core)?.[1] : undefined;
  if (found !== version) {
    throw new KafkaplaneError('KAFKA_HOME_VERSION', `KAFKA_HOME=${home} holds Kafka ${found ?? '(unknown)'}, but the spec asks for ${version}`, {
      hint: `set spec.version: ${found ?? '<version>'} or point KAFKA_HOME at Kafka ${version}`,
    });
  }
  return { version, logging: loggingFor(version), classpath: join(libs, '*'), source: home };
}

async function download(lock: DistributionLock, dir: string, env: NodeJS.ProcessEnv, onProgress?: (p: DownloadProgress) => void, signal?: AbortSignal) {
  const repository = (env.KAFKAPLANE_MAVEN_REPO ?? MAVEN_CENTRAL).replace(/\/$/, '');
  const lib = join(dir, 'lib');
  await mkdir(lib, { recursive: true });
  const progress: DownloadProgress = {
    version: lock.version,
    doneBytes: 0,
    totalBytes: lock.artifacts.reduce((n, a) => n + a.size, 0),
    doneFiles: 0,
    totalFiles: lock.artifacts.length,
  };
  onProgress?.({ ...progress });
  const queue = [...lock.artifacts];
  let failed = false;
  const worker = async () => {
    for (let a = queue.shift(); a !== undefined && !failed; a = queue.shift()) {
      const target = join(lib, a.file);
      if (!(existsSync(target) && (await sha256(target)) === a.sha256)) {
        const url = artifactUrl(repository, a);
        await fetchVerified(
          url,
          target,
          a.sha256,
          (n) => {
            progress.doneBytes += n;
            onProgress?.({ ...progress });
          },
          signal,
        );
      } else {
        progress.doneBytes += a.size;
      }
      progress.doneFiles += 1;
      onProgress?.({ ...progress });
    }
  };
  // The first failure stops the other workers taking more files, and nothing is still writing once this returns.
  const results = await Promise.allSettled(
    Array.from({ length: 6 }, () =>
      worker().catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    ),
  );
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}

async function fetchVerified(url: string, target: string, expected: string, onBytes: (n: number) => void, signal?: AbortSignal): Promise<void> {
  const partial = `${target}.${process.pid}.part`;
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const timeout = AbortSignal.timeout(120_000);
      const response = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`);
      const hash = createHash('sha256');
      const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
      body.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        onBytes(chunk.length);
      });
      await pipeline(body, createWriteStream(partial));
      const actual = hash.digest('hex');
      if (actual !== expected) {
        throw new KafkaplaneError('CHECKSUM_MISMATCH', `checksum mismatch for ${url}: expected sha256 ${expected}, got ${actual}`, {
          hint: 'a proxy or mirror served a different file; check KAFKAPLANE_MAVEN_REPO and try again',
        });
      }
      await rename(partial, target);
      return;
    } catch (error) {
      lastError = error;
      await rm(partial, { force: true });
      if (error instanceof KafkaplaneError) throw error;
      if (signal?.aborted)
        throw new KafkaplaneError('INTERRUPTED', `interrupted while downloading ${url}`, { exitCode: 130, hint: 'jars already downloaded stay in the cache; the next run fetches the rest' });
    }
  }
  throw new KafkaplaneError('DOWNLOAD_FAILED', `could not download ${url}: ${errorMessage(lastError)}`, {
    cause: lastError,
    hint: 'check network access to Maven Central (or set KAFKAPLANE_MAVEN_REPO to a mirror), or set KAFKA_HOME to an unpacked Kafka download',
  });
}

/**
 * One pinned artifact from Maven Central (or KAFKAPLANE_MAVEN_REPO), checksummed and cached: the path of the file.
 * The Prometheus JMX exporter agent of `up --monitoring` comes this way.
 */
export async function resolveArtifact(artifact: Pick<PinnedArtifact, 'group' | 'artifact' | 'version' | 'file' | 'sha256'>, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const dir = join(cacheRoot(env), 'artifacts', artifact.group, artifact.artifact, artifact.version);
  const target = join(dir, artifact.file);
  if (existsSync(target) && (await sha256(target)) === artifact.sha256) return target;
  await mkdir(dir, { recursive: true });
  const repository = (env.KAFKAPLANE_MAVEN_REPO ?? MAVEN_CENTRAL).replace(/\/$/, '');
  await fetchVerified(artifactUrl(repository, artifact), target, artifact.sha256, () => undefined);
  return target;
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}
