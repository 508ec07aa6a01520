/**
 * Kafka's classic group coordinator (apache/kafka `core/.../coordinator/group/GroupCoordinator.scala`,
 * 3.x behaviour): membership (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, static members), the
 * rebalance timers, and offset commit/fetch/delete over `GroupMetadataManager`. Plain domain objects
 * in and out; the handlers own the wire.
 *
 * Everything runs on the event loop, so a group needs no lock; the only suspension points are log
 * appends, after which the state is re-checked (the group may have moved on meanwhile), as Kafka's
 * append callbacks do.
 */
import { type Clock, systemClock } from '../util/clock.js';
import { type Logger, silentLogger } from '../util/logger.js';
import { Group } from './group.js';
import { type GroupApi, GroupMembership } from './group-membership.js';
import { GroupMetadataManager } from './group-metadata-manager.js';
import { type GroupState, parseGroupState } from './group-state.js';
import type { OffsetsLog } from './offsets-log.js';
import { systemTimer, type Timer } from './timer.js';
import type {
  GroupDescription,
  GroupErrorName,
  HeartbeatParams,
  JoinGroupParams,
  JoinGroupResult,
  LeaveGroupResult,
  LeavingMember,
  ListGroupsResult,
  OffsetAndMetadata,
  OffsetCommitParams,
  OffsetFetchResult,
  PartitionResult,
  SyncGroupParams,
  SyncGroupResult,
  TopicPartitionKey,
} from './types.js';

export interface GroupCoordinatorConfig {
  readonly brokerId: number;
  /** `offsets.topic.num.partitions` (50). */
  readonly offsetsTopicNumPartitions: number;
  /** `offsets.retention.minutes` (10080), in ms. */
  readonly offsetsRetentionMs: number;
  /** `offsets.retention.check.interval.ms` (600000). */
  readonly offsetsRetentionCheckIntervalMs: number;
  /** `offset.metadata.max.bytes` (4096). */
  readonly offsetMetadataMaxBytes: number;
  /** `group.initial.rebalance.delay.ms` (3000). */
  readonly groupInitialRebalanceDelayMs: number;
  /** `group.min.session.timeout.ms` (6000) and `group.max.session.timeout.ms` (1800000). */
  readonly groupMinSessionTimeoutMs: number;
  readonly groupMaxSessionTimeoutMs: number;
  /** `group.max.size` (Integer.MAX_VALUE). */
  readonly groupMaxSize: number;
}

export const DEFAULT_GROUP_COORDINATOR_CONFIG: GroupCoordinatorConfig = Object.freeze({
  brokerId: 0,
  offsetsTopicNumPartitions: 50,
  offsetsRetentionMs: 10080 * 60_000,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetMetadataMaxBytes: 4096,
  groupInitialRebalanceDelayMs: 3000,
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 1_800_000,
  groupMaxSize: 2_147_483_647,
});

export interface GroupCoordinatorOptions {
  readonly config: GroupCoordinatorConfig;
  readonly offsetsLog: OffsetsLog;
  readonly clock?: Clock;
  readonly timer?: Timer;
  readonly logger?: Logger;
}

const EMPTY = Buffer.alloc(0);

export class GroupCoordinator {
  readonly config: GroupCoordinatorConfig;
  readonly manager: GroupMetadataManager;
  private readonly clock: Clock;
  private readonly timer: Timer;
  private readonly logger: Logger;
  private active = false;
  private expiryTask: { cancel(): void } | null = null;
  private readonly membership: GroupMembership;

  constructor(options: GroupCoordinatorOptions) {
    this.config = options.config;
    this.clock = options.clock ?? systemClock;
    this.timer = options.timer ?? systemTimer;
    this.logger = options.logger ?? silentLogger();
    this.manager = new GroupMetadataManager(
      {
        offsetsTopicNumPartitions: this.config.offsetsTopicNumPartitions,
        offsetsRetentionMs: this.config.offsetsRetentionMs,
      },
      options.offsetsLog,
      this.clock,
      this.logger,
    );
    this.membership = new GroupMembership(
      this.config,
      this.manager,
      (groupId, api) => this.validateGroupStatus(groupId, api),
      this.clock,
      this.timer,
      this.logger,
    );
  }

