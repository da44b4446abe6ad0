// Pins the Java runtime of one Apache Kafka release into src/local/distributions/<version>.json: every jar's Maven
// coordinates and SHA-256. Users never need Maven: `kafkaplane up` downloads exactly these jars from Maven Central
// and verifies them. Needs `mvn` (developers only).
//
//   node scripts/pin-kafka.ts 4.1.2 [--log4j 2.24.3]
import { writeFileSync } from 'node:fs';
import { resolveWithMaven } from '../src/local/maven.ts';

const version = process.argv[2];
if (!version || !/^\d+\.\d+\.\d+$/.test(version)) {
  console.error('usage: node scripts/pin-kafka.ts <kafka-version> [--log4j <version>]');
  process.exit(2);
}
const log4jIndex = process.argv.indexOf('--log4j');
const lock = await resolveWithMaven(version, log4jIndex > 0 ? { log4j: process.argv[log4jIndex + 1]! } : {});
const target = new URL(`../src/local/distributions/${version}.json`, import.meta.url);
writeFileSync(target, JSON.stringify(lock, null, 2) + '\n');
const total = lock.artifacts.reduce((n, a) => n + a.size, 0);
console.log(`pinned Kafka ${version}: ${lock.artifacts.length} jars, ${(total / 1024 / 1024).toFixed(1)} MiB → ${target.pathname}`);
