/**
 * Key and value schemas of `__consumer_offsets` records, from apache/kafka
 * `group-coordinator/src/main/resources/common/message/{OffsetCommitKey,OffsetCommitValue,
 * GroupMetadataKey,GroupMetadataValue}.json` (and, before 3.5, `GroupMetadataManager.scala`).
 *
 * Every key starts with an int16 version that also tells the record type:
 *   0, 1  OffsetCommitKey   (group, topic, partition) — Kafka writes 1
 *   2     GroupMetadataKey  (group)
 * (3+ are KIP-848 consumer-group records, which a classic coordinator skips.)
 * A null value is a tombstone: the offset, or the whole group, was deleted.
 *
 * OffsetCommitValue versions:
 *   0  offset, metadata, commitTimestamp
 *   1  + expireTimestamp (written only when a commit carried a retention time, OffsetCommit v2-v4)
 *   2  drops expireTimestamp (KIP-211: expiry counts from when the group became Empty)
 *   3  + leaderEpoch (KIP-320)
 *   4  first flexible version (KIP-915)
 * GroupMetadataValue versions:
 *   0  protocolType, generation, protocol, leader, members[memberId, clientId, clientHost,
 *      sessionTimeout, subscription, assignment]
 *   1  + members[].rebalanceTimeout (KIP-62)
 *   2  + currentStateTimestamp (KIP-211)
 *   3  + members[].groupInstanceId (KIP-345)
 *   4  first flexible version (KIP-915)
 */
import type { MessageSpec } from '../schema/types.js';
import {
  dataSpec,
  decodeVersionedRecord,
  encodeVersionedRecord,
  type RecordStruct,
  recordVersionOf,
} from './versioned-record.js';

export const OFFSET_COMMIT_KEY_VERSION = 1;
export const GROUP_METADATA_KEY_VERSION = 2;
/** Kafka (IBP ≥ 2.1) writes v3, or v1 when the commit has an explicit expire timestamp. */
export const OFFSET_COMMIT_VALUE_VERSION = 3;
export const OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRE = 1;
/** Kafka (IBP ≥ 2.3) writes v3. */
export const GROUP_METADATA_VALUE_VERSION = 3;

export const OffsetCommitKey: MessageSpec = dataSpec('OffsetCommitKey', '0-1', 'none', [
  { name: 'group', type: 'string', versions: '0+' },
  { name: 'topic', type: 'string', versions: '0+' },
  { name: 'partition', type: 'int32', versions: '0+' },
]);

export const OffsetCommitValue: MessageSpec = dataSpec('OffsetCommitValue', '0-4', '4+', [
  { name: 'offset', type: 'int64', versions: '0+' },
  { name: 'leaderEpoch', type: 'int32', versions: '3+', default: -1, ignorable: true },
  { name: 'metadata', type: 'string', versions: '0+' },
  { name: 'commitTimestamp', type: 'int64', versions: '0+' },
  { name: 'expireTimestamp', type: 'int64', versions: '1', default: -1n, ignorable: true },
]);

export const GroupMetadataKey: MessageSpec = dataSpec('GroupMetadataKey', '2', 'none', [
  { name: 'group', type: 'string', versions: '2' },
]);

