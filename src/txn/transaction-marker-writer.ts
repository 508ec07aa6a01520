import { ControlRecordType, encodeEndTxnMarkerBatch } from '../protocol/records/control-batch.js';
import type { Clock } from '../util/clock.js';
import { SamsaError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { TxnMarkerWriter } from './transaction-coordinator.js';
import type { TopicPartition } from './transaction-metadata.js';

/** What the writer needs of a partition's `Log`. */
export interface MarkerPartitionLog {
  appendAsLeader(records: Buffer, leaderEpoch: number, origin: 'coordinator'): unknown;
  setHighWatermark(offset: bigint): void;
  readonly logEndOffset: bigint;
}

export interface LocalTxnMarkerWriterOptions {
  /** The partition's log; throws UNKNOWN_TOPIC_OR_PARTITION when there is none. */
  readonly logFor: (topic: string, partition: number) => MarkerPartitionLog;
  /** After a marker is appended (wakes long-polling fetches). */
  readonly onAppended?: (topic: string, partition: number) => void;
  /**
   * After markers reach `__consumer_offsets` partitions: the group coordinator materializes or
   * drops the producer's pending transactional offsets (Kafka's `handleTxnCompletion`).
   */
  readonly onOffsetsTxnCompleted?: (producerId: bigint, partitions: number[], committed: boolean) => void;
  readonly offsetsTopic?: string;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Writes end-transaction markers into local partition logs: what Kafka's
 * `TransactionMarkerChannelManager` sends as WriteTxnMarkers to each partition leader, and what
 * the leader's `ReplicaManager.appendRecords(origin = COORDINATOR)` does with it. On a single node
 * every leader is local, so a marker is one append per partition.
 */
export class LocalTxnMarkerWriter implements TxnMarkerWriter {
  private readonly offsetsTopic: string;

  constructor(private readonly options: LocalTxnMarkerWriterOptions) {
    this.offsetsTopic = options.offsetsTopic ?? '__consumer_offsets';
  }

  async writeMarkers(marker: {
    producerId: bigint;
    producerEpoch: number;
    coordinatorEpoch: number;
    committed: boolean;
    partitions: readonly TopicPartition[];
  }): Promise<Map<string, string>> {
    return this.writeNow(marker);
  }

  /** Synchronous form, for the WriteTxnMarkers handler. */
  writeNow(marker: {
    producerId: bigint;
    producerEpoch: number;
    coordinatorEpoch: number;
    committed: boolean;
    partitions: readonly TopicPartition[];
  }): Map<string, string> {
    const failed = new Map<string, string>();
    const offsetsPartitions: number[] = [];
    const batch = encodeEndTxnMarkerBatch({
      producerId: marker.producerId,
      producerEpoch: marker.producerEpoch,
      marker: {
        type: marker.committed ? ControlRecordType.COMMIT : ControlRecordType.ABORT,
        coordinatorEpoch: marker.coordinatorEpoch,
      },
      timestampMs: BigInt(this.options.clock.nowMs()),
    });
    for (const tp of marker.partitions) {
      try {
        const log = this.options.logFor(tp.topic, tp.partition);
        // The batch is patched in place by the append (offset, epoch): each partition gets a copy.
        log.appendAsLeader(Buffer.from(batch), 0, 'coordinator');
        log.setHighWatermark(log.logEndOffset);
        this.options.onAppended?.(tp.topic, tp.partition);
        if (tp.topic === this.offsetsTopic) offsetsPartitions.push(tp.partition);
      } catch (err) {
        const name = err instanceof SamsaError ? err.kafkaError : 'UNKNOWN_SERVER_ERROR';
        if (!(err instanceof SamsaError)) {
          this.options.logger.error(
            { err, topic: tp.topic, partition: tp.partition },
            'marker append failed',
          );
        }
        failed.set(`${tp.topic}\u0000${tp.partition}`, name);
      }
    }
    if (offsetsPartitions.length > 0) {
      this.options.onOffsetsTxnCompleted?.(marker.producerId, offsetsPartitions, marker.committed);
    }
    return failed;
  }
}
