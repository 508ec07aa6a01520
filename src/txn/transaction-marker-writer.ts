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

/** A marker appended at a partition, ending before `nextOffset`. */
export interface MarkerAppended {
  readonly topic: string;
  readonly partition: number;
  readonly nextOffset: bigint;
}

export interface LocalTxnMarkerWriterOptions {
  /** The partition's log; throws UNKNOWN_TOPIC_OR_PARTITION when there is none. */
  readonly logFor: (topic: string, partition: number) => MarkerPartitionLog;
  /**
   * Waits until the appended markers are on their partitions' in-sync replicas (Kafka appends
   * markers with acks=-1); resolves with the error of each `topic\0partition` that did not get
   * there. Without it (a single node) a marker counts once it is appended.
   */
  readonly awaitReplicated?: (appended: readonly MarkerAppended[]) => Promise<Map<string, string>>;
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
    const { failed, appended } = this.append(marker);
    if (this.options.awaitReplicated === undefined || appended.length === 0) return failed;
    for (const [key, error] of await this.options.awaitReplicated(appended)) failed.set(key, error);
    return failed;
  }

  /** Appends the marker at each partition this broker leads; the errors by `topic\0partition`. */
  private append(marker: {
    producerId: bigint;
    producerEpoch: number;
    coordinatorEpoch: number;
    committed: boolean;
    partitions: readonly TopicPartition[];
  }): { failed: Map<string, string>; appended: MarkerAppended[] } {
    const failed = new Map<string, string>();
    const appended: MarkerAppended[] = [];
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
        appended.push({ topic: tp.topic, partition: tp.partition, nextOffset: log.logEndOffset });
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
    return { failed, appended };
  }
}
