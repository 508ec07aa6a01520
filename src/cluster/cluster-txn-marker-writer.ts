/**
 * Transaction markers in a cluster (Kafka's `TransactionMarkerChannelManager`): each partition's
 * marker goes to its leader, written locally when that is this broker and sent as WriteTxnMarkers
 * otherwise. A partition without a reachable leader reports an error, and the coordinator retries
 * the transaction's completion later.
 */
import { errorNameOf } from '../protocol/errors.js';
import { WriteTxnMarkers } from '../protocol/messages/write-txn-markers.js';
import type { TxnMarkerWriter } from '../txn/transaction-coordinator.js';
import type { LocalTxnMarkerWriter } from '../txn/transaction-marker-writer.js';
import type { TopicPartition } from '../txn/transaction-metadata.js';
import type { Logger } from '../util/logger.js';
import type { BrokerConnections } from './broker-connections.js';
import type { ClusterMetadata } from './cluster-metadata.js';

type Marker = Parameters<TxnMarkerWriter['writeMarkers']>[0];

interface WriteTxnMarkersResponse {
  markers: { topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[] }[];
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class ClusterTxnMarkerWriter implements TxnMarkerWriter {
  constructor(
    private readonly local: LocalTxnMarkerWriter,
    private readonly cluster: ClusterMetadata,
    private readonly peers: BrokerConnections,
    private readonly logger: Logger,
  ) {}

  async writeMarkers(marker: Marker): Promise<Map<string, string>> {
    const byLeader = new Map<number, TopicPartition[]>();
    const failed = new Map<string, string>();
    for (const tp of marker.partitions) {
      const state = this.cluster.partitionState(tp.topic, tp.partition);
      if (!state) {
        failed.set(key(tp.topic, tp.partition), 'UNKNOWN_TOPIC_OR_PARTITION');
        continue;
      }
      if (state.leader < 0) {
        failed.set(key(tp.topic, tp.partition), 'NOT_LEADER_OR_FOLLOWER');
        continue;
      }
      const list = byLeader.get(state.leader) ?? [];
      list.push(tp);
      byLeader.set(state.leader, list);
    }
    await Promise.all(
      [...byLeader].map(async ([leader, partitions]) => {
        const part = { ...marker, partitions };
        const result =
          leader === this.cluster.brokerId
            ? await this.local.writeMarkers(part)
            : await this.sendTo(leader, part);
        for (const [k, v] of result) failed.set(k, v);
      }),
    );
    return failed;
  }

  private async sendTo(leader: number, marker: Marker): Promise<Map<string, string>> {
    const failed = new Map<string, string>();
    const topics = new Map<string, number[]>();
    for (const tp of marker.partitions) topics.set(tp.topic, [...(topics.get(tp.topic) ?? []), tp.partition]);
    try {
      const response = await this.peers.send<WriteTxnMarkersResponse>(leader, WriteTxnMarkers, {
        markers: [
          {
            producerId: marker.producerId,
            producerEpoch: marker.producerEpoch,
            transactionResult: marker.committed,
            coordinatorEpoch: marker.coordinatorEpoch,
            topics: [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
          },
        ],
      });
      for (const t of response.markers[0]?.topics ?? []) {
        for (const p of t.partitions) {
          if (p.errorCode !== 0) failed.set(key(t.name, p.partitionIndex), errorNameOf(p.errorCode));
        }
      }
    } catch (err) {
      this.logger.warn({ leader, err: (err as Error).message }, 'WriteTxnMarkers to leader failed');
      for (const tp of marker.partitions) failed.set(key(tp.topic, tp.partition), 'NOT_LEADER_OR_FOLLOWER');
    }
    return failed;
  }
}
