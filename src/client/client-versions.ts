/**
 * The versions of each API this client's code knows how to fill in and read, by API key. On connect,
 * each API is used at the highest version both this table and the broker's ApiVersions answer allow.
 *
 * Upper bounds are where a later version changes meaning, not just layout: Fetch v13+ addresses
 * topics by id, DeleteTopics v6 by name or id (we fill the name), Metadata v12 allows null names.
 */
import { ApiKey } from '../protocol/api-keys.js';

export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

export const CLIENT_VERSIONS: ReadonlyMap<number, VersionRange> = new Map([
  [ApiKey.Produce, { min: 3, max: 9 }], // v3: record batches v2 only
  [ApiKey.Fetch, { min: 4, max: 12 }], // v4: isolation level, v2 batches; v13: topic ids
  [ApiKey.ListOffsets, { min: 1, max: 6 }], // v0 answers with an offsets array
  [ApiKey.Metadata, { min: 1, max: 12 }], // v1: null topics means all
  [ApiKey.ControlledShutdown, { min: 1, max: 3 }], // broker to controller; v0 has no client id
  [ApiKey.WriteTxnMarkers, { min: 0, max: 1 }], // transaction coordinator to partition leaders
  [ApiKey.OffsetCommit, { min: 2, max: 8 }],
  [ApiKey.OffsetFetch, { min: 1, max: 7 }], // v8: batched groups
  [ApiKey.FindCoordinator, { min: 1, max: 3 }], // v4: batched keys
  [ApiKey.DescribeGroups, { min: 0, max: 5 }],
  [ApiKey.ListGroups, { min: 0, max: 4 }],
  [ApiKey.ApiVersions, { min: 0, max: 3 }],
  [ApiKey.CreateTopics, { min: 0, max: 7 }],
  [ApiKey.DeleteTopics, { min: 0, max: 6 }],
  [ApiKey.DeleteRecords, { min: 0, max: 2 }],
  [ApiKey.DescribeConfigs, { min: 1, max: 4 }], // v1: config source
  [ApiKey.AlterConfigs, { min: 0, max: 2 }],
  [ApiKey.CreatePartitions, { min: 0, max: 3 }],
  [ApiKey.DeleteGroups, { min: 0, max: 2 }],
  [ApiKey.ElectLeaders, { min: 1, max: 2 }], // v1: election type (v0 only elects preferred replicas)
  [ApiKey.IncrementalAlterConfigs, { min: 0, max: 1 }],
  [ApiKey.DescribeClientQuotas, { min: 0, max: 1 }],
  [ApiKey.AlterClientQuotas, { min: 0, max: 1 }],
  [ApiKey.OffsetForLeaderEpoch, { min: 3, max: 4 }], // v3: replicaId (followers and consumers)
  // Group membership (GroupMember): v4+ JoinGroup asks for a member id first (KIP-394), handled.
  [ApiKey.JoinGroup, { min: 1, max: 9 }],
  [ApiKey.SyncGroup, { min: 0, max: 5 }],
  [ApiKey.Heartbeat, { min: 0, max: 4 }],
  [ApiKey.LeaveGroup, { min: 0, max: 5 }],
  [ApiKey.SaslHandshake, { min: 1, max: 1 }], // v1: tokens in SaslAuthenticate requests
  [ApiKey.SaslAuthenticate, { min: 0, max: 2 }],
  [ApiKey.DescribeUserScramCredentials, { min: 0, max: 0 }],
  [ApiKey.AlterUserScramCredentials, { min: 0, max: 0 }],
  // v1: resource pattern types (KIP-290), which `samsa acl` always sends.
  [ApiKey.DescribeAcls, { min: 1, max: 3 }],
  [ApiKey.CreateAcls, { min: 1, max: 3 }],
  [ApiKey.DeleteAcls, { min: 1, max: 3 }],
]);
