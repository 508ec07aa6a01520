import type { BrokerServices } from '../broker/services.js';
import type {
  ClusterSnapshot,
  GroupOffsetSnapshot,
  MetricsSources,
  PartitionSnapshot,
} from './broker-metrics.js';

export interface ServiceSourceOptions {
  /** Open connections per listener name. */
  readonly connections: () => readonly { readonly listener: string; readonly count: number }[];
  /** The cluster's view; a single node is its own controller with nothing under-replicated. */
  readonly cluster?: () => ClusterSnapshot;
}

const SINGLE_NODE_CLUSTER: ClusterSnapshot = {
  activeController: true,
  underReplicatedPartitions: 0,
  offlinePartitions: 0,
  isrShrinks: 0,
  isrExpands: 0,
};

/** The broker's services seen as plain values for the scrape. */
export function serviceMetricsSources(
  services: BrokerServices,
  options: ServiceSourceOptions,
): MetricsSources {
  return {
    *topics(): Iterable<string> {
      for (const topic of services.topics.list()) yield topic.name;
    },
    *partitions(): Iterable<PartitionSnapshot> {
      for (const log of services.logs.all()) {
        yield {
          topic: log.topic,
          partition: log.partition,
          sizeBytes: log.sizeInBytes,
          logStartOffset: log.logStartOffset,
          logEndOffset: log.logEndOffset,
          highWatermark: log.highWatermark,
          segments: log.numberOfSegments,
        };
      }
    },
    connections: options.connections,
    purgatory: () => ({
      fetch: services.replicas.waitingFetches,
      produce: services.replicas.delayedProduces,
    }),
    groups: () => {
      const listed = services.groups?.listGroups();
      return listed ? listed.groups.map((g) => ({ groupId: g.groupId, state: g.state })) : [];
    },
    groupOffsets: (groupId): GroupOffsetSnapshot[] => {
      const fetched = services.groups?.fetchOffsets(groupId, null);
      if (fetched?.error !== 'NONE') return [];
      return fetched.partitions
        .filter((p) => p.offset >= 0n)
        .map((p) => ({
          topic: p.topic,
          partition: p.partition,
          committedOffset: p.offset,
          highWatermark: services.logs.get(p.topic, p.partition)?.highWatermark ?? -1n,
        }));
    },
    transactionStates: () => {
      const listed = services.txn?.listTransactions([], []);
      return listed ? listed.transactions.map((t) => t.state) : [];
    },
    cluster:
      options.cluster ??
      (() => ({
        ...SINGLE_NODE_CLUSTER,
        underReplicatedPartitions: services.replicas.underReplicatedPartitions,
        isrShrinks: services.replicas.isrChanges.shrink,
        isrExpands: services.replicas.isrChanges.expand,
      })),
  };
}
