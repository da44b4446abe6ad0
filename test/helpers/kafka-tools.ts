import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveDistribution } from '../../src/local/distribution.ts';
import { findJava } from '../../src/local/java.ts';
import { toolLoggingConfig } from '../../src/local/logging.ts';
import { DEFAULT_KAFKA_VERSION } from '../../src/api/kafka-cluster.ts';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of Apache Kafka's own command-line classes (TopicCommand, ConsumerGroupCommand, ConsoleProducer,
 * ProducerPerformance, …) from the same jars the cluster runs: the reference tools kafkaplane is compared against.
 */
export async function runKafkaTool(mainClass: string, args: string[], options: { input?: string | Buffer; timeoutMs?: number; version?: string } = {}): Promise<ToolResult> {
  const [java, dist] = await Promise.all([findJava(), resolveDistribution(options.version ?? DEFAULT_KAFKA_VERSION)]);
  const logging = toolLoggingConfig(dist.logging);
  const logFile = join(tmpdir(), `kafkaplane-${logging.fileName}`);
  writeFileSync(logFile, logging.text);
  return new Promise((resolve, reject) => {
    const child = spawn(java.bin, ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', `${logging.jvmFlag}${logFile}`, '-cp', dist.classpath, mainClass, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

export const KAFKA_TOOLS = {
  topics: 'org.apache.kafka.tools.TopicCommand',
  consumerGroups: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  consoleProducer: 'org.apache.kafka.tools.ConsoleProducer',
  consoleConsumer: 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  producerPerf: 'org.apache.kafka.tools.ProducerPerformance',
  consumerPerf: 'org.apache.kafka.tools.ConsumerPerformance',
  metadataQuorum: 'org.apache.kafka.tools.MetadataQuorumCommand',
  transactions: 'org.apache.kafka.tools.TransactionsCommand',
} as const;

/** Runs kcat (Debian's package; the test command installs it). */
export function runKcat(args: string[], options: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (e) => reject(new Error(`cannot run kcat (the test command installs it: apt-get install kcat): ${e.message}`)));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}
