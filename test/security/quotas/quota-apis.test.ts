import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admin } from '../../../src/client/admin.js';
import { ClusterClient } from '../../../src/client/cluster-client.js';
import { ErrorCode } from '../../../src/protocol/errors.js';
import { AlterClientQuotas } from '../../../src/protocol/messages/alter-client-quotas.js';
import { CreateTopics } from '../../../src/protocol/messages/create-topics.js';
import { DescribeClientQuotas } from '../../../src/protocol/messages/describe-client-quotas.js';
import { Fetch } from '../../../src/protocol/messages/fetch.js';
import { Produce } from '../../../src/protocol/messages/produce.js';
import { encodeRecordBatch } from '../../../src/protocol/records/records.js';
import { RawClient } from '../../broker/raw-client.js';
import { startBroker, type TestBroker } from '../../helpers/broker.js';

const entity = (pairs: Record<string, string | null>) =>
  Object.entries(pairs).map(([entityType, entityName]) => ({ entityType, entityName }));

function alterBody(
  pairs: Record<string, string | null>,
  ops: { key: string; value?: number }[],
  validateOnly = false,
) {
  return {
    entries: [
      {
        entity: entity(pairs),
        ops: ops.map((o) => ({ key: o.key, value: o.value ?? 0, remove: o.value === undefined })),
      },
    ],
    validateOnly,
  };
}

function produceBody(topic: string, bytes: number) {
  const records = encodeRecordBatch([
    { key: null, value: Buffer.alloc(bytes, 1), headers: [], timestamp: BigInt(Date.now()) },
  ]);
  return {
    transactionalId: null,
    acks: 1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  };
}

