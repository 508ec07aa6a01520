import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_GROUP_COORDINATOR_CONFIG,
  GroupCoordinator,
  type GroupCoordinatorConfig,
} from '../../src/group/group-coordinator.js';
import { decodeCoordinatorRecord } from '../../src/group/offsets-log.js';
import { ManualTimer } from '../../src/group/timer.js';
import type { JoinGroupParams, JoinGroupResult } from '../../src/group/types.js';
import { ManualClock } from '../../src/util/clock.js';
import { MemoryOffsetsLog } from './memory-offsets-log.js';

/** ConsumerProtocolSubscription v0: int16 version, topics [string], userData null. */
function subscription(...topics: string[]): Buffer {
  const parts = [Buffer.from([0, 0]), int32(topics.length)];
  for (const t of topics) parts.push(int16(t.length), Buffer.from(t));
  parts.push(int32(-1));
  return Buffer.concat(parts);
}
const int16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

async function setup(
  config: Partial<GroupCoordinatorConfig> = {},
  log = new MemoryOffsetsLog(),
  clock = new ManualClock(),
) {
  const timer = new ManualTimer(clock);
  const coordinator = new GroupCoordinator({
    config: { ...DEFAULT_GROUP_COORDINATOR_CONFIG, groupInitialRebalanceDelayMs: 0, ...config },
    offsetsLog: log,
    clock,
    timer,
  });
  await coordinator.startup();
  /** Moves time, then lets append callbacks and promise reactions run. */
  const advance = async (ms: number) => {
    timer.advance(ms);
    await flush();
  };
  return { coordinator, clock, timer, log, advance };
}

function join(over: Partial<JoinGroupParams> = {}): JoinGroupParams {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    requireKnownMemberId: true,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    rebalanceTimeoutMs: 30_000,
    sessionTimeoutMs: 10_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription('t') }],
    ...over,
  };
}

/** Two-step dynamic join (MEMBER_ID_REQUIRED, then the real join); returns the parked request. */
async function joinDynamic(
  c: GroupCoordinator,
  over: Partial<JoinGroupParams> = {},
): Promise<{ pending: Promise<JoinGroupResult> }> {
  const first = await c.joinGroup(join(over));
  assert.equal(first.error, 'MEMBER_ID_REQUIRED');
  assert.match(first.memberId, new RegExp(`^${over.clientId ?? 'client'}-[0-9a-f-]{36}$`));
  return { pending: c.joinGroup(join({ ...over, memberId: first.memberId })) };
}

/** A one-member group that is Stable at generation 1. */
async function stableSingle(env: Awaited<ReturnType<typeof setup>>) {
  const { pending } = await joinDynamic(env.coordinator);
  await env.advance(0);
  const joined = await pending;
  const sync = await env.coordinator.syncGroup({
    groupId: 'g',
    generationId: joined.generationId,
    memberId: joined.memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [{ memberId: joined.memberId, assignment: Buffer.from('A') }],
  });
  assert.equal(sync.error, 'NONE');
  return joined;
}

