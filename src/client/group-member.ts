/**
 * A member of a classic consumer group (JoinGroup/SyncGroup/Heartbeat/LeaveGroup, protocol type
 * `consumer` with the `range` assignor), as Kafka's Java consumer joins one. The member keeps its
 * assignment current: a heartbeat that answers REBALANCE_IN_PROGRESS makes it join again.
 */
import { Heartbeat } from '../protocol/messages/heartbeat.js';
import { JoinGroup } from '../protocol/messages/join-group.js';
import { LeaveGroup } from '../protocol/messages/leave-group.js';
import { OffsetCommit } from '../protocol/messages/offset-commit.js';
import { SyncGroup } from '../protocol/messages/sync-group.js';
import { Writer } from '../protocol/primitives/writer.js';
import { groupByTopic } from '../util/group-by-topic.js';
import type { ClusterClient } from './cluster-client.js';
import { KafkaResponseError } from './errors.js';
import { GroupAdmin, parseConsumerAssignment, type TopicPartition } from './groups.js';

const NONE = 0;
const UNKNOWN_MEMBER_ID = 25;
const ILLEGAL_GENERATION = 22;
const REBALANCE_IN_PROGRESS = 27;
const MEMBER_ID_REQUIRED = 79;
const RANGE = 'range';

export interface GroupMemberOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Default 45 s (Kafka 3.x's session.timeout.ms). */
  readonly sessionTimeoutMs?: number;
  /** Default 3 s (heartbeat.interval.ms). */
  readonly heartbeatIntervalMs?: number;
  readonly rebalanceTimeoutMs?: number;
}

export class GroupMember {
  private memberId = '';
  private generationId = -1;
  private assignmentValue: TopicPartition[] = [];
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private joining: Promise<void> | undefined;
  private left = false;
  private readonly groups: GroupAdmin;

  constructor(
    private readonly cluster: ClusterClient,
    private readonly options: GroupMemberOptions,
  ) {
    this.groups = new GroupAdmin(cluster);
  }

  /** The partitions this member owns in the current generation. */
  get assignment(): readonly TopicPartition[] {
    return this.assignmentValue;
  }

  get id(): string {
    return this.memberId;
  }

  /** Joins (or rejoins) the group and starts heartbeating; resolves once the member has its partitions. */
  join(): Promise<void> {
    this.joining ??= this.joinOnce().finally(() => {
      this.joining = undefined;
    });
    return this.joining;
  }

  /** Resolves once a rebalance the coordinator asked for has finished (no-op when none is due). */
  async settled(): Promise<void> {
    if (this.joining) await this.joining;
  }

