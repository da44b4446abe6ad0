import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';

export const MAVEN_CENTRAL = 'https://repo.maven.apache.org/maven2';

export interface PinnedArtifact {
  group: string;
  artifact: string;
  version: string;
  file: string;
  size: number;
  sha256: string;
}

/** Exactly which jars make up one Kafka release's runtime (see scripts/pin-kafka.ts). */
export interface DistributionLock {
  version: string;
  logging: 'log4j2' | 'reload4j';
  jackson: string;
  artifacts: PinnedArtifact[];
}

export function artifactUrl(repository: string, a: Pick<PinnedArtifact, 'group' | 'artifact' | 'version' | 'file'>): string {
  return `${repository}/${a.group.replaceAll('.', '/')}/${a.artifact}/${a.version}/${a.file}`;
}

/** Kafka 4 logs through log4j2, 3.9 through reload4j; the POMs carry no backend, so we add one. */
export function loggingFor(version: string): DistributionLock['logging'] {
  return Number(version.split('.')[0]) >= 4 ? 'log4j2' : 'reload4j';
}

/**
 * Resolves a Kafka release with Maven (kafka_2.13 + kafka-tools + a logging backend, Jackson pinned to the
 * release's own version) and returns its lock. Used to pin releases into the repo, and at run time for a release
 * kafkaplane has not pinned when `mvn` is installed.
 */
export async function resolveWithMaven(version: string, options: { log4j?: string; mvn?: string } = {}): Promise<DistributionLock> {
  const logging = loggingFor(version);
  const kafkaPomUrl = artifactUrl(MAVEN_CENTRAL, { group: 'org.apache.kafka', artifact: 'kafka_2.13', version, file: `kafka_2.13-${version}.pom` });
  const response = await fetch(kafkaPomUrl);
  if (!response.ok) throw new Error(`Kafka ${version} is not on Maven Central (${response.status} for ${kafkaPomUrl})`);
  const kafkaPom = await response.text();
  const jackson = /<artifactId>jackson-databind<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(kafkaPom)?.[1];
  if (!jackson) throw new Error(`cannot find the Jackson version in kafka_2.13 ${version}'s POM`);
  const log4j = options.log4j ?? '2.24.3';
  const dep = (g: string, a: string, v: string) => `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`;
  const backend =
    logging === 'log4j2'
      ? [dep('org.apache.logging.log4j', 'log4j-slf4j-impl', log4j), dep('org.apache.logging.log4j', 'log4j-core', log4j), dep('org.apache.logging.log4j', 'log4j-1.2-api', log4j)]
      : [dep('org.slf4j', 'slf4j-reload4j', '1.7.36'), dep('ch.qos.reload4j', 'reload4j', '1.2.25')];
  const pom = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.kafkaplane</groupId><artifactId>kafka-runtime</artifactId><version>${version}</version>
  <dependencyManagement><dependencies>
    <dependency><groupId>com.fasterxml.jackson</groupId><artifactId>jackson-bom</artifactId><version>${jackson}</version><type>pom</type><scope>import</scope></dependency>
  </dependencies></dependencyManagement>
  <dependencies>
    ${dep('org.apache.kafka', 'kafka_2.13', version)}
    ${dep('org.apache.kafka', 'kafka-tools', version)}
    ${backend.join('\n    ')}
  </dependencies>
</project>`;
  const work = await mkdtemp(join(tmpdir(), 'kafkaplane-maven-'));
  try {
    await writeFile(join(work, 'pom.xml'), pom);
    const out = join(work, 'lib');
    await promisify(execFile)(
      options.mvn ?? 'mvn',
      [
        '-B',
        '-q',
        '-f',
        join(work, 'pom.xml'),
        'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${out}`,
        '-Dmdep.useRepositoryLayout=true',
      ],
      { maxBuffer: 16 * 1024 * 1024, timeout: 15 * 60_000 },
    );
    const artifacts: PinnedArtifact[] = [];
    for (const file of await jarsUnder(out)) {
      const parts = relative(out, file).split(sep);
      artifacts.push({
        group: parts.slice(0, -3).join('.'),
        artifact: parts.at(-3)!,
        version: parts.at(-2)!,
        file: parts.at(-1)!,
        size: (await stat(file)).size,
        sha256: createHash('sha256')
          .update(await readFile(file))
          .digest('hex'),
      });
    }
    artifacts.sort((a, b) => `${a.group}:${a.artifact}`.localeCompare(`${b.group}:${b.artifact}`));
    return { version, logging, jackson, artifacts };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function jarsUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? jarsUnder(join(dir, e.name)) : Promise.resolve(e.name.endsWith('.jar') ? [join(dir, e.name)] : []))));
  return nested.flat();
}