describe('DescribeClientQuotas / AlterClientQuotas', () => {
  let t: TestBroker;
  let raw: RawClient;

  before(async () => {
    t = await startBroker();
    raw = await RawClient.open(t.bootstrap);
  });
  after(async () => {
    raw.close();
    await t.cleanup();
  });

  for (const version of [0, 1]) {
    it(`sets, describes and removes quotas (v${version})`, async () => {
      const user = `alice-v${version}`;
      const set = await raw.request(
        AlterClientQuotas,
        version,
        alterBody({ user, 'client-id': 'c1' }, [
          { key: 'producer_byte_rate', value: 1024 },
          { key: 'request_percentage', value: 12.5 },
        ]),
      );
      assert.deepEqual(set.entries[0].errorCode, ErrorCode.NONE);
      const described = await raw.request(DescribeClientQuotas, version, {
        components: [{ entityType: 'user', matchType: 0, match: user }],
        strict: false,
      });
      assert.equal(described.errorCode, 0);
      assert.equal(described.entries.length, 1);
      assert.deepEqual(described.entries[0].entity, entity({ user, 'client-id': 'c1' }));
      assert.deepEqual(
        [...described.entries[0].values].sort((a: any, b: any) => a.key.localeCompare(b.key)),
        [
          { key: 'producer_byte_rate', value: 1024 },
          { key: 'request_percentage', value: 12.5 },
        ],
      );
      const strict = await raw.request(DescribeClientQuotas, version, {
        components: [{ entityType: 'user', matchType: 0, match: user }],
        strict: true,
      });
      assert.equal(strict.entries.length, 0, 'strict leaves out the user+client-id entity');
      await raw.request(
        AlterClientQuotas,
        version,
        alterBody({ user, 'client-id': 'c1' }, [
          { key: 'producer_byte_rate' },
          { key: 'request_percentage' },
        ]),
      );
      const gone = await raw.request(DescribeClientQuotas, version, {
        components: [{ entityType: 'user', matchType: 0, match: user }],
        strict: false,
      });
      assert.equal(gone.entries.length, 0);
    });
  }

  it('matches default and any entities', async () => {
    await raw.request(
      AlterClientQuotas,
      1,
      alterBody({ user: null }, [{ key: 'consumer_byte_rate', value: 5000 }]),
    );
    await raw.request(
      AlterClientQuotas,
      1,
      alterBody({ user: 'bob' }, [{ key: 'consumer_byte_rate', value: 6000 }]),
    );
    const defaults = await raw.request(DescribeClientQuotas, 1, {
      components: [{ entityType: 'user', matchType: 1, match: null }],
      strict: true,
    });
    assert.deepEqual(
      defaults.entries.map((e: any) => e.entity),
      [entity({ user: null })],
    );
    const any = await raw.request(DescribeClientQuotas, 1, {
      components: [{ entityType: 'user', matchType: 2, match: null }],
      strict: true,
    });
    assert.deepEqual(any.entries.map((e: any) => e.entity[0].entityName).sort(), ['bob', null].sort());
  });

  it('answers INVALID_REQUEST for unknown keys, entity types, fractions of LONG keys and bad combinations', async () => {
    const cases: [Record<string, string | null>, string, number][] = [
      [{ user: 'x' }, 'no_such_quota', 1],
      [{ group: 'x' }, 'producer_byte_rate', 1],
      [{ user: 'x' }, 'producer_byte_rate', 1.5],
      [{ user: 'x' }, 'producer_byte_rate', -5],
      [{ user: '' }, 'producer_byte_rate', 1],
      [{ ip: '10.0.0.1', user: 'x' }, 'connection_creation_rate', 1],
      [{ ip: 'not-an-ip' }, 'connection_creation_rate', 1],
      [{ ip: '10.0.0.1' }, 'producer_byte_rate', 1],
    ];
    for (const [pairs, key, value] of cases) {
      const res = await raw.request(AlterClientQuotas, 1, alterBody(pairs, [{ key, value }]));
      assert.equal(
        res.entries[0].errorCode,
        ErrorCode.INVALID_REQUEST,
        `${JSON.stringify(pairs)} ${key}=${value}`,
      );
      assert.ok(res.entries[0].errorMessage, 'with a message');
    }
    const empty = await raw.request(AlterClientQuotas, 1, {
      entries: [{ entity: [], ops: [] }],
      validateOnly: false,
    });
    assert.equal(empty.entries[0].errorCode, ErrorCode.INVALID_REQUEST);
    const dup = await raw.request(DescribeClientQuotas, 1, {
      components: [
        { entityType: 'user', matchType: 2, match: null },
        { entityType: 'user', matchType: 1, match: null },
      ],
      strict: false,
    });
    assert.equal(dup.errorCode, ErrorCode.INVALID_REQUEST);
    assert.equal(dup.entries, null);
    const custom = await raw.request(DescribeClientQuotas, 1, {
      components: [{ entityType: 'group', matchType: 2, match: null }],
      strict: false,
    });
    assert.equal(custom.errorCode, ErrorCode.UNSUPPORTED_VERSION);
  });

  it('validate_only checks without storing', async () => {
    const res = await raw.request(
      AlterClientQuotas,
      1,
      alterBody({ 'client-id': 'dry' }, [{ key: 'producer_byte_rate', value: 100 }], true),
    );
    assert.equal(res.entries[0].errorCode, 0);
    const described = await raw.request(DescribeClientQuotas, 1, {
      components: [{ entityType: 'client-id', matchType: 0, match: 'dry' }],
      strict: false,
    });
    assert.equal(described.entries.length, 0);
  });

  it('Samsa’s admin client round-trips quotas', async () => {
    const cluster = new ClusterClient({ brokers: t.bootstrap });
    try {
      const admin = new Admin(cluster);
      const [result] = await admin.alterClientQuotas([
        { entity: { user: 'carol', 'client-id': null }, ops: { producer_byte_rate: 2048 } },
      ]);
      assert.equal(result!.error, null);
      const entries = await admin.describeClientQuotas([{ entityType: 'user', match: 'carol' }]);
      assert.deepEqual(entries, [
        { entity: { user: 'carol', 'client-id': null }, values: { producer_byte_rate: 2048 } },
      ]);
      const [bad] = await admin.alterClientQuotas([{ entity: { user: 'carol' }, ops: { bogus: 1 } }]);
      assert.equal(bad!.error?.kafkaError, 'INVALID_REQUEST');
    } finally {
      await cluster.close();
    }
  });
});