  /**
   * Becomes coordinator for every `__consumer_offsets` partition (single node) and loads them.
   * Requests for a group answer COORDINATOR_LOAD_IN_PROGRESS until its partition is loaded.
   */
  async startup(partitions?: readonly number[]): Promise<void> {
    this.active = true;
    const all = partitions ?? Array.from({ length: this.config.offsetsTopicNumPartitions }, (_, i) => i);
    for (const p of all) await this.manager.loadPartition(p, (g) => this.membership.onGroupLoaded(g));
    this.scheduleExpiry();
  }

  /** Cluster mode: this broker now leads `__consumer_offsets` partition `partition`; loads its groups. */
  async onElection(partition: number): Promise<void> {
    await this.manager.loadPartition(partition, (g) => this.membership.onGroupLoaded(g));
  }

  /** Cluster mode: another broker leads the partition now; its groups answer NOT_COORDINATOR here. */
  onResignation(partition: number): void {
    this.manager.unloadPartition(partition, (g) => this.membership.onGroupUnloaded(g));
  }

  /** Stops the timers and answers parked requests with NOT_COORDINATOR. */
  shutdown(): void {
    this.active = false;
    this.expiryTask?.cancel();
    this.expiryTask = null;
    for (let p = 0; p < this.config.offsetsTopicNumPartitions; p++) {
      this.manager.unloadPartition(p, (g) => this.membership.onGroupUnloaded(g));
    }
  }

  get isActive(): boolean {
    return this.active;
  }

  /** The `__consumer_offsets` partition that holds a group: abs(hashCode) % partitions. */
  partitionFor(groupId: string): number {
    return this.manager.partitionFor(groupId);
  }

  // ---------------------------------------------------------------------------------- membership

  joinGroup(p: JoinGroupParams & { readonly supportsSkipAssignment?: boolean }): Promise<JoinGroupResult> {
    return this.membership.joinGroup(p);
  }

  syncGroup(p: SyncGroupParams): Promise<SyncGroupResult> {
    return this.membership.syncGroup(p);
  }

  heartbeat(p: HeartbeatParams): GroupErrorName {
    return this.membership.heartbeat(p);
  }

  leaveGroup(groupId: string, leaving: readonly LeavingMember[]): LeaveGroupResult {
    return this.membership.leaveGroup(groupId, leaving);
  }

  // ---------------------------------------------------------------------------------- offsets

  /**
   * OffsetCommit. Validation of topics (UNKNOWN_TOPIC_OR_PARTITION) is the caller's; this checks the
   * group, the member, the generation and the metadata size, then writes and acknowledges.
   */
  async commitOffsets(p: OffsetCommitParams): Promise<PartitionResult[]> {
    const all = (error: GroupErrorName) =>
      p.partitions.map((x) => ({ topic: x.topic, partition: x.partition, error }));
    const error = this.validateGroupStatus(p.groupId, 'commit');
    if (error !== null) return all(error);
    let group = this.manager.getGroup(p.groupId);
    if (group === undefined) {
      // Without a generation the group only uses Kafka for offset storage: create it.
      if (p.generationId >= 0) return all('ILLEGAL_GENERATION');
      group = this.manager.addGroup(new Group(p.groupId, 'Empty', this.clock.nowMs()));
    }
    if (group.is('Dead')) return all('COORDINATOR_NOT_AVAILABLE');
    if (group.isStaticMemberFenced(p.memberId, p.groupInstanceId)) return all('FENCED_INSTANCE_ID');
    if (!(p.generationId < 0 && group.is('Empty'))) {
      if (!group.has(p.memberId)) return all('UNKNOWN_MEMBER_ID');
      if (p.generationId !== group.generationId) return all('ILLEGAL_GENERATION');
      if (group.is('CompletingRebalance')) return all('REBALANCE_IN_PROGRESS');
      // Stable or PreparingRebalance: a commit is also a sign of life.
      const member = group.get(p.memberId);
      this.membership.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
    }
    return this.storeOffsets(group, p);
  }

