/**
 * Consumer group admin, as Kafka's `Admin` and `kafka-consumer-groups.sh` do it: ListGroups on every
 * broker; DescribeGroups, OffsetFetch, OffsetCommit and DeleteGroups at the group's coordinator
 * (FindCoordinator, key type GROUP). Lag is the partition's log end offset (ListOffsets latest, the
 * high watermark) minus the committed offset. Used by `samsa group`.
 */
import {
  DeleteGroups,
  DescribeGroups,
  FindCoordinator,
  ListGroups,
  OffsetCommit,
  OffsetFetch,
} from '../protocol/messages/index.js';
import { Admin, type OffsetSpec } from './admin.js';
import type { ClusterClient } from './cluster-client.js';
import type { Connection } from './connection.js';
import { KafkaResponseError, responseError, throwIfError } from './errors.js';

/** FindCoordinatorRequest.CoordinatorType.GROUP */
const GROUP_COORDINATOR = 0;
/** Errors.GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP */
const GROUP_ID_NOT_FOUND = 69;
const NON_EMPTY_GROUP = 68;

export interface GroupListing {
  readonly groupId: string;
  /** `consumer` for consumer groups; '' for a group that only stores offsets. */
  readonly protocolType: string;
  /** Empty, PreparingRebalance, CompletingRebalance, Stable or Dead ('' from brokers before ListGroups v4). */
  readonly state: string;
  readonly coordinatorId: number;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface GroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  /** Decoded from the consumer protocol's assignment; empty for other protocol types. */
  readonly assignment: readonly TopicPartition[];
}

export interface GroupDescription {
  readonly groupId: string;
  /** `Dead` for a group the coordinator does not know. */
  readonly state: string;
  readonly protocolType: string;
  /** The assignor the members agreed on (`range`, `cooperative-sticky`, ...), once Stable. */
  readonly protocol: string;
  readonly coordinatorId: number;
  readonly members: readonly GroupMember[];
}

export interface CommittedOffset extends TopicPartition {
  readonly offset: bigint;
  readonly leaderEpoch: number;
  readonly metadata: string;
}

/** One row of `kafka-consumer-groups.sh --describe`. */
export interface PartitionLag extends TopicPartition {
  /** null where nothing is committed. */
  readonly committedOffset: bigint | null;
  readonly logEndOffset: bigint;
  /** logEndOffset - committedOffset; null where nothing is committed. */
  readonly lag: bigint | null;
  /** The member the partition is assigned to, if any. */
  readonly memberId: string | null;
  readonly clientId: string | null;
  readonly clientHost: string | null;
}

/** Where reset-offsets moves a group: log start, log end, an offset, a time, or a shift of the current. */
export type OffsetResetSpec =
  | 'earliest'
  | 'latest'
  | { readonly offset: bigint }
  | { readonly timestamp: bigint }
  | { readonly shiftBy: bigint };

export interface PlannedOffset extends TopicPartition {
  /** null where nothing was committed. */
  readonly currentOffset: bigint | null;
  readonly newOffset: bigint;
}

export class GroupAdmin {
  private readonly admin: Admin;

  constructor(readonly cluster: ClusterClient) {
    this.admin = new Admin(cluster);
  }

