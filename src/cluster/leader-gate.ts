/**
 * Cluster mode's guard in front of the ReplicaManager: a Produce or Fetch for a partition this
 * broker does not lead (or while its ZooKeeper session is lost, so it may have been replaced)
 * (and a ListOffsets, DeleteRecords or DescribeProducers, which only a leader answers) gets
 * NOT_LEADER_OR_FOLLOWER, which clients answer by refreshing metadata.
 */
import { SamsaError, UnknownTopicOrPartitionError } from '../util/errors.js';
import type { Partition } from './partition.js';
import {
  type AppendOutcome,
  type FetchOutcome,
  type FetchParams,
  type PartitionAppend,
  ReplicaManager,
  type ReplicaManagerOptions,
} from './replica-manager.js';

export interface Leadership {
  /** undefined when this broker may serve the partition as leader, else the error to answer. */
  leaderError(topic: string, partition: number): SamsaError | undefined;
}

export class LeaderGatedReplicaManager extends ReplicaManager {
  constructor(
    private readonly leadership: Leadership,
    options: ReplicaManagerOptions,
  ) {
    super(options);
  }

  override append(
    entries: readonly PartitionAppend[],
    requiredAcks = 1,
  ): AppendOutcome[] | Promise<AppendOutcome[]> {
    const errors = entries.map((e) => this.leadership.leaderError(e.topic, e.partition));
    const allowed = entries.filter((_, i) => errors[i] === undefined);
    const merge = (appended: AppendOutcome[]): AppendOutcome[] => {
      let next = 0;
      return errors.map((error) => (error ? { ok: false, error } : appended[next++]!));
    };
    const appended = super.append(allowed, requiredAcks);
    return appended instanceof Promise ? appended.then(merge) : merge(appended);
  }

  override leaderPartition(topic: string, partition: number, currentLeaderEpoch?: number): Partition {
    const error = this.leadership.leaderError(topic, partition);
    if (error) throw error;
    return super.leaderPartition(topic, partition, currentLeaderEpoch);
  }

  override async fetch(params: FetchParams): Promise<FetchOutcome[]> {
    const errors = params.partitions.map((p) => this.leadership.leaderError(p.topic, p.partition));
    if (errors.every((e) => e === undefined)) return super.fetch(params);
    // Errors are answered at once, as Kafka does, with whatever the other partitions have now.
    const allowed = params.partitions.filter((_, i) => errors[i] === undefined);
    const read =
      allowed.length > 0 ? await super.fetch({ ...params, partitions: allowed, maxWaitMs: 0 }) : [];
    let next = 0;
    return errors.map((error) => (error ? { ok: false, error } : read[next++]!));
  }
}

/** The Kafka error for a partition this broker cannot serve as leader. */
export function notLeaderError(topic: string, partition: number, exists: boolean): SamsaError {
  if (!exists) return new UnknownTopicOrPartitionError(`${topic}-${partition} does not exist`);
  return new SamsaError('NOT_LEADER_OR_FOLLOWER', `this broker is not the leader of ${topic}-${partition}`);
}