describe('GroupCoordinator membership', () => {
  it('answers COORDINATOR_NOT_AVAILABLE before startup', async () => {
    const c = new GroupCoordinator({
      config: DEFAULT_GROUP_COORDINATOR_CONFIG,
      offsetsLog: new MemoryOffsetsLog(),
    });
    assert.equal((await c.joinGroup(join())).error, 'COORDINATOR_NOT_AVAILABLE');
    assert.equal(c.listGroups().error, 'COORDINATOR_NOT_AVAILABLE');
  });

  it('rejects an empty group id, bad session timeouts and joins without protocols', async () => {
    const { coordinator: c } = await setup();
    assert.equal((await c.joinGroup(join({ groupId: '' }))).error, 'INVALID_GROUP_ID');
    assert.equal((await c.joinGroup(join({ sessionTimeoutMs: 1 }))).error, 'INVALID_SESSION_TIMEOUT');
    assert.equal((await c.joinGroup(join({ protocols: [] }))).error, 'INCONSISTENT_GROUP_PROTOCOL');
    assert.equal((await c.joinGroup(join({ protocolType: '' }))).error, 'INCONSISTENT_GROUP_PROTOCOL');
    assert.equal((await c.joinGroup(join({ memberId: 'nobody' }))).error, 'UNKNOWN_MEMBER_ID');
  });

  it('makes the first member leader, hands it the members, and stores the leader assignment', async () => {
    const env = await setup();
    const joined = await stableSingle(env);
    assert.equal(joined.error, 'NONE');
    assert.equal(joined.generationId, 1);
    assert.equal(joined.leader, joined.memberId);
    assert.equal(joined.protocolName, 'range');
    assert.equal(joined.protocolType, 'consumer');
    assert.deepEqual(
      joined.members.map((m) => m.memberId),
      [joined.memberId],
    );
    const d = env.coordinator.describeGroup('g');
    assert.equal(d.state, 'Stable');
    assert.deepEqual(d.members[0]?.assignment, Buffer.from('A'));
    // The group's metadata went to the log.
    const groupRecords = env.log
      .all()
      .map(decodeCoordinatorRecord)
      .filter((r) => r.type === 'group');
    assert.equal(groupRecords.length, 1);
  });

  it('waits group.initial.rebalance.delay.ms and extends it while members keep joining', async () => {
    const env = await setup({ groupInitialRebalanceDelayMs: 3000 });
    const { pending: a } = await joinDynamic(env.coordinator, { clientId: 'a' });
    await env.advance(2000);
    const { pending: b } = await joinDynamic(env.coordinator, { clientId: 'b' });
    let done = false;
    void a.then(() => {
      done = true;
    });
    await env.advance(1000); // first delay ends, a member was added: another delay starts
    assert.equal(done, false);
    await env.advance(3000);
    const [ra, rb] = await Promise.all([a, b]);
    assert.equal(ra.generationId, 1);
    assert.equal(rb.generationId, 1);
    assert.equal(ra.leader, ra.memberId);
    assert.equal(ra.members.length, 2);
    assert.equal(rb.members.length, 0);
  });

  it('votes the protocol every member supports, preferring the most first choices', async () => {
    const env = await setup({ groupInitialRebalanceDelayMs: 100 });
    const both = (first: string, second: string) => [
      { name: first, metadata: Buffer.from(first) },
      { name: second, metadata: Buffer.from(second) },
    ];
    const { pending: a } = await joinDynamic(env.coordinator, { protocols: both('range', 'roundrobin') });
    const { pending: b } = await joinDynamic(env.coordinator, { protocols: both('roundrobin', 'range') });
    const { pending: cc } = await joinDynamic(env.coordinator, { protocols: both('roundrobin', 'range') });
    const bad = await env.coordinator.joinGroup(
      join({ protocols: [{ name: 'sticky', metadata: Buffer.alloc(0) }] }),
    );
    assert.equal(bad.error, 'INCONSISTENT_GROUP_PROTOCOL');
    await env.advance(100); // members arrived during the delay: it is extended once more
    await env.advance(100);
    const results = await Promise.all([a, b, cc]);
    for (const r of results) assert.equal(r.protocolName, 'roundrobin');
    const leader = results.find((r) => r.leader === r.memberId)!;
    assert.deepEqual(leader.members.map((m) => m.metadata.toString()).sort(), [
      'roundrobin',
      'roundrobin',
      'roundrobin',
    ]);
  });

  it('rebalances when a member joins a stable group, and parks followers in SyncGroup', async () => {
    const env = await setup();
    const c = env.coordinator;
    const a1 = await stableSingle(env);
    const { pending: bPending } = await joinDynamic(c, { clientId: 'b' });
    assert.equal(c.describeGroup('g').state, 'PreparingRebalance');
    const hb = c.heartbeat({ groupId: 'g', generationId: 1, memberId: a1.memberId, groupInstanceId: null });
    assert.equal(hb, 'REBALANCE_IN_PROGRESS');
    // A commit from the previous generation is still allowed while preparing.
    const commit = await c.commitOffsets({
      groupId: 'g',
      generationId: 1,
      memberId: a1.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1,
      partitions: [{ topic: 't', partition: 0, offset: 5n, leaderEpoch: -1, metadata: null }],
    });
    assert.equal(commit[0]?.error, 'NONE');
    const a2 = await c.joinGroup(join({ memberId: a1.memberId }));
    const b2 = await bPending;
    assert.equal(a2.generationId, 2);
    assert.equal(b2.generationId, 2);
    assert.equal(a2.members.length, 2);
    assert.equal(c.describeGroup('g').state, 'CompletingRebalance');
    // Commits are refused until the assignment arrives.
    const refused = await c.commitOffsets({
      groupId: 'g',
      generationId: 2,
      memberId: b2.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1,
      partitions: [{ topic: 't', partition: 0, offset: 6n, leaderEpoch: -1, metadata: null }],
    });
    assert.equal(refused[0]?.error, 'REBALANCE_IN_PROGRESS');
    const followerSync = c.syncGroup({
      groupId: 'g',
      generationId: 2,
      memberId: b2.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    const stale = await c.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: a1.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    assert.equal(stale.error, 'ILLEGAL_GENERATION');
    const wrongProtocol = await c.syncGroup({
      groupId: 'g',
      generationId: 2,
      memberId: a1.memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'sticky',
      assignments: [],
    });
    assert.equal(wrongProtocol.error, 'INCONSISTENT_GROUP_PROTOCOL');
    const leaderSync = await c.syncGroup({
      groupId: 'g',
      generationId: 2,
      memberId: a1.memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [
        { memberId: a1.memberId, assignment: Buffer.from('A') },
        { memberId: b2.memberId, assignment: Buffer.from('B') },
        { memberId: 'not-a-member', assignment: Buffer.from('X') },
      ],
    });
    assert.equal(leaderSync.error, 'NONE');
    assert.deepEqual(leaderSync.assignment, Buffer.from('A'));
    assert.deepEqual((await followerSync).assignment, Buffer.from('B'));
    assert.equal(c.describeGroup('g').state, 'Stable');
  });

  it('removes a member whose session expires and rebalances the rest', async () => {
    const env = await setup();
    const c = env.coordinator;
    const a1 = await stableSingle(env);
    const { pending: bPending } = await joinDynamic(c, { clientId: 'b' });
    const a2 = await c.joinGroup(join({ memberId: a1.memberId }));
    const b2 = await bPending;
    const bSync = c.syncGroup({ ...syncOf(b2), assignments: [] });
    await c.syncGroup({ ...syncOf(a2), assignments: [] });
    await bSync;
    // a heartbeats, b goes silent.
    for (let i = 0; i < 4; i++) {
      await env.advance(3000);
      assert.equal(
        c.heartbeat({ groupId: 'g', generationId: 2, memberId: a2.memberId, groupInstanceId: null }),
        i < 3 ? 'NONE' : 'REBALANCE_IN_PROGRESS',
      );
    }
    assert.equal(c.describeGroup('g').state, 'PreparingRebalance');
    assert.equal(
      c.heartbeat({ groupId: 'g', generationId: 2, memberId: b2.memberId, groupInstanceId: null }),
      'UNKNOWN_MEMBER_ID',
    );
    const a3 = await c.joinGroup(join({ memberId: a2.memberId }));
    assert.equal(a3.generationId, 3);
    assert.equal(a3.members.length, 1);
  });

  it('rebalances on LeaveGroup and becomes Empty when the last member leaves', async () => {
    const env = await setup();
    const c = env.coordinator;
    const a = await stableSingle(env);
    const left = c.leaveGroup('g', [
      { memberId: a.memberId, groupInstanceId: null },
      { memberId: 'ghost', groupInstanceId: null },
    ]);
    assert.equal(left.error, 'NONE');
    assert.deepEqual(
      left.members.map((m) => m.error),
      ['NONE', 'UNKNOWN_MEMBER_ID'],
    );
    await env.advance(0);
    const d = c.describeGroup('g');
    assert.equal(d.state, 'Empty');
    assert.equal(d.members.length, 0);
    assert.equal(
      c.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null }),
      'UNKNOWN_MEMBER_ID',
    );
  });

  it('lets a static member rejoin under a new member id without a rebalance, fencing the old id', async () => {
    const env = await setup();
    const c = env.coordinator;
    const first = c.joinGroup(join({ groupInstanceId: 'instance-1' }));
    await env.advance(0);
    const j1 = await first;
    assert.equal(j1.error, 'NONE', 'static members skip MEMBER_ID_REQUIRED');
    assert.match(j1.memberId, /^instance-1-/);
    await c.syncGroup({
      ...syncOf(j1),
      groupInstanceId: 'instance-1',
      assignments: [{ memberId: j1.memberId, assignment: Buffer.from('S') }],
    });
    const j2 = await c.joinGroup(join({ groupInstanceId: 'instance-1' }));
    assert.equal(j2.error, 'NONE');
    assert.notEqual(j2.memberId, j1.memberId);
    assert.equal(j2.generationId, 1, 'no new generation');
    assert.equal(j2.leader, j1.memberId, 'older clients are told the old leader id');
    assert.equal(c.describeGroup('g').state, 'Stable');
    const s2 = await c.syncGroup({ ...syncOf(j2), groupInstanceId: 'instance-1', assignments: [] });
    assert.deepEqual(s2.assignment, Buffer.from('S'), 'the assignment follows the instance');
    assert.equal(
      c.heartbeat({ groupId: 'g', generationId: 1, memberId: j1.memberId, groupInstanceId: 'instance-1' }),
      'FENCED_INSTANCE_ID',
    );
    assert.equal(
      (await c.joinGroup(join({ memberId: j1.memberId, groupInstanceId: 'instance-1' }))).error,
      'FENCED_INSTANCE_ID',
    );
    const j3 = await c.joinGroup(
      join({ groupInstanceId: 'instance-1', supportsSkipAssignment: true } as Partial<JoinGroupParams>),
    );
    assert.equal(j3.skipAssignment, true, 'KIP-814: the static leader must not reassign');
    assert.equal(j3.leader, j3.memberId);
    // A static member leaves by instance id alone.
    const left = c.leaveGroup('g', [{ memberId: '', groupInstanceId: 'instance-1' }]);
    assert.equal(left.members[0]?.error, 'NONE');
  });

  it('refuses new members past group.max.size', async () => {
    const env = await setup({ groupMaxSize: 1 });
    await stableSingle(env);
    const r = await env.coordinator.joinGroup(join({ clientId: 'b' }));
    assert.equal(r.error, 'GROUP_MAX_SIZE_REACHED');
  });

  it('expires a pending member id that never rejoins', async () => {
    const env = await setup();
    const first = await env.coordinator.joinGroup(join());
    await env.advance(10_000);
    const again = await env.coordinator.joinGroup(join({ memberId: first.memberId }));
    assert.equal(again.error, 'UNKNOWN_MEMBER_ID');
  });
});