describe('quota enforcement', () => {
  let t: TestBroker;
  let raw: RawClient;

  before(async () => {
    t = await startBroker({ config: { 'quota.window.num': '11', 'quota.window.size.seconds': '1' } });
    raw = await RawClient.open(t.bootstrap);
    await raw.request(CreateTopics, 4, {
      topics: [{ name: 'q', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
    });
  });
  after(async () => {
    raw.close();
    await t.cleanup();
  });

  it('answers an over-quota produce with throttle_time_ms and mutes the connection for it', async () => {
    // RawClient's client id is raw-test; 1000 B/s over an 11 s window takes ~10 kB before throttling.
    await raw.request(
      AlterClientQuotas,
      1,
      alterBody({ 'client-id': 'raw-test' }, [{ key: 'producer_byte_rate', value: 1000 }]),
    );
    const first = await raw.request(Produce, 7, produceBody('q', 2000));
    assert.equal(first.throttleTimeMs, 0, 'within quota');
    const over = await raw.request(Produce, 7, produceBody('q', 30_000));
    assert.equal(over.responses[0].partitionResponses[0].errorCode, 0, 'the data is still written');
    // (32 kB / 10 s - 1000) / 1000 * 10 s ≈ 22 s.
    assert.ok(over.throttleTimeMs > 15_000, `throttle ${over.throttleTimeMs}`);
    // Muted: the next request is not read until the throttle ends.
    const other = await RawClient.open(t.bootstrap);
    const started = Date.now();
    const pending = raw.request(Produce, 7, produceBody('q', 10)).then(
      () => Date.now() - started,
      () => 'no answer',
    );
    assert.equal(await pending, 'no answer', 'no answer within 5 s while throttled for ~22 s');
    // Another connection with another client id is served meanwhile.
    const served = await other.request(Fetch, 4, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1_000_000,
      isolationLevel: 0,
      topics: [{ topic: 'q', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1_000_000 }] }],
    });
    assert.equal(served.responses[0].partitions[0].errorCode, 0);
    // The throttled connection stays muted; the quota is removed over the other one.
    await other.request(
      AlterClientQuotas,
      1,
      alterBody({ 'client-id': 'raw-test' }, [{ key: 'producer_byte_rate' }]),
    );
    other.close();
    raw.close();
    raw = await RawClient.open(t.bootstrap);
  });

  it('bounds a consumer fetch by the quota window and throttles it', async () => {
    await raw.request(
      AlterClientQuotas,
      1,
      alterBody({ 'client-id': 'raw-test' }, [{ key: 'consumer_byte_rate', value: 100 }]),
    );
    const res = await raw.request(Fetch, 11, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 10_000_000,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        { topic: 'q', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 10_000_000 }] },
      ],
      forgottenTopicsData: [],
      rackId: '',
    });
    const records: Buffer = res.responses[0].partitions[0].records;
    // 100 B/s × 10 windows: at most 1000 bytes, but Kafka still returns the first batch whole.
    assert.ok(records.length > 0 && records.length < 30_000, `records ${records.length}`);
    assert.ok(res.throttleTimeMs > 0, `throttle ${res.throttleTimeMs}`);
  });

  it('keeps quotas across a restart', async () => {
    await t.broker.stop();
    const again = await startBroker({ dataDir: t.dataDir });
    try {
      const c = await RawClient.open(again.bootstrap);
      const described = await c.request(DescribeClientQuotas, 1, {
        components: [{ entityType: 'client-id', matchType: 0, match: 'raw-test' }],
        strict: true,
      });
      assert.deepEqual(described.entries[0].values, [{ key: 'consumer_byte_rate', value: 100 }]);
      c.close();
    } finally {
      await again.broker.stop();
    }
  });
});

describe('quota throttles of old clients and of request time', () => {
  let t: TestBroker;
  let raw: RawClient;

  before(async () => {
    t = await startBroker();
    raw = await RawClient.open(t.bootstrap);
    await raw.request(CreateTopics, 4, {
      topics: [{ name: 'old', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
    });
  });
  after(async () => {
    raw.close();
    await t.cleanup();
  });

  it('holds back the response of a Produce v3 client for the throttle time', async () => {
    await raw.request(
      AlterClientQuotas,
      1,
      alterBody({ 'client-id': 'raw-test' }, [{ key: 'producer_byte_rate', value: 10_000 }]),
    );
    const started = Date.now();
    // ~120 kB over a 10 s window against 10 kB/s: a throttle of about 2 s.
    const res = await raw.request(Produce, 3, produceBody('old', 120_000));
    const elapsed = Date.now() - started;
    assert.ok(res.throttleTimeMs > 1500 && res.throttleTimeMs < 2500, `throttle ${res.throttleTimeMs}`);
    assert.ok(elapsed >= res.throttleTimeMs - 50, `answered after ${elapsed} ms`);
  });

  it('caps the request-time throttle at one window and mutes the connection', async () => {
    const other = await RawClient.open(t.bootstrap);
    try {
      await other.request(
        AlterClientQuotas,
        1,
        alterBody({ 'client-id': 'raw-test' }, [
          { key: 'producer_byte_rate' },
          { key: 'request_percentage', value: 0.000001 },
        ]),
      );
      const first = await other.request(DescribeClientQuotas, 1, { components: [], strict: false });
      assert.equal(first.throttleTimeMs, 1000, 'capped at quota.window.size.seconds');
      const started = Date.now();
      await other.request(DescribeClientQuotas, 1, { components: [], strict: false });
      assert.ok(Date.now() - started >= 900, 'the next request waited out the mute');
    } finally {
      other.close();
    }
  });
});
