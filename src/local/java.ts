import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KafkaplaneError } from '../errors.ts';

export interface Java {
  bin: string;
  version: string;
  major: number;
}

const MINIMUM = 17;

/** Finds java ($JAVA_HOME/bin/java, else java on PATH) and checks it is Java 17+, which Kafka 4 requires. */
export async function findJava(env: NodeJS.ProcessEnv = process.env): Promise<Java> {
  const bin = env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java';
  let output: string;
  try {
    const { stderr, stdout } = await promisify(execFile)(bin, ['-version'], { timeout: 20_000 });
    output = `${stderr}\n${stdout}`;
  } catch (error) {
    const where = env.JAVA_HOME ? `JAVA_HOME=${env.JAVA_HOME} (${bin})` : 'java on PATH';
    throw new KafkaplaneError('JAVA_MISSING', `Java ${MINIMUM}+ is required to run Kafka, but ${where} could not be run`, {
      cause: error,
      hint: `install a JDK ${MINIMUM} or newer (Debian/Ubuntu: apt-get install openjdk-17-jre-headless) or point JAVA_HOME at one`,
    });
  }
  const match = /version "([^"]+)"/.exec(output);
  const version = match?.[1] ?? 'unknown';
  const parts = version.split(/[.+-]/);
  const major = Number(parts[0] === '1' ? parts[1] : parts[0]);
  if (!Number.isFinite(major) || major < MINIMUM) {
    throw new KafkaplaneError('JAVA_TOO_OLD', `Kafka needs Java ${MINIMUM} or newer; ${bin} is Java ${version}`, {
      hint: `install a JDK ${MINIMUM}+ and put it first on PATH, or set JAVA_HOME to it`,
    });
  }
  return { bin, version, major };
}