  /** Every group of every broker's coordinator, sorted by id. */
  async listGroups(): Promise<GroupListing[]> {
    const metadata = await this.cluster.metadata([]);
    const out: GroupListing[] = [];
    for (const broker of metadata.brokers) {
      const connection = await this.cluster.connectionTo(broker.nodeId);
      const res = await this.cluster.withRetries([], async () => {
        const body = await connection.send(ListGroups, { statesFilter: [], typesFilter: [] });
        throwIfError(body.errorCode, `ListGroups at broker ${broker.nodeId}`);
        return body;
      });
      for (const g of res.groups) {
        out.push({
          groupId: g.groupId,
          protocolType: g.protocolType,
          state: g.groupState ?? '',
          coordinatorId: broker.nodeId,
        });
      }
    }
    return out.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  /** Members, their assignments and the group's state, from its coordinator. */
  async describeGroup(groupId: string): Promise<GroupDescription> {
    return this.atCoordinator(groupId, async (connection, nodeId) => {
      const res = await connection.send(DescribeGroups, {
        groups: [groupId],
        includeAuthorizedOperations: false,
      });
      const g = res.groups[0];
      throwIfError(g.errorCode, `group '${groupId}'`, g.errorMessage);
      const consumer = g.protocolType === 'consumer';
      return {
        groupId,
        state: g.groupState,
        protocolType: g.protocolType,
        protocol: g.protocolData,
        coordinatorId: nodeId,
        members: g.members.map((m: any) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId ?? null,
          clientId: m.clientId,
          clientHost: m.clientHost,
          assignment: consumer ? parseConsumerAssignment(Buffer.from(m.memberAssignment)) : [],
        })),
      };
    });
  }

  /** Committed offsets of the group: all of them, or those of `partitions`, where committed. */
  async fetchOffsets(
    groupId: string,
    partitions: readonly TopicPartition[] | null = null,
  ): Promise<CommittedOffset[]> {
    return this.atCoordinator(groupId, async (connection) => {
      const topics =
        partitions === null
          ? null
          : [...groupBy(partitions)].map(([name, ps]) => ({ name, partitionIndexes: ps }));
      const res = await connection.send(OffsetFetch, { groupId, topics, requireStable: false });
      throwIfError(res.errorCode ?? 0, `group '${groupId}'`);
      const out: CommittedOffset[] = [];
      for (const t of res.topics) {
        for (const p of t.partitions) {
          throwIfError(p.errorCode, `partition ${t.name}-${p.partitionIndex}`);
          if (p.committedOffset < 0n) continue;
          out.push({
            topic: t.name,
            partition: p.partitionIndex,
            offset: p.committedOffset,
            leaderEpoch: p.committedLeaderEpoch ?? -1,
            metadata: p.metadata ?? '',
          });
        }
      }
      return out.sort(byTopicPartition);
    });
  }

  /**
   * Commits offsets from outside group management (generation -1, no member id), as the admin tools
   * do; the coordinator takes these only while the group is Empty (else UNKNOWN_MEMBER_ID).
   */
  async commitOffsets(
    groupId: string,
    offsets: readonly (TopicPartition & { readonly offset: bigint; readonly metadata?: string })[],
  ): Promise<void> {
    await this.atCoordinator(groupId, async (connection) => {
      const byTopic = new Map<
        string,
        { partitionIndex: number; committedOffset: bigint; committedMetadata: string }[]
      >();
      for (const o of offsets) {
        const list = byTopic.get(o.topic) ?? [];
        list.push({
          partitionIndex: o.partition,
          committedOffset: o.offset,
          committedMetadata: o.metadata ?? '',
        });
        byTopic.set(o.topic, list);
      }
      const res = await connection.send(OffsetCommit, {
        groupId,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1n,
        topics: [...byTopic].map(([name, partitions]) => ({
          name,
          partitions: partitions.map((p) => ({ ...p, committedLeaderEpoch: -1, commitTimestamp: -1n })),
        })),
      });
      for (const t of res.topics) {
        for (const p of t.partitions)
          throwIfError(p.errorCode, `group '${groupId}' partition ${t.name}-${p.partitionIndex}`);
      }
    });
  }

  /** Deletes groups (only Empty ones: NON_EMPTY_GROUP otherwise); each group's outcome, none thrown. */
  async deleteGroups(
    groupIds: readonly string[],
  ): Promise<{ groupId: string; error: KafkaResponseError | null }[]> {
    const out: { groupId: string; error: KafkaResponseError | null }[] = [];
    for (const groupId of groupIds) {
      try {
        await this.atCoordinator(groupId, async (connection) => {
          const res = await connection.send(DeleteGroups, { groupsNames: [groupId] });
          throwIfError(res.results[0].errorCode, `group '${groupId}'`);
        });
        out.push({ groupId, error: null });
      } catch (error) {
        if (!(error instanceof KafkaResponseError)) throw error;
        out.push({ groupId, error });
      }
    }
    return out;
  }

  /**
   * Per partition: committed offset, log end offset, lag and owning member, for every partition that
   * is assigned to a member or has a committed offset (what `kafka-consumer-groups.sh --describe` shows).
   */
  async describeOffsets(groupId: string, description?: GroupDescription): Promise<PartitionLag[]> {
    const group = description ?? (await this.describeGroup(groupId));
    const committed = await this.fetchOffsets(groupId);
    const owners = new Map<string, GroupMember>();
    for (const m of group.members) for (const tp of m.assignment) owners.set(keyOf(tp), m);
    const partitions = new Map<string, TopicPartition>();
    for (const tp of [...committed, ...group.members.flatMap((m) => m.assignment)]) {
      partitions.set(keyOf(tp), { topic: tp.topic, partition: tp.partition });
    }
    const ends = await this.logEndOffsets([...partitions.values()]);
    const offsets = new Map(committed.map((c) => [keyOf(c), c.offset]));
    return [...partitions.values()].sort(byTopicPartition).map((tp) => {
      const owner = owners.get(keyOf(tp));
      const committedOffset = offsets.get(keyOf(tp)) ?? null;
      const logEndOffset = ends.get(keyOf(tp)) ?? -1n;
      return {
        ...tp,
        committedOffset,
        logEndOffset,
        lag: committedOffset === null || logEndOffset < 0n ? null : max(logEndOffset - committedOffset, 0n),
        memberId: owner?.memberId ?? null,
        clientId: owner?.clientId ?? null,
        clientHost: owner?.clientHost ?? null,
      };
    });
  }

  /**
   * Works out new committed offsets for `topics` (null: every topic the group has offsets for), and
   * commits them unless `dryRun`. Offsets are kept within [log start, log end] as Kafka's tool does;
   * a timestamp past the last record resets to the log end. Refused unless the group is Empty or
   * unknown: members would overwrite the reset with their own commits.
   */
  async resetOffsets(
    groupId: string,
    topics: readonly (string | TopicPartition)[] | null,
    spec: OffsetResetSpec,
    options: { dryRun?: boolean } = {},
  ): Promise<PlannedOffset[]> {
    const group = await this.describeGroup(groupId);
    if (group.state !== 'Empty' && group.state !== 'Dead') {
      throw new KafkaResponseError(
        NON_EMPTY_GROUP,
        `group '${groupId}': offsets can only be reset while the group is inactive, but it is ${group.state} with ${group.members.length} member(s)`,
      );
    }
    const committed = await this.fetchOffsets(groupId);
    const current = new Map(committed.map((c) => [keyOf(c), c.offset]));
    const partitions = await this.resolvePartitions(topics, committed);
    if (partitions.length === 0) return [];
    const [starts, ends] = await Promise.all([
      this.listed(partitions, 'earliest'),
      this.listed(partitions, 'latest'),
    ]);
    let targets: Map<string, bigint>;
    if (typeof spec === 'object' && 'timestamp' in spec) {
      targets = await this.listed(partitions, { timestamp: spec.timestamp });
    } else {
      targets = new Map();
      for (const tp of partitions) {
        const k = keyOf(tp);
        const now = current.get(k);
        let target: bigint;
        if (spec === 'earliest') target = starts.get(k)!;
        else if (spec === 'latest') target = ends.get(k)!;
        else if ('offset' in spec) target = spec.offset;
        else {
          // A shift from nothing committed starts from the log start, as Kafka's tool does.
          target = (now ?? starts.get(k)!) + spec.shiftBy;
        }
        targets.set(k, target);
      }
    }
    const plan = partitions.map((tp) => {
      const k = keyOf(tp);
      let target = targets.get(k) ?? -1n;
      if (target < 0n) target = ends.get(k)!; // no record at or after the timestamp
      target = min(max(target, starts.get(k)!), ends.get(k)!);
      return { ...tp, currentOffset: current.get(k) ?? null, newOffset: target };
    });
    if (!options.dryRun)
      await this.commitOffsets(
        groupId,
        plan.map((p) => ({ ...p, offset: p.newOffset })),
      );
    return plan;
  }

  /** The coordinator's node id for a group. */
  async findCoordinator(groupId: string): Promise<number> {
    return this.cluster.withRetries([], async () => {
      const any = await this.cluster.anyConnection();
      const res = await any.send(FindCoordinator, { key: groupId, keyType: GROUP_COORDINATOR });
      throwIfError(res.errorCode, `FindCoordinator for group '${groupId}'`, res.errorMessage);
      return res.nodeId as number;
    });
  }

  /** Runs `fn` at the group's coordinator; a moved or loading coordinator is looked up again. */
  private atCoordinator<T>(
    groupId: string,
    fn: (connection: Connection, nodeId: number) => Promise<T>,
  ): Promise<T> {
    return this.cluster.withRetries([], async () => {
      const nodeId = await this.findCoordinator(groupId);
      return fn(await this.cluster.connectionTo(nodeId), nodeId);
    });
  }

  private async resolvePartitions(
    topics: readonly (string | TopicPartition)[] | null,
    committed: readonly CommittedOffset[],
  ): Promise<TopicPartition[]> {
    if (topics === null) return committed.map((c) => ({ topic: c.topic, partition: c.partition }));
    const out = new Map<string, TopicPartition>();
    for (const t of topics) {
      if (typeof t !== 'string') {
        const [meta] = await this.admin.describeTopics([t.topic]);
        if (!meta!.partitions.some((p) => p.partition === t.partition)) {
          throw responseError(3, `partition ${t.topic}-${t.partition}`);
        }
        out.set(keyOf(t), t);
        continue;
      }
      const [meta] = await this.admin.describeTopics([t]);
      for (const p of meta!.partitions) out.set(`${t}\0${p.partition}`, { topic: t, partition: p.partition });
    }
    return [...out.values()].sort(byTopicPartition);
  }

  private async listed(
    partitions: readonly TopicPartition[],
    spec: OffsetSpec,
  ): Promise<Map<string, bigint>> {
    const listed = await this.admin.listOffsets(partitions.map((tp) => ({ ...tp, spec })));
    return new Map(listed.map((o) => [keyOf(o), o.offset]));
  }

  private async logEndOffsets(partitions: readonly TopicPartition[]): Promise<Map<string, bigint>> {
    const out = new Map<string, bigint>();
    // Partitions of deleted topics have no log end: leave them out rather than fail the whole describe.
    for (const [topic, ps] of groupBy(partitions)) {
      try {
        const listed = await this.listed(
          ps.map((partition) => ({ topic, partition })),
          'latest',
        );
        for (const [k, v] of listed) out.set(k, v);
      } catch (error) {
        if (!(error instanceof KafkaResponseError)) throw error;
      }
    }
    return out;
  }
}

