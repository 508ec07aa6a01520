import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { ErrorCode } from '../../src/protocol/errors.js';
import { decodeResponseFrame, encodeRequestFrame } from '../../src/protocol/header.js';
import { ApiVersions } from '../../src/protocol/messages/api-versions.js';
import { CreatePartitions } from '../../src/protocol/messages/create-partitions.js';
import { CreateTopics } from '../../src/protocol/messages/create-topics.js';
import { Metadata } from '../../src/protocol/messages/metadata.js';
import { kafkaFor } from '../compat/kafkajs-client.js';
import { startBroker, startBrokerProcess, type TestBroker } from '../helpers/broker.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { RawClient } from './raw-client.js';

const INT32_MAX = 2147483647;

const createBody = (name: string, numPartitions: number) => ({
  topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs: [] }],
  timeoutMs: 30_000,
  validateOnly: false,
});

function partitionDirs(dataDir: string, topic: string): number {
  return fs.readdirSync(dataDir).filter((name) => name.startsWith(`${topic}-`)).length;
}

describe('partition limits: a hostile CreateTopics / CreatePartitions is refused', () => {
  let t: TestBroker;
  let client: RawClient;

  before(async () => {
    t = await startBroker({
      config: {
        'offsets.topic.num.partitions': '2',
        'transaction.state.log.num.partitions': '2',
        'max.broker.partitions': '100',
      },
    });
    client = await RawClient.open(t.bootstrap);
  });

  after(async () => {
    client.close();
    await t.cleanup();
  });

  it('CreateTopics v7 for 2^31-1 partitions: POLICY_VIOLATION at once, nothing created, broker serving', async () => {
    const res = await client.request(CreateTopics, 7, createBody('huge', INT32_MAX));
    assert.equal(res.topics[0].errorCode, ErrorCode.POLICY_VIOLATION);
    assert.match(res.topics[0].errorMessage, /Excessively large number of partitions per request/);
    assert.equal(partitionDirs(t.dataDir, 'huge'), 0);
    const meta = await client.request(Metadata, 12, {
      topics: [{ topicId: Buffer.alloc(16), name: 'huge' }],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    assert.equal(meta.topics[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const other = await RawClient.open(t.bootstrap);
    try {
      assert.equal(
        (await other.request(ApiVersions, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' }))
          .errorCode,
        0,
      );
    } finally {
      other.close();
    }
  });

  it('the per-request bound counts every topic of the request, and fails them all', async () => {
    const res = await client.request(CreateTopics, 7, {
      topics: [
        { name: 'part-a', numPartitions: 6000, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'part-b', numPartitions: 6000, replicationFactor: 1, assignments: [], configs: [] },
      ],
      timeoutMs: 5000,
      validateOnly: true,
    });
    assert.deepEqual(
      res.topics.map((x: { errorCode: number }) => x.errorCode),
      [ErrorCode.POLICY_VIOLATION, ErrorCode.POLICY_VIOLATION],
    );
  });

  it('max.broker.partitions bounds the total, counting what exists', async () => {
    const ok = await client.request(CreateTopics, 7, createBody('fits', 90));
    assert.equal(ok.topics[0].errorCode, ErrorCode.NONE);
    const over = await client.request(CreateTopics, 7, createBody('too-many', 10));
    assert.equal(over.topics[0].errorCode, ErrorCode.POLICY_VIOLATION);
    assert.match(over.topics[0].errorMessage, /max\.broker\.partitions is 100/);
    assert.equal(partitionDirs(t.dataDir, 'too-many'), 0);
  });

  it('CreatePartitions to 2^31-1 is refused the same way, and the topic keeps its partitions', async () => {
    const res = await client.request(CreatePartitions, 3, {
      topics: [{ name: 'fits', count: INT32_MAX, assignments: null }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    assert.equal(res.results[0].errorCode, ErrorCode.POLICY_VIOLATION);
    assert.equal(partitionDirs(t.dataDir, 'fits'), 90);
    const small = await client.request(CreatePartitions, 3, {
      topics: [{ name: 'fits', count: 95, assignments: null }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    assert.equal(small.results[0].errorCode, ErrorCode.NONE);
    const over = await client.request(CreatePartitions, 3, {
      topics: [{ name: 'fits', count: 101, assignments: null }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    assert.equal(over.results[0].errorCode, ErrorCode.POLICY_VIOLATION);
  });

  it('KafkaJS admin createTopics for 2^31-1 partitions fails with POLICY_VIOLATION', async () => {
    const admin = kafkaFor(t.bootstrap, 'partition-limits').admin();
    await admin.connect();
    try {
      await assert.rejects(
        admin.createTopics({ topics: [{ topic: 'kafkajs-huge', numPartitions: INT32_MAX }] }),
        (error: { errors?: { type?: string }[]; type?: string }) => {
          const types = [error.type, ...(error.errors ?? []).map((e) => e.type)];
          return types.includes('POLICY_VIOLATION');
        },
      );
      const topics = await admin.listTopics();
      assert.ok(!topics.includes('kafkajs-huge'));
    } finally {
      await admin.disconnect();
    }
  });
});

describe('a legitimate 1,000-partition create keeps the broker responsive, and it restarts on that data dir', () => {
  // Enough partitions for the create to take seconds here, and more than the descriptor limit below.
  const PARTITIONS = 1000;
  const dir = makeTempDir('samsa-partitions-');
  after(() => dir.cleanup());

  it('other clients are answered while the partitions are created', async () => {
    const t = await startBroker({ dataDir: dir.path });
    const delay = monitorEventLoopDelay({ resolution: 10 });
    const creator = await RawClient.open(t.bootstrap);
    const other = await RawClient.open(t.bootstrap);
    try {
      delay.enable();
      let created = false;
      creator.send(
        encodeRequestFrame(
          CreateTopics.request,
          7,
          { correlationId: 1, clientId: 'creator' },
          createBody('wide', PARTITIONS),
        ),
      );
      // Creating a partition costs a few fsyncs, slow on a loaded machine: allow minutes.
      const creating = creator.nextFrame(300_000).then((frame) => {
        created = true;
        return decodeResponseFrame<any>(CreateTopics.response, 7, frame).body;
      });
      // Round trips on another connection until the create is answered: at least one must come
      // back while it is still running (before the fix the create held the event loop to the end).
      let answeredDuringCreate = 0;
      while (!created) {
        const res = await other.request(ApiVersions, 0, {});
        assert.equal(res.errorCode, ErrorCode.NONE);
        if (!created) answeredDuringCreate++;
      }
      const res = await creating;
      delay.disable();
      assert.equal(res.topics[0].errorCode, ErrorCode.NONE);
      assert.equal(res.topics[0].numPartitions, PARTITIONS);
      assert.ok(answeredDuringCreate > 0, 'ApiVersions answered while the create was in progress');
      assert.equal(partitionDirs(t.dataDir, 'wide'), PARTITIONS);
      console.log(
        `# ${PARTITIONS}-partition create: ${answeredDuringCreate} ApiVersions answered meanwhile, longest event-loop stall ${(delay.max / 1e6).toFixed(1)} ms`,
      );
    } finally {
      creator.close();
      other.close();
      await t.cleanup();
    }
  });

  it('the broker restarts on that data dir under a descriptor limit below its partition count', async (context) => {
    if (!fs.existsSync('/usr/bin/prlimit')) {
      context.skip('prlimit (util-linux) is not installed');
      return;
    }
    const child = await startBrokerProcess({
      dataDir: dir.path,
      launcher: ['/usr/bin/prlimit', '--nofile=256:256'],
      startupTimeoutMs: 60_000,
    });
    const client = await RawClient.open(child.bootstrap);
    try {
      const meta = await client.request(Metadata, 1, { topics: [{ name: 'wide' }] });
      assert.equal(meta.topics[0].errorCode, ErrorCode.NONE, child.output());
      assert.equal(meta.topics[0].partitions.length, PARTITIONS);
      const open = fs.readdirSync(`/proc/${child.pid}/fd`).length;
      assert.ok(open < 256, `${open} descriptors open`);
    } finally {
      client.close();
      const status = await child.stop();
      assert.equal(status.code, 0, child.output());
    }
  });
});
