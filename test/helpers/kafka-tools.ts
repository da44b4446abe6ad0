import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveDistribution } from '../../src/local/distribution.ts';
import { findJava } from '../../src/local/java.ts';
import { toolLoggingConfig } from '../../src/local/logging.ts';
import { DEFAULT_KAFKA_VERSION } from '../../src/api/kafka-cluster.ts';
import { spawnWithTimeout } from './spawn.ts';

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
  const r = await spawnWithTimeout(java.bin, ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', `${logging.jvmFlag}${logFile}`, '-cp', dist.classpath, mainClass, ...args], {
    ...(options.input !== undefined ? { input: options.input } : {}),
    timeoutMs: options.timeoutMs ?? 120_000,
  });
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

export const KAFKA_TOOLS = {
  topics: 'org.apache.kafka.tools.TopicCommand',
  consumerGroups: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  consoleProducer: 'org.apache.kafka.tools.ConsoleProducer',
  consoleConsumer: 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  producerPerf: 'org.apache.kafka.tools.ProducerPerformance',
  consumerPerf: 'org.apache.kafka.tools.ConsumerPerformance',
  metadataQuorum: 'org.apache.kafka.tools.MetadataQuorumCommand',
  features: 'org.apache.kafka.tools.FeatureCommand',
  brokerApiVersions: 'org.apache.kafka.tools.BrokerApiVersionsCommand',
  transactions: 'org.apache.kafka.tools.TransactionsCommand',
  getOffsetShell: 'org.apache.kafka.tools.GetOffsetShell',
  configs: 'kafka.admin.ConfigCommand',
  acls: 'org.apache.kafka.tools.AclCommand',
} as const;

/** Runs kcat (Debian's package; the test command installs it). */
export async function runKcat(args: string[], options: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<ToolResult> {
  const r = await spawnWithTimeout('kcat', args, {
    ...(options.input !== undefined ? { input: options.input } : {}),
    timeoutMs: options.timeoutMs ?? 60_000,
    missing: 'the test command installs it: apt-get install kcat',
  });
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

/** Values written to partition 0 of `topic` with acks=all, every record with the CreateTime `timestampMs`. */
export async function produceAt(bootstrap: string, topic: string, values: readonly string[], timestampMs: number): Promise<void> {
  const { Producer, ProduceAcks, stringSerializers } = await import('@platformatic/kafka');
  const producer = new Producer({ clientId: 'test-timestamps', bootstrapBrokers: bootstrap.split(','), serializers: stringSerializers, retries: 5, retryDelay: 500, timeout: 20_000 });
  try {
    // acks with the send: @platformatic/kafka ignores a constructor acks for a non-idempotent producer.
    await producer.send({ messages: values.map((value) => ({ topic, partition: 0, value, timestamp: BigInt(timestampMs) })), acks: ProduceAcks.ALL });
  } finally {
    await producer.close();
  }
}