  /**
   * TxnOffsetCommit (Kafka's `handleTxnCommitOffsets`): offsets written in the producer's transaction,
   * visible only once it commits (`handleTxnCompletion`). Member and generation are checked when
   * given (v3+, KIP-447); without them the commit is accepted as Kafka does for older clients.
   */
  async commitTransactionalOffsets(
    p: OffsetCommitParams & { readonly producerId: bigint; readonly producerEpoch: number },
  ): Promise<PartitionResult[]> {
    const all = (error: GroupErrorName) =>
      p.partitions.map((x) => ({ topic: x.topic, partition: x.partition, error }));
    const error = this.validateGroupStatus(p.groupId, 'commit');
    if (error !== null) return all(error);
    const group =
      this.manager.getGroup(p.groupId) ??
      this.manager.addGroup(new Group(p.groupId, 'Empty', this.clock.nowMs()));
    if (group.is('Dead')) return all('COORDINATOR_NOT_AVAILABLE');
    if (group.isStaticMemberFenced(p.memberId, p.groupInstanceId)) return all('FENCED_INSTANCE_ID');
    if (p.memberId !== '' && !group.has(p.memberId)) return all('UNKNOWN_MEMBER_ID');
    if (p.generationId >= 0 && p.generationId !== group.generationId) return all('ILLEGAL_GENERATION');
    return this.storeOffsets(group, p, { producerId: p.producerId, producerEpoch: p.producerEpoch });
  }

  /** A transaction's markers reached these `__consumer_offsets` partitions. */
  handleTxnCompletion(producerId: bigint, offsetsPartitions: readonly number[], committed: boolean): void {
    this.manager.handleTxnCompletion(producerId, offsetsPartitions, committed);
  }

  private async storeOffsets(
    group: Group,
    p: OffsetCommitParams,
    txn?: { producerId: bigint; producerEpoch: number },
  ): Promise<PartitionResult[]> {
    const now = this.clock.nowMs();
    const results = new Map<string, PartitionResult>();
    const commits: (TopicPartitionKey & { value: OffsetAndMetadata })[] = [];
    for (const x of p.partitions) {
      const metadata = x.metadata ?? '';
      const key = `${x.topic}\u0000${x.partition}`;
      if (Buffer.byteLength(metadata, 'utf8') > this.config.offsetMetadataMaxBytes) {
        results.set(key, { topic: x.topic, partition: x.partition, error: 'OFFSET_METADATA_TOO_LARGE' });
        continue;
      }
      const commitTimestampMs =
        x.commitTimestampMs !== undefined && x.commitTimestampMs >= 0 ? x.commitTimestampMs : now;
      commits.push({
        topic: x.topic,
        partition: x.partition,
        value: {
          offset: x.offset,
          leaderEpoch: x.leaderEpoch,
          metadata,
          commitTimestampMs,
          expireTimestampMs: p.retentionTimeMs >= 0 ? commitTimestampMs + p.retentionTimeMs : -1,
        },
      });
    }
    const error =
      txn === undefined
        ? await this.manager.storeOffsets(group, commits)
        : await this.manager.storeTxnOffsets(group, txn.producerId, txn.producerEpoch, commits);
    for (const c of commits)
      results.set(`${c.topic}\u0000${c.partition}`, { topic: c.topic, partition: c.partition, error });
    return p.partitions.map((x) => results.get(`${x.topic}\u0000${x.partition}`)!);
  }

