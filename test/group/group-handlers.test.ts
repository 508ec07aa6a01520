import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deleteGroupsHandler } from '../../src/broker/handlers/delete-groups.js';
import { findCoordinatorHandler } from '../../src/broker/handlers/find-coordinator.js';
import { groupHandlers } from '../../src/broker/handlers/group-handlers.js';
import type { Handler, RequestContext } from '../../src/broker/handlers/handler.js';
import { heartbeatHandler } from '../../src/broker/handlers/heartbeat.js';
import { joinGroupHandler } from '../../src/broker/handlers/join-group.js';
import { listGroupsHandler } from '../../src/broker/handlers/list-groups.js';
import { offsetCommitHandler } from '../../src/broker/handlers/offset-commit.js';
import { offsetFetchHandler } from '../../src/broker/handlers/offset-fetch.js';
import { syncGroupHandler } from '../../src/broker/handlers/sync-group.js';
import { LocalClusterMetadata } from '../../src/cluster/cluster-metadata.js';
import type { MetadataStore } from '../../src/cluster/metadata-store.js';
import { DEFAULT_GROUP_COORDINATOR_CONFIG, GroupCoordinator } from '../../src/group/group-coordinator.js';
import { ManualTimer } from '../../src/group/timer.js';
import { BrokerEndpoints } from '../../src/net/endpoints.js';
import { decodeMessage, encodeMessage } from '../../src/protocol/codec.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { MemoryOffsetsLog } from './memory-offsets-log.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

async function context(withGroups = true) {
  const clock = new ManualClock();
  const timer = new ManualTimer(clock);
  const groups = new GroupCoordinator({
    config: { ...DEFAULT_GROUP_COORDINATOR_CONFIG, groupInitialRebalanceDelayMs: 0 },
    offsetsLog: new MemoryOffsetsLog(),
    clock,
    timer,
  });
  await groups.startup();
  // The internal topics exist, as a single node creates them at start; this broker leads them all.
  const partitionCounts: Record<string, number> = {
    topic: 2,
    __consumer_offsets: 50,
    __transaction_state: 50,
  };
  const topics = {
    partitionCount: (t: string) => partitionCounts[t],
    get: (t: string) => (t in partitionCounts ? { name: t, partitions: partitionCounts[t] } : undefined),
  };
  const store = { getTopic: topics.get } as unknown as MetadataStore;
  const services = {
    config: { brokerId: 1, advertisedHost: 'localhost', advertisedPort: 9092 },
    topics,
    cluster: new LocalClusterMetadata(
      1,
      () => ({ id: 1, host: 'localhost', port: 9092, rack: null, listeners: new Map() }),
      store,
    ),
    endpoints: new BrokerEndpoints(
      [
        {
          name: 'PLAINTEXT',
          securityProtocol: 'PLAINTEXT',
          bindHost: 'localhost',
          bindPort: 9092,
          advertisedHost: 'localhost',
          advertisedPort: 9092,
        },
      ],
      'PLAINTEXT',
    ),
    groups: withGroups ? groups : undefined,
  };
  const ctx = {
    header: { apiKey: 0, apiVersion: 0, correlationId: 1, clientId: 'kafka-python-2.0.2' },
    connectionId: 'c1',
    clientAddress: '127.0.0.1:50000',
    principal: 'User:ANONYMOUS',
    listenerName: 'PLAINTEXT',
    services,
    logger: silentLogger(),
  } as unknown as RequestContext;
  return { ctx, timer, groups };
}

/** Decodes `request` bytes at `version`, runs the handler, and encodes its response. */
async function call(handler: Handler, version: number, request: object, ctx: RequestContext): Promise<any> {
  const wire = encodeMessage(handler.api.request, version, request);
  const decoded = decodeMessage(handler.api.request, version, wire).value;
  const response = await handler.handle(decoded, version, ctx);
  const bytes = encodeMessage(handler.api.response, version, response as object);
  return { bytes, body: decodeMessage(handler.api.response, version, bytes).value };
}

