/**
 * The coordinator's store: which groups exist, which `__consumer_offsets` partitions this broker
 * owns and whether they are still loading, writing group metadata and offsets to the log, loading
 * them back by replaying it, and expiring old offsets (Kafka's `GroupMetadataManager.scala`).
 */
import type { GroupMetadataValueData } from '../protocol/internal/group-metadata-records.js';
import type { Clock } from '../util/clock.js';
import { SamsaError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { Group, parseConsumerSubscriptionTopics } from './group.js';
import { MemberMetadata } from './member.js';
import {
  type CoordinatorRecord,
  decodeCoordinatorRecord,
  groupMetadataRecord,
  type OffsetsLog,
  offsetCommitRecord,
  type TxnProducer,
} from './offsets-log.js';
import type {
  GroupErrorName,
  OffsetAndMetadata,
  OffsetFetchPartitionResult,
  TopicPartitionKey,
} from './types.js';

export interface GroupMetadataManagerConfig {
  /** `offsets.topic.num.partitions` (50). */
  readonly offsetsTopicNumPartitions: number;
  /** `offsets.retention.minutes` in ms (7 days). */
  readonly offsetsRetentionMs: number;
}

/** Java's String.hashCode over UTF-16 code units, as an int32. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * Kafka's `Utils.abs(key.hashCode) % partitions` (GroupMetadataManager and TransactionStateManager
 * `partitionFor`). Utils.abs is Math.abs with Integer.MIN_VALUE mapped to 0; it is not the sign-bit
 * mask (`Utils.toPositive`) the producer's partitioner uses, which picks another partition for
 * every negative hash code.
 */
export function partitionForKey(key: string, numPartitions: number): number {
  const hash = javaStringHashCode(key);
  return (hash === -0x80000000 ? 0 : Math.abs(hash)) % numPartitions;
}

/** Offsets a transaction committed but has not yet completed: group → `topic\0partition` → offset. */
type PendingTxnOffsets = Map<string, Map<string, [string, number, OffsetAndMetadata]>>;

export class GroupMetadataManager {
  readonly groups = new Map<string, Group>();
  /**
   * TxnOffsetCommit offsets by producer id, invisible until the producer's COMMIT marker reaches
   * the group's partition (Kafka's `pendingTransactionalOffsetCommits`).
   */
  private readonly pendingTxnOffsets = new Map<bigint, PendingTxnOffsets>();
  private readonly owned = new Set<number>();
  private readonly loading = new Set<number>();

  constructor(
    readonly config: GroupMetadataManagerConfig,
    private readonly log: OffsetsLog,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  partitionFor(groupId: string): number {
    return partitionForKey(groupId, this.config.offsetsTopicNumPartitions);
  }

  isGroupLocal(groupId: string): boolean {
    return this.owned.has(this.partitionFor(groupId));
  }

  isGroupLoading(groupId: string): boolean {
    return this.loading.has(this.partitionFor(groupId));
  }

  get isLoading(): boolean {
    return this.loading.size > 0;
  }

  getGroup(groupId: string): Group | undefined {
    return this.groups.get(groupId);
  }

  addGroup(group: Group): Group {
    const existing = this.groups.get(group.groupId);
    if (existing !== undefined) return existing;
    group.subscriptionParser = parseConsumerSubscriptionTopics;
    this.groups.set(group.groupId, group);
    return group;
  }

  removeGroup(group: Group): void {
    if (this.groups.get(group.groupId) === group) this.groups.delete(group.groupId);
  }

  /** Not in the cache, and its partition is loaded here (so "does not exist" is an answer). */
  groupNotExists(groupId: string): boolean {
    return this.isGroupLocal(groupId) && !this.isGroupLoading(groupId) && !this.groups.has(groupId);
  }

  // -- loading

  /**
   * Takes ownership of a partition and replays it: the latest record per key wins, tombstones
   * delete. Groups with members come back Stable, others Empty (GroupMetadataManager.loadGroup).
   */
  async loadPartition(partition: number, onGroupLoaded: (group: Group) => void): Promise<void> {
    this.owned.add(partition);
    this.loading.add(partition);
    try {
      const offsets = new Map<string, Map<string, [string, number, OffsetAndMetadata]>>();
      const groupValues = new Map<string, GroupMetadataValueData | null>();
      // Transactional offsets wait for their producer's marker, as Kafka's loadGroupsAndOffsets does.
      const pending = new Map<bigint, PendingTxnOffsets>();
      for await (const record of this.log.replay(partition)) {
        if ('marker' in record) {
          const txn = pending.get(record.producerId);
          pending.delete(record.producerId);
          if (record.marker !== 'commit' || txn === undefined) continue;
          for (const [groupId, entries] of txn) {
            let g = offsets.get(groupId);
            if (g === undefined) offsets.set(groupId, (g = new Map()));
            for (const [k, v] of entries) g.set(k, v);
          }
          continue;
        }
        let r: ReturnType<typeof decodeCoordinatorRecord>;
        try {
          r = decodeCoordinatorRecord(record);
        } catch (err) {
          this.logger.warn({ partition, err }, 'skipping an undecodable __consumer_offsets record');
          continue;
        }
        if (r.type === 'offset' && record.producerId !== undefined) {
          if (r.value === null) continue;
          let txn = pending.get(record.producerId);
          if (txn === undefined) pending.set(record.producerId, (txn = new Map()));
          let g = txn.get(r.groupId);
          if (g === undefined) txn.set(r.groupId, (g = new Map()));
          g.set(`${r.topic}\u0000${r.partition}`, [r.topic, r.partition, r.value]);
        } else if (r.type === 'offset') {
          let g = offsets.get(r.groupId);
          if (g === undefined) offsets.set(r.groupId, (g = new Map()));
          const k = `${r.topic}\u0000${r.partition}`;
          if (r.value === null) g.delete(k);
          else g.set(k, [r.topic, r.partition, r.value]);
        } else if (r.type === 'group') {
          groupValues.set(r.groupId, r.value);
        }
      }
      const groupIds = new Set([...offsets.keys(), ...groupValues.keys()]);
      for (const groupId of groupIds) {
        // Records of a group outside its partition were written under an earlier partition mapping
        // (the sign-bit mask): they never replace what the group's own partition loaded, which is newer.
        if (this.partitionFor(groupId) !== partition && this.groups.has(groupId)) continue;
        const value = groupValues.get(groupId) ?? null;
        const groupOffsets = offsets.get(groupId);
        if (value === null && (groupOffsets === undefined || groupOffsets.size === 0)) continue;
        const group = this.buildLoadedGroup(groupId, value);
        for (const [topic, p, o] of groupOffsets?.values() ?? []) group.putOffset(topic, p, o);
        this.groups.set(groupId, group);
        onGroupLoaded(group);
      }
      // Transactions still open: their markers come later, from the transaction coordinator.
      for (const [producerId, txn] of pending) {
        for (const [groupId, entries] of txn) {
          for (const [topic, p, o] of entries.values())
            this.addPendingTxnOffset(producerId, groupId, topic, p, o);
        }
      }
      this.logger.debug({ partition, groups: groupIds.size }, 'loaded __consumer_offsets partition');
    } finally {
      this.loading.delete(partition);
    }
  }

  private buildLoadedGroup(groupId: string, value: GroupMetadataValueData | null): Group {
    const now = this.clock.nowMs();
    if (value === null) {
      const g = new Group(groupId, 'Empty', now);
      g.subscriptionParser = parseConsumerSubscriptionTopics;
      return g;
    }
    const state = value.members.length > 0 ? 'Stable' : 'Empty';
    const stamp = value.currentStateTimestamp >= 0n ? Number(value.currentStateTimestamp) : now;
    const group = new Group(groupId, state, stamp);
    group.subscriptionParser = parseConsumerSubscriptionTopics;
    group.generationId = value.generation;
    group.protocolType = value.protocolType === '' ? null : value.protocolType;
    group.protocolName = value.protocol;
    for (const m of value.members) {
      const member = new MemberMetadata(
        m.memberId,
        m.groupInstanceId,
        m.clientId,
        m.clientHost,
        // GroupMetadataValue v0 has no rebalance timeout: Kafka used the session timeout.
        m.rebalanceTimeout > 0 ? m.rebalanceTimeout : m.sessionTimeout,
        m.sessionTimeout,
        value.protocolType,
        value.protocol === null ? [] : [{ name: value.protocol, metadata: m.subscription }],
      );
      member.assignment = m.assignment;
      group.add(member, null);
    }
    group.leaderId = value.leader;
    if (state === 'Stable' && group.protocolName !== null) {
      const topics = new Set<string>();
      let known = group.protocolType === 'consumer';
      for (const m of value.members) {
        const t = parseConsumerSubscriptionTopics(m.subscription);
        if (t === null) known = false;
        else for (const x of t) topics.add(x);
      }
      group.subscribedTopics = known ? topics : null;
    }
    return group;
  }

  /** Gives up a partition's groups (partition emigration, shutdown). */
  unloadPartition(partition: number, onGroupUnloaded: (group: Group) => void): void {
    this.owned.delete(partition);
    for (const group of [...this.groups.values()]) {
      if (this.partitionFor(group.groupId) !== partition) continue;
      onGroupUnloaded(group);
      this.groups.delete(group.groupId);
    }
  }

  // -- writes

  /** Writes the group's metadata with the given assignment (GroupMetadataManager.storeGroup). */
  async storeGroup(group: Group, assignment: ReadonlyMap<string, Buffer>): Promise<GroupErrorName> {
    const protocol = group.protocolName;
    const value = {
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol,
      leader: group.leaderId,
      currentStateTimestamp: BigInt(group.currentStateTimestampMs ?? -1),
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: protocol === null ? Buffer.alloc(0) : m.metadata(protocol),
        assignment: assignment.get(m.memberId) ?? Buffer.alloc(0),
      })),
    };
    return this.append(group.groupId, [groupMetadataRecord(group.groupId, value)], storeGroupError);
  }

  /** Writes offset commits; on success they become visible to OffsetFetch. */
  async storeOffsets(
    group: Group,
    commits: readonly (TopicPartitionKey & { readonly value: OffsetAndMetadata })[],
  ): Promise<GroupErrorName> {
    if (commits.length === 0) return 'NONE';
    const records = commits.map((c) => offsetCommitRecord(group.groupId, c.topic, c.partition, c.value));
    const error = await this.append(group.groupId, records, storeOffsetsError);
    if (error === 'NONE') for (const c of commits) group.putOffset(c.topic, c.partition, c.value);
    return error;
  }

  /**
   * TxnOffsetCommit: writes the offsets as a transactional batch of the producer; they stay pending
   * until `handleTxnCompletion` (Kafka's `storeOffsets` with a producer id).
   */
  async storeTxnOffsets(
    group: Group,
    producerId: bigint,
    producerEpoch: number,
    commits: readonly (TopicPartitionKey & { readonly value: OffsetAndMetadata })[],
  ): Promise<GroupErrorName> {
    if (commits.length === 0) return 'NONE';
    const records = commits.map((c) => offsetCommitRecord(group.groupId, c.topic, c.partition, c.value));
    const error = await this.append(group.groupId, records, storeOffsetsError, { producerId, producerEpoch });
    if (error === 'NONE') {
      for (const c of commits)
        this.addPendingTxnOffset(producerId, group.groupId, c.topic, c.partition, c.value);
    }
    return error;
  }

  private addPendingTxnOffset(
    producerId: bigint,
    groupId: string,
    topic: string,
    partition: number,
    value: OffsetAndMetadata,
  ): void {
    let txn = this.pendingTxnOffsets.get(producerId);
    if (txn === undefined) this.pendingTxnOffsets.set(producerId, (txn = new Map()));
    let g = txn.get(groupId);
    if (g === undefined) txn.set(groupId, (g = new Map()));
    g.set(`${topic}\u0000${partition}`, [topic, partition, value]);
  }

  /**
   * A transaction marker reached `__consumer_offsets` partitions: the producer's pending offsets of
   * groups there become committed (COMMIT) or are dropped (ABORT) — Kafka's `handleTxnCompletion`.
   */
  handleTxnCompletion(producerId: bigint, partitions: readonly number[], committed: boolean): void {
    const txn = this.pendingTxnOffsets.get(producerId);
    if (txn === undefined) return;
    const completed = new Set(partitions);
    for (const [groupId, entries] of txn) {
      if (!completed.has(this.partitionFor(groupId))) continue;
      txn.delete(groupId);
      if (!committed) continue;
      const group =
        this.groups.get(groupId) ?? this.addGroup(new Group(groupId, 'Empty', this.clock.nowMs()));
      for (const [topic, p, o] of entries.values()) group.putOffset(topic, p, o);
    }
    if (txn.size === 0) this.pendingTxnOffsets.delete(producerId);
  }

  /**
   * Removes offsets chosen by `select` from each group, writes their tombstones, and for groups left
   * Empty with no offsets also their metadata tombstone (the group is then Dead and dropped).
   * Returns how many offsets were removed (GroupMetadataManager.cleanupGroupMetadata).
   */
  async cleanupGroupMetadata(
    groups: Iterable<Group>,
    select: (group: Group) => TopicPartitionKey[],
  ): Promise<number> {
    let removed = 0;
    const now = this.clock.nowMs();
    for (const group of [...groups]) {
      const records: CoordinatorRecord[] = [];
      for (const tp of select(group)) {
        if (group.removeOffset(tp.topic, tp.partition)) removed++;
        records.push(offsetCommitRecord(group.groupId, tp.topic, tp.partition, null));
      }
      if (group.is('Empty') && !group.hasOffsets) {
        group.transitionTo('Dead', now);
        this.removeGroup(group);
        // A generation-0 group only stored offsets and never wrote metadata.
        if (group.generationId > 0) records.push(groupMetadataRecord(group.groupId, null));
      } else if (group.is('Dead')) {
        this.removeGroup(group);
        if (group.generationId > 0) records.push(groupMetadataRecord(group.groupId, null));
      }
      if (records.length > 0) {
        const error = await this.append(group.groupId, records, storeOffsetsError);
        if (error !== 'NONE')
          this.logger.warn({ groupId: group.groupId, error }, 'failed to write tombstones');
      }
    }
    return removed;
  }

  /**
   * Offsets due to expire (GroupMetadata.removeExpiredOffsets, KIP-211): for an Empty group counted
   * from when it became Empty; for a group without a protocol type (offsets only) from each commit;
   * for a Stable consumer group only offsets of topics no member subscribes to any more. An explicit
   * expire timestamp (OffsetCommit v1-v4 retention time) wins.
   */
  expiredOffsets(group: Group, nowMs: number): TopicPartitionKey[] {
    let base: ((o: OffsetAndMetadata) => number) | null = null;
    let subscribed: ReadonlySet<string> = new Set();
    if (group.protocolType === null) {
      base = (o) => o.commitTimestampMs;
    } else if (group.is('Empty')) {
      const stamp = group.currentStateTimestampMs;
      base = (o) => stamp ?? o.commitTimestampMs;
    } else if (group.is('Stable') && group.subscribedTopics !== null) {
      base = (o) => o.commitTimestampMs;
      subscribed = group.subscribedTopics;
    }
    if (base === null) return [];
    const out: TopicPartitionKey[] = [];
    for (const [topic, partition, o] of group.allOffsets()) {
      if (subscribed.has(topic)) continue;
      const expired =
        o.expireTimestampMs >= 0
          ? nowMs >= o.expireTimestampMs
          : nowMs - base(o) >= this.config.offsetsRetentionMs;
      if (expired) out.push({ topic, partition });
    }
    return out;
  }

  getOffsets(
    group: Group | undefined,
    partitions: readonly TopicPartitionKey[] | null,
    requireStable = false,
  ): OffsetFetchPartitionResult[] {
    const results =
      partitions === null
        ? group === undefined
          ? []
          : [...group.allOffsets()].map(([topic, partition, o]) => found(topic, partition, o))
        : partitions.map(({ topic, partition }) => {
            const o = group?.offset(topic, partition);
            return o === undefined
              ? { topic, partition, offset: -1n, leaderEpoch: -1, metadata: '', error: 'NONE' }
              : found(topic, partition, o);
          });
    if (!requireStable || group === undefined) return results;
    // KIP-447: a consumer that asks for stable offsets must not start from an offset that an open
    // transaction is about to replace; it retries on UNSTABLE_OFFSET_COMMIT.
    return results.map((r) =>
      this.hasPendingTxnOffset(group.groupId, r.topic, r.partition)
        ? { ...r, offset: -1n, leaderEpoch: -1, metadata: '', error: 'UNSTABLE_OFFSET_COMMIT' }
        : r,
    );
  }

  /** True while a transaction has committed an offset for the partition that is not yet complete. */
  hasPendingTxnOffset(groupId: string, topic: string, partition: number): boolean {
    const key = `${topic}\u0000${partition}`;
    for (const txn of this.pendingTxnOffsets.values()) if (txn.get(groupId)?.has(key)) return true;
    return false;
  }

  private async append(
    groupId: string,
    records: readonly CoordinatorRecord[],
    mapError: (name: string) => GroupErrorName,
    txn?: TxnProducer,
  ): Promise<GroupErrorName> {
    try {
      await this.log.append(this.partitionFor(groupId), records, txn);
      return 'NONE';
    } catch (err) {
      const name = err instanceof SamsaError ? err.kafkaError : 'UNKNOWN_SERVER_ERROR';
      if (!(err instanceof SamsaError))
        this.logger.error({ groupId, err }, 'append to __consumer_offsets failed');
      return mapError(name);
    }
  }
}