  /**
   * OffsetFetch: committed offsets (-1 where none), or all of the group's when `partitions` is null.
   * With `requireStable` (OffsetFetch v7+), partitions with a pending transactional commit answer
   * UNSTABLE_OFFSET_COMMIT.
   */
  fetchOffsets(
    groupId: string,
    partitions: readonly TopicPartitionKey[] | null,
    requireStable = false,
  ): OffsetFetchResult {
    const error = this.validateGroupStatus(groupId, 'fetch');
    if (error !== null) return { error, partitions: [] };
    // Offsets are returned whatever the group's state: it may only be using Kafka for storage.
    const group = this.manager.getGroup(groupId);
    return { error: 'NONE', partitions: this.manager.getOffsets(group, partitions, requireStable) };
  }

  /** OffsetDelete (KIP-496): only offsets of topics the group no longer consumes. */
  async deleteOffsets(
    groupId: string,
    partitions: readonly TopicPartitionKey[],
  ): Promise<{ error: GroupErrorName; partitions: PartitionResult[] }> {
    const error = this.validateGroupStatus(groupId, 'delete');
    if (error !== null) return { error, partitions: [] };
    const group = this.manager.getGroup(groupId);
    if (group === undefined || group.is('Dead')) {
      return {
        error:
          this.manager.groupNotExists(groupId) || group !== undefined
            ? 'GROUP_ID_NOT_FOUND'
            : 'NOT_COORDINATOR',
        partitions: [],
      };
    }
    let eligible: TopicPartitionKey[];
    const results: PartitionResult[] = [];
    if (group.is('Empty')) {
      eligible = [...partitions];
    } else if (group.protocolType === 'consumer' && group.subscribedTopics !== null) {
      const subscribed = group.subscribedTopics;
      eligible = partitions.filter((tp) => !subscribed.has(tp.topic));
      for (const tp of partitions) {
        if (subscribed.has(tp.topic)) results.push({ ...tp, error: 'GROUP_SUBSCRIBED_TO_TOPIC' });
      }
    } else {
      return { error: 'NON_EMPTY_GROUP', partitions: [] };
    }
    if (eligible.length > 0) {
      await this.manager.cleanupGroupMetadata([group], () => eligible);
      for (const tp of eligible) results.push({ topic: tp.topic, partition: tp.partition, error: 'NONE' });
    }
    const order = new Map(partitions.map((tp, i) => [`${tp.topic}\u0000${tp.partition}`, i]));
    results.sort(
      (a, b) => order.get(`${a.topic}\u0000${a.partition}`)! - order.get(`${b.topic}\u0000${b.partition}`)!,
    );
    return { error: 'NONE', partitions: results };
  }

  /** Removes offsets past retention; groups left Empty with none are deleted. Returns offsets removed. */
  async expireOffsets(): Promise<number> {
    const now = this.clock.nowMs();
    const removed = await this.manager.cleanupGroupMetadata(this.manager.groups.values(), (g) =>
      this.manager.expiredOffsets(g, now),
    );
    if (removed > 0) this.logger.info({ removed }, 'removed expired offsets');
    return removed;
  }

  private scheduleExpiry(): void {
    this.expiryTask = this.timer.schedule(this.config.offsetsRetentionCheckIntervalMs, () => {
      if (!this.active) return;
      void this.expireOffsets().finally(() => {
        if (this.active) this.scheduleExpiry();
      });
    });
  }

  // ---------------------------------------------------------------------------------- admin

