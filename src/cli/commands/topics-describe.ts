import { KafkaplaneError } from '../../errors.ts';
import { withAdmin } from '../../kafka/admin-session.ts';
import { requireTopics } from '../../kafka/metadata.ts';
import type { DescribedPartition, TopicsDescription } from '../../kafka/topics.ts';
import { isAtMinIsr, isUnavailable, isUnderMinIsr, isUnderReplicated } from '../../model/partition-health.ts';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { type TopicSelectionFlags, topicSelector } from '../topic-args.ts';

export interface DescribeFlags extends ConnectionFlags, TopicSelectionFlags {
  topics: string[];
  underReplicatedPartitions?: boolean;
  underMinIsrPartitions?: boolean;
  atMinIsrPartitions?: boolean;
  unavailablePartitions?: boolean;
  topicsWithOverrides?: boolean;
  ifExists?: boolean;
}

export interface PartitionReport extends DescribedPartition {
  underReplicated: boolean;
  underMinIsr: boolean;
  atMinIsr: boolean;
  unavailable: boolean;
}

export interface TopicReport {
  name: string;
  id: string;
  internal: boolean;
  partitionCount: number;
  replicationFactor: number;
  minIsr: number;
  configs: Record<string, string | null>;
  configSources: Record<string, string>;
  partitions: PartitionReport[];
}

export interface TopicsDescribeReport {
  topics: TopicReport[];
  /** Only partitions matching a --*-partitions filter are listed (kafka-topics then prints no topic lines). */
  filtered: boolean;
}

/** `kafkaplane topics describe`: partitions with leader, replicas, ISR and ELR, and config overrides. */
export async function topicsDescribe(flags: DescribeFlags): Promise<TopicsDescribeReport> {
  const select = topicSelector(flags.topics, flags);
  const config = await resolveConnection(flags);
  const { describeTopics } = await import('../../kafka/topics.ts');
  const description = await withAdmin(config, (admin) => describeTopics(admin, select), { probe: true });
  if (!flags.ifExists) {
    requireTopics(description.metadata, flags.topics);
    if (flags.topic !== undefined && description.topics.length === 0) {
      throw new KafkaplaneError('UNKNOWN_TOPIC', `no topic matches --topic '${flags.topic}'`, {
        hint: 'list the topics with `kafkaplane topics list` (add --include-internal for internal ones), or pass --if-exists',
      });
    }
  }
  const filtered = Boolean(flags.underReplicatedPartitions || flags.underMinIsrPartitions || flags.atMinIsrPartitions || flags.unavailablePartitions);
  return { topics: describeReport(description, flags, filtered), filtered };
}

function describeReport(description: TopicsDescription, flags: DescribeFlags, filtering: boolean): TopicReport[] {
  const live = new Set(description.liveBrokers);
  return description.topics
    .map((t) => {
      const partitions: PartitionReport[] = t.partitions.map((p) => {
        const state = { leader: p.leader, replicas: p.replicas, isr: p.isr, adding: p.adding, removing: p.removing };
        return { ...p, underReplicated: isUnderReplicated(state), underMinIsr: isUnderMinIsr(state, t.minIsr), atMinIsr: isAtMinIsr(state, t.minIsr), unavailable: isUnavailable(state, live) };
      });
      const shown = filtering
        ? partitions.filter(
            (p) =>
              (flags.underReplicatedPartitions && p.underReplicated) ||
              (flags.underMinIsrPartitions && p.underMinIsr) ||
              (flags.atMinIsrPartitions && p.atMinIsr) ||
              (flags.unavailablePartitions && p.unavailable),
          )
        : partitions;
      const overrides = t.configs.filter((c) => !c.isDefault);
      return {
        name: t.name,
        id: t.id,
        internal: t.internal,
        partitionCount: t.partitions.length,
        replicationFactor: t.replicationFactor,
        minIsr: t.minIsr,
        configs: Object.fromEntries(overrides.map((c) => [c.name, c.sensitive ? null : c.value])),
        configSources: Object.fromEntries(overrides.map((c) => [c.name, c.source])),
        partitions: flags.topicsWithOverrides ? [] : shown,
      };
    })
    .filter((t) => (flags.topicsWithOverrides ? Object.keys(t.configs).length > 0 : !filtering || t.partitions.length > 0));
}
