import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClusterClient } from '../../src/client/cluster-client.js';
import { GroupAdmin } from '../../src/client/groups.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { CreateTopics } from '../../src/protocol/messages/create-topics.js';
import { DescribeGroups } from '../../src/protocol/messages/describe-groups.js';
import { Heartbeat } from '../../src/protocol/messages/heartbeat.js';
import { JoinGroup } from '../../src/protocol/messages/join-group.js';
import { LeaveGroup } from '../../src/protocol/messages/leave-group.js';
import { Metadata } from '../../src/protocol/messages/metadata.js';
import { OffsetCommit } from '../../src/protocol/messages/offset-commit.js';
import { OffsetFetch } from '../../src/protocol/messages/offset-fetch.js';
import { SyncGroup } from '../../src/protocol/messages/sync-group.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { RawClient } from './raw-client.js';

const TOPIC = 'group-bad-input';

/** A ConsumerProtocolSubscription v0 for one topic. */
function subscription(topic: string): Buffer {
  const name = Buffer.from(topic);
  const b = Buffer.alloc(2 + 4 + 2 + name.length + 4);
  b.writeInt16BE(0, 0);
  b.writeInt32BE(1, 2);
  b.writeInt16BE(name.length, 6);
  name.copy(b, 8);
  b.writeInt32BE(-1, 8 + name.length); // null user data
  return b;
}