  /** Commits offsets under this member's generation, so a fenced member cannot overwrite its successor's. */
  async commit(offsets: readonly (TopicPartition & { offset: bigint })[]): Promise<void> {
    if (offsets.length === 0) return;
    const connection = await this.coordinator();
    const byTopic = new Map<
      string,
      { partitionIndex: number; committedOffset: bigint; committedMetadata: string }[]
    >();
    for (const o of offsets) {
      const list = byTopic.get(o.topic) ?? [];
      list.push({ partitionIndex: o.partition, committedOffset: o.offset, committedMetadata: '' });
      byTopic.set(o.topic, list);
    }
    const body = await connection.send(OffsetCommit, {
      groupId: this.options.groupId,
      generationIdOrMemberEpoch: this.generationId,
      memberId: this.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
    });
    for (const t of body.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== NONE) {
          if (p.errorCode === REBALANCE_IN_PROGRESS || p.errorCode === ILLEGAL_GENERATION) void this.join();
          throw new KafkaResponseError(
            p.errorCode,
            `commit of ${t.name}-${p.partitionIndex} for group '${this.options.groupId}'`,
          );
        }
      }
    }
  }

  /** Leaves the group at once (LeaveGroup), so its partitions move without waiting for the session to expire. */
  async leave(): Promise<void> {
    this.left = true;
    clearTimeout(this.heartbeatTimer);
    if (this.memberId === '') return;
    try {
      const connection = await this.coordinator();
      await connection.send(LeaveGroup, {
        groupId: this.options.groupId,
        memberId: this.memberId,
        members: [
          { memberId: this.memberId, groupInstanceId: null, reason: 'the consumer instance was deleted' },
        ],
      });
    } catch {
      // The session timeout removes the member anyway.
    }
  }

  private async coordinator() {
    return this.cluster.connectionTo(await this.groups.findCoordinator(this.options.groupId));
  }

  private async joinOnce(): Promise<void> {
    clearTimeout(this.heartbeatTimer);
    for (let attempt = 0; attempt < 10 && !this.left; attempt++) {
      const connection = await this.coordinator();
      const joined = await connection.send(JoinGroup, {
        groupId: this.options.groupId,
        sessionTimeoutMs: this.options.sessionTimeoutMs ?? 45_000,
        rebalanceTimeoutMs: this.options.rebalanceTimeoutMs ?? 60_000,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: RANGE, metadata: encodeSubscription(this.options.topics) }],
        reason: null,
      });
      if (joined.errorCode === MEMBER_ID_REQUIRED) {
        this.memberId = joined.memberId;
        continue;
      }
      if (joined.errorCode === UNKNOWN_MEMBER_ID) {
        this.memberId = '';
        continue;
      }
      if (joined.errorCode === REBALANCE_IN_PROGRESS) continue;
      if (joined.errorCode !== NONE) {
        throw new KafkaResponseError(joined.errorCode, `JoinGroup for group '${this.options.groupId}'`);
      }
      this.memberId = joined.memberId;
      this.generationId = joined.generationId;
      const assignments =
        joined.leader === joined.memberId
          ? await this.assign(joined.members)
          : ([] as { memberId: string; assignment: Buffer }[]);
      const synced = await connection.send(SyncGroup, {
        groupId: this.options.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: RANGE,
        assignments,
      });
      if (synced.errorCode === REBALANCE_IN_PROGRESS || synced.errorCode === ILLEGAL_GENERATION) continue;
      if (synced.errorCode === UNKNOWN_MEMBER_ID) {
        this.memberId = '';
        continue;
      }
      if (synced.errorCode !== NONE) {
        throw new KafkaResponseError(synced.errorCode, `SyncGroup for group '${this.options.groupId}'`);
      }
      this.assignmentValue = parseConsumerAssignment(synced.assignment);
      this.scheduleHeartbeat();
      return;
    }
    if (!this.left)
      throw new KafkaResponseError(REBALANCE_IN_PROGRESS, `could not join group '${this.options.groupId}'`);
  }

  /** The range assignor: each topic's partitions in contiguous ranges over the members subscribed to it. */
  private async assign(members: readonly { memberId: string; metadata: Buffer }[]) {
    const subscribers = new Map<string, string[]>();
    for (const m of members) {
      for (const topic of decodeSubscription(m.metadata))
        subscribers.set(topic, [...(subscribers.get(topic) ?? []), m.memberId]);
    }
    const owned = new Map<string, TopicPartition[]>(members.map((m) => [m.memberId, []]));
    for (const [topic, ids] of subscribers) {
      const meta = await this.cluster.topic(topic, true).catch(() => undefined);
      if (!meta || meta.errorCode !== NONE) continue;
      const sorted = [...ids].sort();
      const count = meta.partitions.length;
      const per = Math.floor(count / sorted.length);
      const extra = count % sorted.length;
      let next = 0;
      sorted.forEach((id, i) => {
        const n = per + (i < extra ? 1 : 0);
        for (let p = next; p < next + n; p++) owned.get(id)!.push({ topic, partition: p });
        next += n;
      });
    }
    return [...owned].map(([memberId, partitions]) => ({
      memberId,
      assignment: encodeAssignment(partitions),
    }));
  }

  private scheduleHeartbeat(): void {
    clearTimeout(this.heartbeatTimer);
    if (this.left) return;
    this.heartbeatTimer = setTimeout(() => void this.heartbeat(), this.options.heartbeatIntervalMs ?? 3_000);
    this.heartbeatTimer.unref();
  }

  private async heartbeat(): Promise<void> {
    if (this.left) return;
    try {
      const connection = await this.coordinator();
      const answer = await connection.send(Heartbeat, {
        groupId: this.options.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: null,
      });
      if (answer.errorCode === NONE) this.scheduleHeartbeat();
      else {
        if (answer.errorCode === UNKNOWN_MEMBER_ID) this.memberId = '';
        await this.join();
      }
    } catch {
      this.scheduleHeartbeat();
    }
  }
}

/** ConsumerProtocolSubscription v0: int16 version, [topics: string], user data (null). */
function encodeSubscription(topics: readonly string[]): Buffer {
  const w = new Writer();
  w.int16(0);
  w.int32(topics.length);
  for (const t of topics) w.string(t);
  w.int32(-1);
  return w.finish();
}

function decodeSubscription(bytes: Buffer): string[] {
  const topics: string[] = [];
  try {
    let pos = 2;
    const n = bytes.readInt32BE(pos);
    pos += 4;
    for (let i = 0; i < n; i++) {
      const len = bytes.readInt16BE(pos);
      pos += 2;
      topics.push(bytes.toString('utf8', pos, pos + len));
      pos += len;
    }
  } catch {
    return [];
  }
  return topics;
}

/** ConsumerProtocolAssignment v0: int16 version, [topic: string, partitions: []int32], user data (null). */
function encodeAssignment(partitions: readonly TopicPartition[]): Buffer {
  const byTopic = groupByTopic(partitions, (p) => p.partition);
  const w = new Writer();
  w.int16(0);
  w.int32(byTopic.size);
  for (const [topic, ps] of byTopic) {
    w.string(topic);
    w.int32(ps.length);
    for (const p of ps) w.int32(p);
  }
  w.int32(-1);
  return w.finish();
}