function found(topic: string, partition: number, o: OffsetAndMetadata): OffsetFetchPartitionResult {
  return {
    topic,
    partition,
    offset: o.offset,
    leaderEpoch: o.leaderEpoch,
    metadata: o.metadata,
    error: 'NONE',
  };
}

/**
 * How a coordinator reports a failed write to its partition, as Kafka's GroupMetadataManager and
 * TransactionStateManager map the append's error: the partition missing or too few in-sync replicas
 * is COORDINATOR_NOT_AVAILABLE (the client retries), a lost leadership NOT_COORDINATOR (it looks
 * the coordinator up again); a timeout and a batch too large are each coordinator's own.
 */
export function coordinatorAppendError(
  name: string,
  mapped: { readonly timedOut: string; readonly tooLarge: string; readonly tooLargeNames: readonly string[] },
): string {
  switch (name) {
    case 'UNKNOWN_TOPIC_OR_PARTITION':
    case 'NOT_ENOUGH_REPLICAS':
    case 'NOT_ENOUGH_REPLICAS_AFTER_APPEND':
      return 'COORDINATOR_NOT_AVAILABLE';
    case 'NOT_LEADER_OR_FOLLOWER':
    case 'KAFKA_STORAGE_ERROR':
      return 'NOT_COORDINATOR';
    case 'REQUEST_TIMED_OUT':
      return mapped.timedOut;
    default:
      return mapped.tooLargeNames.includes(name) ? mapped.tooLarge : name;
  }
}

const GROUP_TOO_LARGE = ['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_FETCH_SIZE'];

/** How a failed group write is reported to members (GroupMetadataManager.storeGroup). */
function storeGroupError(name: string): GroupErrorName {
  return coordinatorAppendError(name, {
    timedOut: 'REBALANCE_IN_PROGRESS',
    tooLarge: 'UNKNOWN_SERVER_ERROR',
    tooLargeNames: GROUP_TOO_LARGE,
  });
}

/** How a failed offset write is reported (GroupMetadataManager.storeOffsets). */
function storeOffsetsError(name: string): GroupErrorName {
  return coordinatorAppendError(name, {
    timedOut: 'COORDINATOR_NOT_AVAILABLE',
    tooLarge: 'INVALID_COMMIT_OFFSET_SIZE',
    tooLargeNames: GROUP_TOO_LARGE,
  });
}
