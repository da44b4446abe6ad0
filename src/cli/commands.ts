// Every command kafkaplane has, declared once: its words, arguments and flags, the command (commands/<name>.ts,
// loaded only when it runs) and its printer (print/). program.ts wires them all the same way; README.md explains it.
// The declarations live in table/ by area; this is the list `kafkaplane --help` shows, in order.
import type { CommandDeclaration } from './declare.ts';
import { ADMIN } from './table/admin.ts';
import { LOCAL } from './table/local.ts';
import { SERVICES } from './table/services.ts';
import { STREAMING } from './table/streaming.ts';

/** The commands that only group others. */
export const COMMAND_GROUPS: Record<string, string> = {
  topics: 'list, describe, create, alter and delete topics (kafka-topics.sh)',
  groups: 'list, describe, reset offsets of and delete consumer groups (kafka-consumer-groups.sh; KIP-848 groups too)',
  cluster: 'the cluster as a whole',
  operator: 'the Kubernetes operator: run it, or install it (CRDs, RBAC, Deployment)',
  perf: "load tests with the flags and output lines of Kafka's kafka-producer-perf-test and kafka-consumer-perf-test",
};

export const COMMANDS: readonly CommandDeclaration<unknown, unknown>[] = [...LOCAL, ...ADMIN, ...STREAMING, ...SERVICES];