/** Whether an error is Kafka's "no such group" (DeleteGroups, OffsetDelete). */
export function isGroupNotFound(error: unknown): boolean {
  return error instanceof KafkaResponseError && error.errorCode === GROUP_ID_NOT_FOUND;
}

/**
 * The partitions in a ConsumerProtocolAssignment (any version 0-3, not flexible): int16 version,
 * [topic: string, partitions: []int32], user data. Empty or unreadable bytes give no partitions.
 */
export function parseConsumerAssignment(bytes: Buffer): TopicPartition[] {
  const out: TopicPartition[] = [];
  if (bytes.length < 6) return out;
  try {
    let pos = 2;
    const topics = bytes.readInt32BE(pos);
    pos += 4;
    for (let i = 0; i < topics; i++) {
      const len = bytes.readInt16BE(pos);
      pos += 2;
      if (len < 0 || pos + len > bytes.length) return [];
      const topic = bytes.toString('utf8', pos, pos + len);
      pos += len;
      const n = bytes.readInt32BE(pos);
      pos += 4;
      for (let j = 0; j < n; j++) {
        out.push({ topic, partition: bytes.readInt32BE(pos) });
        pos += 4;
      }
    }
  } catch {
    return [];
  }
  return out.sort(byTopicPartition);
}

function keyOf(tp: TopicPartition): string {
  return `${tp.topic}\0${tp.partition}`;
}

function byTopicPartition(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

function groupBy(partitions: readonly TopicPartition[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const tp of partitions) out.set(tp.topic, [...(out.get(tp.topic) ?? []), tp.partition]);
  return out;
}

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