function syncOf(j: JoinGroupResult) {
  return {
    groupId: 'g',
    generationId: j.generationId,
    memberId: j.memberId,
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
  };
}

describe('GroupCoordinator offsets', () => {
  const part = (offset: bigint, metadata: string | null = 'meta') => ({
    topic: 't',
    partition: 0,
    offset,
    leaderEpoch: 3,
    metadata,
  });

  it('stores commits without group management and fetches them back', async () => {
    const { coordinator: c } = await setup();
    const r = await c.commitOffsets({
      groupId: 'simple',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      partitions: [part(10n)],
    });
    assert.deepEqual(r, [{ topic: 't', partition: 0, error: 'NONE' }]);
    const f = c.fetchOffsets('simple', [
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ]);
    assert.equal(f.error, 'NONE');
    assert.deepEqual(f.partitions, [
      { topic: 't', partition: 0, offset: 10n, leaderEpoch: 3, metadata: 'meta', error: 'NONE' },
      { topic: 't', partition: 1, offset: -1n, leaderEpoch: -1, metadata: '', error: 'NONE' },
    ]);
    assert.equal(c.fetchOffsets('simple', null).partitions.length, 1);
    assert.deepEqual(c.listGroups().groups, [{ groupId: 'simple', protocolType: '', state: 'Empty' }]);
  });

  it('answers Kafka errors for stale generations, unknown members and oversized metadata', async () => {
    const env = await setup({ offsetMetadataMaxBytes: 4 });
    const c = env.coordinator;
    assert.equal(
      (
        await c.commitOffsets({
          groupId: 'none',
          generationId: 3,
          memberId: 'm',
          groupInstanceId: null,
          retentionTimeMs: -1,
          partitions: [part(1n, null)],
        })
      )[0]?.error,
      'ILLEGAL_GENERATION',
    );
    const a = await stableSingle(env);
    const base = { groupId: 'g', groupInstanceId: null, retentionTimeMs: -1 };
    assert.equal(
      (await c.commitOffsets({ ...base, generationId: 1, memberId: 'x', partitions: [part(1n, null)] }))[0]
        ?.error,
      'UNKNOWN_MEMBER_ID',
    );
    assert.equal(
      (
        await c.commitOffsets({
          ...base,
          generationId: 0,
          memberId: a.memberId,
          partitions: [part(1n, null)],
        })
      )[0]?.error,
      'ILLEGAL_GENERATION',
    );
    assert.equal(
      (await c.commitOffsets({ ...base, generationId: -1, memberId: '', partitions: [part(1n, null)] }))[0]
        ?.error,
      'UNKNOWN_MEMBER_ID',
    );
    const mixed = await c.commitOffsets({
      ...base,
      generationId: 1,
      memberId: a.memberId,
      partitions: [
        part(1n, 'way too long'),
        { topic: 't', partition: 1, offset: 2n, leaderEpoch: -1, metadata: 'ok' },
      ],
    });
    assert.deepEqual(
      mixed.map((m) => m.error),
      ['OFFSET_METADATA_TOO_LARGE', 'NONE'],
    );
  });

  it('does not acknowledge a commit whose append failed', async () => {
    const env = await setup();
    env.log.failNextAppend = 'NOT_LEADER_OR_FOLLOWER';
    const r = await env.coordinator.commitOffsets({
      groupId: 's',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      partitions: [part(1n)],
    });
    assert.equal(r[0]?.error, 'NOT_COORDINATOR');
    assert.equal(
      env.coordinator.fetchOffsets('s', [{ topic: 't', partition: 0 }]).partitions[0]?.offset,
      -1n,
    );
  });

  it('reloads groups and offsets by replaying the log after a restart', async () => {
    const env = await setup();
    const a = await stableSingle(env);
    await env.coordinator.commitOffsets({
      groupId: 'g',
      generationId: 1,
      memberId: a.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1,
      partitions: [part(7n), { ...part(9n), partition: 1 }],
    });
    await env.coordinator.commitOffsets({
      groupId: 'g',
      generationId: 1,
      memberId: a.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1,
      partitions: [part(8n)],
    });
    await env.coordinator.commitOffsets({
      groupId: 'other',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      partitions: [part(1n)],
    });
    await env.coordinator.deleteGroups(['other']);
    env.coordinator.shutdown();

    const restarted = await setup({}, env.log, env.clock);
    const c = restarted.coordinator;
    const d = c.describeGroup('g');
    assert.equal(d.state, 'Stable');
    assert.equal(d.protocol, 'range');
    assert.deepEqual(
      d.members.map((m) => [m.memberId, m.assignment.toString()]),
      [[a.memberId, 'A']],
    );
    assert.deepEqual(
      c.fetchOffsets('g', null).partitions.map((p) => [p.partition, p.offset]),
      [
        [0, 8n],
        [1, 9n],
      ],
    );
    assert.equal(c.describeGroup('other').state, 'Dead', 'the deleted group stays deleted');
    // The reloaded member carries on in its generation.
    assert.equal(
      c.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null }),
      'NONE',
    );
    // And is expired if it never comes back; with nobody left the rebalance ends at once, Empty.
    await restarted.advance(10_000);
    assert.equal(c.describeGroup('g').state, 'Empty');
    assert.equal(c.describeGroup('g').members.length, 0);
  });

  it('expires offsets of an Empty group after offsets.retention.minutes and then drops the group', async () => {
    const env = await setup({ offsetsRetentionMs: 60_000, offsetsRetentionCheckIntervalMs: 10_000 });
    const c = env.coordinator;
    const a = await stableSingle(env);
    await c.commitOffsets({
      groupId: 'g',
      generationId: 1,
      memberId: a.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1,
      partitions: [part(7n)],
    });
    c.leaveGroup('g', [{ memberId: a.memberId, groupInstanceId: null }]);
    await env.advance(0);
    assert.equal(c.describeGroup('g').state, 'Empty');
    await env.advance(50_000);
    assert.equal(c.fetchOffsets('g', null).partitions.length, 1, 'kept within retention');
    await env.advance(20_000);
    await flush();
    assert.equal(c.fetchOffsets('g', null).partitions.length, 0);
    assert.equal(c.describeGroup('g').state, 'Dead');
    assert.deepEqual(c.listGroups().groups, []);
    const last = env.log.all().slice(-2).map(decodeCoordinatorRecord);
    assert.deepEqual(
      last.map((r) => [r.type, r.type === 'other' ? null : r.value]),
      [
        ['offset', null],
        ['group', null],
      ],
    );
  });

  it('deletes only empty groups, and deletes offsets of topics no longer subscribed', async () => {
    const env = await setup();
    const c = env.coordinator;
    const a = await stableSingle(env);
    await c.commitOffsets({
      groupId: 'g',
      generationId: 1,
      memberId: a.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1,
      partitions: [part(7n), { ...part(1n), topic: 'old' }],
    });
    assert.equal((await c.deleteGroups(['g', 'missing'])).get('g'), 'NON_EMPTY_GROUP');
    assert.equal((await c.deleteGroups(['missing'])).get('missing'), 'GROUP_ID_NOT_FOUND');
    const del = await c.deleteOffsets('g', [
      { topic: 't', partition: 0 },
      { topic: 'old', partition: 0 },
    ]);
    assert.equal(del.error, 'NONE');
    assert.deepEqual(
      del.partitions.map((p) => [p.topic, p.error]),
      [
        ['t', 'GROUP_SUBSCRIBED_TO_TOPIC'],
        ['old', 'NONE'],
      ],
    );
    assert.equal(
      (await c.deleteOffsets('missing', [{ topic: 't', partition: 0 }])).error,
      'GROUP_ID_NOT_FOUND',
    );
    c.leaveGroup('g', [{ memberId: a.memberId, groupInstanceId: null }]);
    await env.advance(0);
    assert.equal((await c.deleteGroups(['g'])).get('g'), 'NONE');
    assert.equal(c.fetchOffsets('g', null).partitions.length, 0);
    assert.equal((await c.deleteGroups(['g'])).get('g'), 'GROUP_ID_NOT_FOUND');
  });

  it('filters ListGroups by state case-insensitively', async () => {
    const env = await setup();
    await stableSingle(env);
    await env.coordinator.commitOffsets({
      groupId: 's',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      partitions: [part(1n)],
    });
    assert.deepEqual(
      env.coordinator.listGroups(['stable']).groups.map((g) => g.groupId),
      ['g'],
    );
    assert.equal(env.coordinator.listGroups([], ['consumer']).groups.length, 0);
    assert.equal(env.coordinator.listGroups([], ['Classic']).groups.length, 2);
  });
});