export const GroupMetadataValue: MessageSpec = dataSpec('GroupMetadataValue', '0-4', '4+', [
  { name: 'protocolType', type: 'string', versions: '0+' },
  { name: 'generation', type: 'int32', versions: '0+' },
  { name: 'protocol', type: 'string', versions: '0+', nullableVersions: '0+' },
  { name: 'leader', type: 'string', versions: '0+', nullableVersions: '0+' },
  { name: 'currentStateTimestamp', type: 'int64', versions: '2+', default: -1n, ignorable: true },
  {
    name: 'members',
    type: '[]MemberMetadata',
    versions: '0+',
    fields: [
      { name: 'memberId', type: 'string', versions: '0+' },
      { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
      { name: 'clientId', type: 'string', versions: '0+' },
      { name: 'clientHost', type: 'string', versions: '0+' },
      { name: 'rebalanceTimeout', type: 'int32', versions: '1+', ignorable: true },
      { name: 'sessionTimeout', type: 'int32', versions: '0+' },
      { name: 'subscription', type: 'bytes', versions: '0+' },
      { name: 'assignment', type: 'bytes', versions: '0+' },
    ],
  },
]);

export interface OffsetCommitKeyData {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
}

export interface OffsetCommitValueData {
  readonly offset: bigint;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestamp: bigint;
  readonly expireTimestamp: bigint;
}

export interface GroupMetadataMemberData {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly rebalanceTimeout: number;
  readonly sessionTimeout: number;
  readonly subscription: Buffer;
  readonly assignment: Buffer;
}

export interface GroupMetadataValueData {
  readonly protocolType: string;
  readonly generation: number;
  readonly protocol: string | null;
  readonly leader: string | null;
  readonly currentStateTimestamp: bigint;
  readonly members: readonly GroupMetadataMemberData[];
}

/** A decoded `__consumer_offsets` key. */
export type GroupRecordKey =
  | { readonly type: 'offset'; readonly key: OffsetCommitKeyData }
  | { readonly type: 'group'; readonly group: string }
  | { readonly type: 'other'; readonly version: number };

export function encodeOffsetCommitKey(key: OffsetCommitKeyData): Buffer {
  return encodeVersionedRecord(OffsetCommitKey, OFFSET_COMMIT_KEY_VERSION, { ...key });
}

export function encodeGroupMetadataKey(group: string): Buffer {
  return encodeVersionedRecord(GroupMetadataKey, GROUP_METADATA_KEY_VERSION, { group });
}

export function encodeOffsetCommitValue(value: OffsetCommitValueData): Buffer {
  const version =
    value.expireTimestamp >= 0n ? OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRE : OFFSET_COMMIT_VALUE_VERSION;
  return encodeVersionedRecord(OffsetCommitValue, version, { ...value });
}

export function encodeGroupMetadataValue(value: GroupMetadataValueData): Buffer {
  return encodeVersionedRecord(GroupMetadataValue, GROUP_METADATA_VALUE_VERSION, {
    ...value,
    members: value.members.map((m) => ({ ...m })),
  });
}

export function decodeGroupRecordKey(buf: Buffer): GroupRecordKey {
  const version = recordVersionOf(buf);
  if (version === 0 || version === 1) {
    const s = decodeVersionedRecord(OffsetCommitKey, buf);
    return {
      type: 'offset',
      key: { group: s.group as string, topic: s.topic as string, partition: s.partition as number },
    };
  }
  if (version === 2) {
    const s = decodeVersionedRecord(GroupMetadataKey, buf);
    return { type: 'group', group: s.group as string };
  }
  return { type: 'other', version };
}

export function decodeOffsetCommitValue(buf: Buffer): OffsetCommitValueData {
  const s = decodeVersionedRecord(OffsetCommitValue, buf);
  return {
    offset: s.offset as bigint,
    leaderEpoch: s.leaderEpoch as number,
    metadata: (s.metadata as string | null) ?? '',
    commitTimestamp: s.commitTimestamp as bigint,
    expireTimestamp: s.expireTimestamp as bigint,
  };
}

export function decodeGroupMetadataValue(buf: Buffer): GroupMetadataValueData {
  const s = decodeVersionedRecord(GroupMetadataValue, buf);
  return {
    protocolType: (s.protocolType as string | null) ?? '',
    generation: s.generation as number,
    protocol: s.protocol as string | null,
    leader: s.leader as string | null,
    currentStateTimestamp: s.currentStateTimestamp as bigint,
    members: (s.members as RecordStruct[]).map((m) => ({
      memberId: m.memberId as string,
      groupInstanceId: m.groupInstanceId as string | null,
      clientId: m.clientId as string,
      clientHost: m.clientHost as string,
      rebalanceTimeout: m.rebalanceTimeout as number,
      sessionTimeout: m.sessionTimeout as number,
      subscription: (m.subscription as Buffer | null) ?? Buffer.alloc(0),
      assignment: (m.assignment as Buffer | null) ?? Buffer.alloc(0),
    })),
  };
}