describe('group API handlers', () => {
  it('exports one handler per group API', () => {
    assert.deepEqual(
      groupHandlers.map((h) => h.api.apiKey).sort((a, b) => a - b),
      [8, 9, 10, 11, 12, 13, 14, 15, 16, 42, 47],
    );
  });

  it('answers FindCoordinator v0 with this broker, byte for byte', async () => {
    const { ctx } = await context();
    const { bytes } = await call(findCoordinatorHandler, 0, { key: 'my-group' }, ctx);
    // errorCode 0, nodeId 1, host "localhost", port 9092
    assert.deepEqual(bytes, hex('0000 00000001 0009 6c6f63616c686f7374 00002384'));
  });

  it('answers batched FindCoordinator v4 per key, and INVALID_REQUEST for an unknown key type', async () => {
    const { ctx } = await context();
    const ok = await call(
      findCoordinatorHandler,
      4,
      { keyType: 1, coordinatorKeys: ['txn-a', 'txn-b'] },
      ctx,
    );
    assert.deepEqual(
      ok.body.coordinators.map((c: any) => [c.key, c.nodeId, c.errorCode]),
      [
        ['txn-a', 1, 0],
        ['txn-b', 1, 0],
      ],
    );
    const bad = await call(findCoordinatorHandler, 3, { key: 'g', keyType: 7 }, ctx);
    assert.equal(bad.body.errorCode, 42);
  });

  it('answers COORDINATOR_NOT_AVAILABLE when the broker has no coordinator', async () => {
    const { ctx } = await context(false);
    const r = await call(findCoordinatorHandler, 0, { key: 'g' }, ctx);
    assert.equal(r.body.errorCode, 15);
    const hb = await call(heartbeatHandler, 1, { groupId: 'g', generationId: 1, memberId: 'm' }, ctx);
    assert.equal(hb.body.errorCode, 15);
  });

  it('runs a kafka-python style group: JoinGroup v2, SyncGroup v1, OffsetCommit v2, OffsetFetch v1', async () => {
    const { ctx, timer } = await context();
    const joinReq = {
      groupId: 'g',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 300_000,
      memberId: '',
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.from('meta') }],
    };
    const pending = call(joinGroupHandler, 2, joinReq, ctx);
    timer.advance(0);
    const join = (await pending).body;
    assert.equal(join.errorCode, 0, 'no MEMBER_ID_REQUIRED before v4');
    assert.match(join.memberId, /^kafka-python-2\.0\.2-/);
    assert.equal(join.leader, join.memberId);
    assert.deepEqual(join.members[0].metadata, Buffer.from('meta'));
    const sync = await call(
      syncGroupHandler,
      1,
      {
        groupId: 'g',
        generationId: join.generationId,
        memberId: join.memberId,
        assignments: [{ memberId: join.memberId, assignment: Buffer.from('as') }],
      },
      ctx,
    );
    assert.equal(sync.body.errorCode, 0);
    assert.deepEqual(sync.body.assignment, Buffer.from('as'));

    const commit = await call(
      offsetCommitHandler,
      2,
      {
        groupId: 'g',
        generationIdOrMemberEpoch: join.generationId,
        memberId: join.memberId,
        retentionTimeMs: -1n,
        topics: [
          {
            name: 'topic',
            partitions: [
              { partitionIndex: 0, committedOffset: 12n, committedMetadata: '' },
              { partitionIndex: 5, committedOffset: 1n, committedMetadata: '' },
            ],
          },
          { name: 'nope', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: '' }] },
        ],
      },
      ctx,
    );
    assert.deepEqual(
      commit.body.topics.map((t: any) => [t.name, t.partitions.map((p: any) => p.errorCode)]),
      [
        ['topic', [0, 3]],
        ['nope', [3]],
      ],
    );
    const fetch = await call(
      offsetFetchHandler,
      1,
      { groupId: 'g', topics: [{ name: 'topic', partitionIndexes: [0, 1] }] },
      ctx,
    );
    assert.deepEqual(
      fetch.body.topics[0].partitions.map((p: any) => [p.partitionIndex, p.committedOffset, p.errorCode]),
      [
        [0, 12n],
        [1, -1n],
      ].map(([p, o]) => [p, o, 0]),
    );
    const fetch8 = await call(
      offsetFetchHandler,
      8,
      {
        groups: [
          { groupId: 'g', topics: null },
          { groupId: '', topics: null },
        ],
        requireStable: false,
      },
      ctx,
    );
    assert.equal(fetch8.body.groups[0].topics[0].partitions[0].committedOffset, 12n);
    assert.equal(fetch8.body.groups[1].topics.length, 0);
  });

  it('asks v4+ joiners for a member id, and rejects SyncGroup v5 without protocol type and name', async () => {
    const { ctx } = await context();
    const first = await call(
      joinGroupHandler,
      5,
      {
        groupId: 'g',
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 10_000,
        memberId: '',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
      },
      ctx,
    );
    assert.equal(first.body.errorCode, 79);
    assert.notEqual(first.body.memberId, '');
    const noProtocols = await call(
      joinGroupHandler,
      7,
      {
        groupId: 'g',
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 10_000,
        memberId: '',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [],
      },
      ctx,
    );
    assert.equal(noProtocols.body.errorCode, 23);
    const sync = await call(
      syncGroupHandler,
      5,
      {
        groupId: 'g',
        generationId: 1,
        memberId: 'm',
        groupInstanceId: null,
        protocolType: null,
        protocolName: null,
        assignments: [],
      },
      ctx,
    );
    assert.equal(sync.body.errorCode, 23);
  });

  it('lists and deletes groups', async () => {
    const { ctx, groups } = await context();
    await groups.commitOffsets({
      groupId: 'simple',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      partitions: [{ topic: 'topic', partition: 0, offset: 1n, leaderEpoch: -1, metadata: null }],
    });
    const list = await call(listGroupsHandler, 4, { statesFilter: ['Empty'] }, ctx);
    assert.deepEqual(
      list.body.groups.map((g: any) => [g.groupId, g.protocolType, g.groupState]),
      [['simple', '', 'Empty']],
    );
    const del = await call(deleteGroupsHandler, 2, { groupsNames: ['simple', 'missing'] }, ctx);
    assert.deepEqual(
      del.body.results.map((r: any) => [r.groupId, r.errorCode]),
      [
        ['simple', 0],
        ['missing', 69],
      ],
    );
  });
});