  /** ListGroups; `states` (v4+, case-insensitive) and `types` (v5+) filter when non-empty. */
  listGroups(states: readonly string[] = [], types: readonly string[] = []): ListGroupsResult {
    if (!this.active) return { error: 'COORDINATOR_NOT_AVAILABLE', groups: [] };
    const wanted = new Set(
      states.map((s) => parseGroupState(s)).filter((s): s is GroupState => s !== undefined),
    );
    const wantedTypes = new Set(types.map((t) => t.toLowerCase()));
    if (states.length > 0 && wanted.size === 0) return { error: 'NONE', groups: [] };
    if (wantedTypes.size > 0 && !wantedTypes.has('classic')) return { error: 'NONE', groups: [] };
    const groups = [...this.manager.groups.values()]
      .filter((g) => wanted.size === 0 || wanted.has(g.state))
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state }));
    return { error: this.manager.isLoading ? 'COORDINATOR_LOAD_IN_PROGRESS' : 'NONE', groups };
  }

  describeGroup(groupId: string): GroupDescription {
    const error = this.validateGroupStatus(groupId, 'describe');
    if (error !== null) return { error, groupId, state: '', protocolType: '', protocol: '', members: [] };
    const group = this.manager.getGroup(groupId);
    if (group === undefined)
      return { error: 'NONE', groupId, state: 'Dead', protocolType: '', protocol: '', members: [] };
    // Metadata and assignments are shown only once Stable (GroupMetadata.summary).
    const stable = group.is('Stable') && group.protocolName !== null;
    return {
      error: 'NONE',
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocol: stable ? group.protocolName! : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? m.metadata(group.protocolName!) : EMPTY,
        assignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  /** DeleteGroups: only Empty groups; their offsets and metadata get tombstones. */
  async deleteGroups(groupIds: readonly string[]): Promise<Map<string, GroupErrorName>> {
    const out = new Map<string, GroupErrorName>();
    const eligible: Group[] = [];
    for (const groupId of groupIds) {
      const error = this.validateGroupStatus(groupId, 'delete');
      if (error !== null) {
        out.set(groupId, error);
        continue;
      }
      const group = this.manager.getGroup(groupId);
      if (group === undefined || group.is('Dead')) {
        out.set(
          groupId,
          this.manager.groupNotExists(groupId) || group !== undefined
            ? 'GROUP_ID_NOT_FOUND'
            : 'NOT_COORDINATOR',
        );
      } else if (group.is('Empty')) {
        group.transitionTo('Dead', this.clock.nowMs());
        eligible.push(group);
      } else {
        out.set(groupId, 'NON_EMPTY_GROUP');
      }
    }
    if (eligible.length > 0) {
      const removed = await this.manager.cleanupGroupMetadata(eligible, (g) =>
        [...g.allOffsets()].map(([topic, partition]) => ({ topic, partition })),
      );
      for (const g of eligible) out.set(g.groupId, 'NONE');
      this.logger.info({ groups: eligible.map((g) => g.groupId), offsetsRemoved: removed }, 'deleted groups');
    }
    return new Map(groupIds.map((id) => [id, out.get(id)!]));
  }

  // ---------------------------------------------------------------------------------- helpers

  /** Group id valid, coordinator active, partition loaded and owned here (validateGroupStatus). */
  private validateGroupStatus(groupId: string | null, api: GroupApi): GroupErrorName | null {
    // OffsetCommit/Fetch, DescribeGroups and DeleteGroups accept the empty group id for compatibility.
    const emptyAllowed = api === 'commit' || api === 'fetch' || api === 'describe' || api === 'delete';
    if (groupId === null || (!emptyAllowed && groupId === '')) return 'INVALID_GROUP_ID';
    if (!this.active) return 'COORDINATOR_NOT_AVAILABLE';
    if (this.manager.isGroupLoading(groupId)) return 'COORDINATOR_LOAD_IN_PROGRESS';
    if (!this.manager.isGroupLocal(groupId)) return 'NOT_COORDINATOR';
    return null;
  }
}

let unavailable: GroupCoordinator | undefined;

/**
 * The broker's coordinator, or, when it has none (yet), one that was never started and so answers
 * COORDINATOR_NOT_AVAILABLE to every request, which clients retry.
 */
export function coordinatorOrUnavailable(coordinator: GroupCoordinator | undefined): GroupCoordinator {
  if (coordinator !== undefined) return coordinator;
  unavailable ??= new GroupCoordinator({
    config: DEFAULT_GROUP_COORDINATOR_CONFIG,
    offsetsLog: { append: async () => {}, replay: () => [] },
  });
  return unavailable;
}
