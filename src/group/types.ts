/**
 * Plain domain objects the group coordinator takes and returns. Handlers translate the wire messages
 * into these and back; nothing here knows the protocol. Errors are Kafka error names (Errors.java).
 */
import type { GroupState } from './group-state.js';

/** A Kafka error name, `NONE` for success (`UNKNOWN_MEMBER_ID`, `ILLEGAL_GENERATION`, ...). */
export type GroupErrorName = string;

/** JoinGroupRequest.UNKNOWN_MEMBER_ID */
export const UNKNOWN_MEMBER_ID = '';
/** OffsetCommitRequest.DEFAULT_GENERATION_ID: commits from outside group management. */
export const NO_GENERATION = -1;

export interface JoinGroupProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export interface JoinGroupParams {
  readonly groupId: string;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** JoinGroup v4+ (KIP-394): a dynamic member must first get its id with MEMBER_ID_REQUIRED. */
  readonly requireKnownMemberId: boolean;
  readonly clientId: string;
  readonly clientHost: string;
  readonly rebalanceTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly JoinGroupProtocol[];
  readonly reason?: string | null;
}

export interface JoinGroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly metadata: Buffer;
}

export interface JoinGroupResult {
  readonly error: GroupErrorName;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly leader: string;
  /** JoinGroup v9 (KIP-814): the leader of a static group is told not to recompute the assignment. */
  readonly skipAssignment: boolean;
  readonly memberId: string;
  /** Only the leader gets the members and their metadata. */
  readonly members: readonly JoinGroupMember[];
}

export interface SyncGroupParams {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** SyncGroup v5+ (KIP-559): checked against the group's when given. */
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignments: readonly { readonly memberId: string; readonly assignment: Buffer }[];
}

export interface SyncGroupResult {
  readonly error: GroupErrorName;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignment: Buffer;
}

export interface HeartbeatParams {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface LeavingMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly reason?: string | null;
}

export interface LeaveGroupResult {
  readonly error: GroupErrorName;
  readonly members: readonly (LeavingMember & { readonly error: GroupErrorName })[];
}

export interface TopicPartitionKey {
  readonly topic: string;
  readonly partition: number;
}

/** What a committed offset holds (OffsetAndMetadata). */
export interface OffsetAndMetadata {
  readonly offset: bigint;
  /** -1 when unknown. */
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestampMs: number;
  /** Only from OffsetCommit v1-v4 with a retention time; -1 otherwise. */
  readonly expireTimestampMs: number;
}

export interface OffsetCommitPartition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly leaderEpoch: number;
  readonly metadata: string | null;
  /** OffsetCommit v1 only; -1 means "now". */
  readonly commitTimestampMs?: number;
}

export interface OffsetCommitParams {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** OffsetCommit v2-v4 retention_time_ms; -1 uses the broker's offsets.retention.minutes. */
  readonly retentionTimeMs: number;
  readonly partitions: readonly OffsetCommitPartition[];
}

export interface PartitionResult {
  readonly topic: string;
  readonly partition: number;
  readonly error: GroupErrorName;
}

export interface OffsetFetchPartitionResult {
  readonly topic: string;
  readonly partition: number;
  /** -1n when nothing is committed. */
  readonly offset: bigint;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly error: GroupErrorName;
}

export interface OffsetFetchResult {
  readonly error: GroupErrorName;
  readonly partitions: readonly OffsetFetchPartitionResult[];
}

export interface GroupOverview {
  readonly groupId: string;
  readonly protocolType: string;
  readonly state: GroupState;
}

export interface MemberDescription {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  /** The member's metadata for the chosen protocol (empty unless the group is Stable). */
  readonly metadata: Buffer;
  readonly assignment: Buffer;
}

export interface GroupDescription {
  readonly error: GroupErrorName;
  readonly groupId: string;
  readonly state: GroupState | '';
  readonly protocolType: string;
  readonly protocol: string;
  readonly members: readonly MemberDescription[];
}

export interface ListGroupsResult {
  readonly error: GroupErrorName;
  readonly groups: readonly GroupOverview[];
}