// Group requests a client should never send, each answered with Kafka's error code; the broker keeps
// serving every other connection afterwards.
describe('consumer group bad input', () => {
  let dir: TempDir;
  let t: TestBroker;
  let raw: RawClient;

  before(async () => {
    dir = makeTempDir('samsa-group-bad-input-');
    t = await startBroker({ dataDir: dir.path });
    raw = await RawClient.open(t.bootstrap);
    const created = await raw.request(CreateTopics, 4, {
      topics: [{ name: TOPIC, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
  });

  after(async () => {
    raw.close();
    await t.cleanup();
    dir.cleanup();
  });

  async function assertStillServing(): Promise<void> {
    const res = await raw.request(Metadata, 1, { topics: [{ name: TOPIC }] });
    assert.equal(res.topics[0].errorCode, ErrorCode.NONE);
  }

  /** JoinGroup v5 as a new dynamic member: MEMBER_ID_REQUIRED, then the join with the id given. */
  async function join(groupId: string, protocols: { name: string; metadata: Buffer }[], memberId = '') {
    const body = (id: string) => ({
      groupId,
      sessionTimeoutMs: 6000,
      rebalanceTimeoutMs: 6000,
      memberId: id,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols,
    });
    let res = await raw.request(JoinGroup, 5, body(memberId));
    if (res.errorCode === ErrorCode.MEMBER_ID_REQUIRED)
      res = await raw.request(JoinGroup, 5, body(res.memberId));
    return res;
  }

  /** A one-member group, Stable at generation 1, with `assignment` as the member's assignment. */
  async function stableGroup(groupId: string, assignment: Buffer) {
    const joined = await join(groupId, [{ name: 'range', metadata: subscription(TOPIC) }]);
    assert.equal(joined.errorCode, ErrorCode.NONE);
    const synced = await raw.request(SyncGroup, 3, {
      groupId,
      generationId: joined.generationId,
      memberId: joined.memberId,
      groupInstanceId: null,
      assignments: [{ memberId: joined.memberId, assignment }],
    });
    return { joined, synced };
  }

  function commit(groupId: string, generationId: number, memberId: string, topic: string, metadata = '') {
    return raw.request(OffsetCommit, 8, {
      groupId,
      generationIdOrMemberEpoch: generationId,
      memberId,
      groupInstanceId: null,
      topics: [
        {
          name: topic,
          partitions: [
            { partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: metadata },
          ],
        },
      ],
    });
  }

  it('answers a JoinGroup with no protocols with INCONSISTENT_GROUP_PROTOCOL', async () => {
    const res = await join('no-protocols', []);
    assert.equal(res.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const empty = await raw.request(JoinGroup, 5, {
      groupId: 'no-protocol-type',
      sessionTimeoutMs: 6000,
      rebalanceTimeoutMs: 6000,
      memberId: '',
      groupInstanceId: null,
      protocolType: '',
      protocols: [{ name: 'range', metadata: subscription(TOPIC) }],
    });
    assert.equal(empty.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    await assertStillServing();
  });

  it('answers a JoinGroup with an empty group id or an out-of-range session timeout', async () => {
    const res = await join('', [{ name: 'range', metadata: subscription(TOPIC) }]);
    assert.equal(res.errorCode, ErrorCode.INVALID_GROUP_ID);
    const short = await raw.request(JoinGroup, 5, {
      groupId: 'short-session',
      sessionTimeoutMs: 1,
      rebalanceTimeoutMs: 6000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: subscription(TOPIC) }],
    });
    assert.equal(short.errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
  });

  it('refuses a member whose protocols the group does not share', async () => {
    const { joined } = await stableGroup('mismatch', Buffer.alloc(0));
    const other = await join('mismatch', [{ name: 'my-own-assignor', metadata: Buffer.from('x') }]);
    assert.equal(other.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    await raw.request(LeaveGroup, 3, {
      groupId: 'mismatch',
      members: [{ memberId: joined.memberId, groupInstanceId: null }],
    });
  });

  it('answers commits for unknown topics and partitions with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const res = await raw.request(OffsetCommit, 8, {
      groupId: 'commit-unknown',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [
        {
          name: 'no-such-topic',
          partitions: [
            { partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null },
          ],
        },
        {
          name: TOPIC,
          partitions: [
            { partitionIndex: 7, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null },
          ],
        },
        {
          name: TOPIC,
          partitions: [
            { partitionIndex: 1, committedOffset: 3n, committedLeaderEpoch: -1, committedMetadata: null },
          ],
        },
      ],
    });
    assert.deepEqual(
      res.topics.map((x: any) => [x.name, x.partitions[0].errorCode]),
      [
        ['no-such-topic', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
        [TOPIC, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
        [TOPIC, ErrorCode.NONE],
      ],
    );
    const fetched = await raw.request(OffsetFetch, 7, {
      groupId: 'commit-unknown',
      topics: null,
      requireStable: false,
    });
    assert.deepEqual(
      fetched.topics.map((x: any) => [
        x.name,
        x.partitions.map((p: any) => [p.partitionIndex, p.committedOffset]),
      ]),
      [[TOPIC, [[1, 3n]]]],
    );
  });

  it('answers stale generations with ILLEGAL_GENERATION and strangers with UNKNOWN_MEMBER_ID', async () => {
    const { joined } = await stableGroup('stale', Buffer.alloc(0));
    const stale = joined.generationId + 5;
    const c = await commit('stale', stale, joined.memberId, TOPIC);
    assert.equal(c.topics[0].partitions[0].errorCode, ErrorCode.ILLEGAL_GENERATION);
    const h = await raw.request(Heartbeat, 3, {
      groupId: 'stale',
      generationId: stale,
      memberId: joined.memberId,
      groupInstanceId: null,
    });
    assert.equal(h.errorCode, ErrorCode.ILLEGAL_GENERATION);
    const s = await raw.request(SyncGroup, 3, {
      groupId: 'stale',
      generationId: stale,
      memberId: joined.memberId,
      groupInstanceId: null,
      assignments: [],
    });
    assert.equal(s.errorCode, ErrorCode.ILLEGAL_GENERATION);
    const stranger = await commit('stale', joined.generationId, 'not-a-member', TOPIC);
    assert.equal(stranger.topics[0].partitions[0].errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    // Offsets from outside group management are refused while the group has members.
    const outside = await commit('stale', -1, '', TOPIC);
    assert.equal(outside.topics[0].partitions[0].errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    const ok = await commit('stale', joined.generationId, joined.memberId, TOPIC);
    assert.equal(ok.topics[0].partitions[0].errorCode, ErrorCode.NONE);
    await raw.request(LeaveGroup, 3, {
      groupId: 'stale',
      members: [{ memberId: joined.memberId, groupInstanceId: null }],
    });
  });

  it('answers oversized offset metadata with OFFSET_METADATA_TOO_LARGE and stores nothing', async () => {
    const res = await commit('big-metadata', -1, '', TOPIC, 'x'.repeat(4097));
    assert.equal(res.topics[0].partitions[0].errorCode, ErrorCode.OFFSET_METADATA_TOO_LARGE);
    const fetched = await raw.request(OffsetFetch, 7, {
      groupId: 'big-metadata',
      topics: [{ name: TOPIC, partitionIndexes: [0] }],
      requireStable: false,
    });
    assert.equal(fetched.topics[0].partitions[0].committedOffset, -1n);
    const fits = await commit('big-metadata', -1, '', TOPIC, 'x'.repeat(4096));
    assert.equal(fits.topics[0].partitions[0].errorCode, ErrorCode.NONE);
  });

  it('keeps garbage assignments as bytes: handed back, described, never parsed into a crash', async () => {
    const garbage = Buffer.from([0x00, 0x00, 0x7f, 0xff, 0xff, 0xff, 0x01, 0x02]);
    const { joined, synced } = await stableGroup('garbage', garbage);
    assert.equal(synced.errorCode, ErrorCode.NONE);
    assert.deepEqual(Buffer.from(synced.assignment), garbage);
    const described = await raw.request(DescribeGroups, 5, {
      groups: ['garbage'],
      includeAuthorizedOperations: false,
    });
    assert.equal(described.groups[0].groupState, 'Stable');
    assert.deepEqual(Buffer.from(described.groups[0].members[0].memberAssignment), garbage);

    const cluster = new ClusterClient({ brokers: t.bootstrap });
    try {
      const group = await new GroupAdmin(cluster).describeGroup('garbage');
      assert.deepEqual(group.members[0]!.assignment, []);
    } finally {
      await cluster.close();
    }

    // A rejoin forces a new generation; the leader's SyncGroup names strangers and garbage.
    const rejoined = await join(
      'garbage',
      [{ name: 'range', metadata: Buffer.from('not a subscription') }],
      joined.memberId,
    );
    assert.equal(rejoined.errorCode, ErrorCode.NONE);
    const resynced = await raw.request(SyncGroup, 3, {
      groupId: 'garbage',
      generationId: rejoined.generationId,
      memberId: rejoined.memberId,
      groupInstanceId: null,
      assignments: [
        { memberId: 'nobody', assignment: garbage },
        { memberId: rejoined.memberId, assignment: Buffer.from([1]) },
        { memberId: rejoined.memberId, assignment: Buffer.from([2]) },
      ],
    });
    assert.equal(resynced.errorCode, ErrorCode.NONE);
    assert.deepEqual(Buffer.from(resynced.assignment), Buffer.from([2]));
    await raw.request(LeaveGroup, 3, {
      groupId: 'garbage',
      members: [{ memberId: rejoined.memberId, groupInstanceId: null }],
    });
    await assertStillServing();
  });

  it('answers a group record too large for __consumer_offsets without storing it', async () => {
    // 600 KB of subscription and 600 KB of assignment: the group's record is over message.max.bytes.
    const huge = Buffer.alloc(600 * 1024, 1);
    const joined = await join('huge', [{ name: 'range', metadata: huge }]);
    assert.equal(joined.errorCode, ErrorCode.NONE);
    const synced = await raw.request(SyncGroup, 3, {
      groupId: 'huge',
      generationId: joined.generationId,
      memberId: joined.memberId,
      groupInstanceId: null,
      assignments: [{ memberId: joined.memberId, assignment: huge }],
    });
    // GroupMetadataManager.storeGroup: a record too large is reported as UNKNOWN_SERVER_ERROR.
    assert.equal(synced.errorCode, ErrorCode.UNKNOWN_SERVER_ERROR);
    await raw.request(LeaveGroup, 3, {
      groupId: 'huge',
      members: [{ memberId: joined.memberId, groupInstanceId: null }],
    });
    await assertStillServing();
  });

  it('reloads the groups written above after a restart', async () => {
    raw.close();
    await t.cleanup();
    t = await startBroker({ dataDir: dir.path });
    raw = await RawClient.open(t.bootstrap);
    const described = await raw.request(DescribeGroups, 5, {
      groups: ['garbage', 'stale', 'huge'],
      includeAuthorizedOperations: false,
    });
    assert.deepEqual(
      described.groups.map((g: any) => [g.groupId, g.errorCode, g.groupState]),
      [
        ['garbage', ErrorCode.NONE, 'Empty'],
        ['stale', ErrorCode.NONE, 'Empty'],
        ['huge', ErrorCode.NONE, 'Empty'],
      ],
    );
    const fetched = await raw.request(OffsetFetch, 7, {
      groupId: 'stale',
      topics: null,
      requireStable: false,
    });
    assert.deepEqual(
      fetched.topics.map((x: any) => [
        x.name,
        x.partitions.map((p: any) => [p.partitionIndex, p.committedOffset]),
      ]),
      [[TOPIC, [[0, 5n]]]],
    );
  });
});
