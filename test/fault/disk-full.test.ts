import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ErrorCode } from '../../src/protocol/errors.js';
import { CreateTopics } from '../../src/protocol/messages/create-topics.js';
import { DeleteTopics } from '../../src/protocol/messages/delete-topics.js';
import { Fetch } from '../../src/protocol/messages/fetch.js';
import { Metadata } from '../../src/protocol/messages/metadata.js';
import { Produce } from '../../src/protocol/messages/produce.js';
import { encodeRecordBatch } from '../../src/protocol/records/records.js';
import { RawClient } from '../broker/raw-client.js';
import { type BrokerProcess, startBrokerProcess } from '../helpers/broker.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** A real full disk: a small tmpfs (needs root; the suite skips without it). */
function mountTmpfs(dir: string, size: string): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Writes `file` until the file system refuses more (ENOSPC). */
function fillDisk(file: string): void {
  const fd = fs.openSync(file, 'a');
  try {
    for (const chunk of [64 * 1024, 4096, 512, 1]) {
      const buffer = Buffer.alloc(chunk, 1);
      for (;;) {
        try {
          fs.writeSync(fd, buffer);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          break;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

const records = (count: number, size: number) =>
  encodeRecordBatch(
    Array.from({ length: count }, () => ({
      key: null,
      value: Buffer.alloc(size, 0x61),
      headers: [],
      timestamp: BigInt(Date.now()),
    })),
  );

const produceBody = (topic: string, batch: Buffer) => ({
  transactionalId: null,
  acks: 1,
  timeoutMs: 5000,
  topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }],
});

const topicBody = (name: string) => ({
  topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
  timeoutMs: 5000,
  validateOnly: false,
});

const CONFIG = {
  'offsets.topic.num.partitions': '1',
  'transaction.state.log.num.partitions': '1',
  'auto.create.topics.enable': 'false',
};

async function metadataError(client: RawClient, topic: string): Promise<number> {
  const res = await client.request(Metadata, 1, { topics: [{ name: topic }] });
  return res.topics[0].errorCode;
}

describe('a full disk', () => {
  const mountPoint = makeTempDir('samsa-full-disk-');
  const dataDir = path.join(mountPoint.path, 'data');
  const filler = path.join(mountPoint.path, 'filler');
  let mounted = false;
  let broker: BrokerProcess | undefined;
  let client: RawClient | undefined;

  before(() => {
    mounted = mountTmpfs(mountPoint.path, '16m');
  });

  after(async () => {
    client?.close();
    await broker?.kill('SIGKILL');
    if (mounted) execFileSync('umount', [mountPoint.path]);
    mountPoint.cleanup();
  });

  it('answers KAFKA_STORAGE_ERROR, deletes consistently, and refuses a clean exit it could not make', async (context) => {
    if (!mounted) {
      context.skip('cannot mount a tmpfs here (needs root)');
      return;
    }
    broker = await startBrokerProcess({ dataDir, config: CONFIG });
    client = await RawClient.open(broker.bootstrap);
    for (const name of ['full', 'doomed']) {
      assert.equal(
        (await client.request(CreateTopics, 4, topicBody(name))).topics[0].errorCode,
        ErrorCode.NONE,
      );
    }
    const ok = await client.request(Produce, 7, produceBody('full', records(10, 100)));
    assert.equal(ok.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
    // The topic to be deleted holds 1 MB: deleting it must give that back.
    for (let i = 0; i < 10; i++) {
      const res: { responses: { partitionResponses: { errorCode: number }[] }[] } = await client.request(
        Produce,
        7,
        produceBody('doomed', records(10, 10_000)),
      );
      assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
    }

    fillDisk(filler);

    // Produce: Kafka's answer for a failed log write.
    const refused = await client.request(Produce, 7, produceBody('full', records(10, 10_000)));
    assert.equal(refused.responses[0].partitionResponses[0].errorCode, ErrorCode.KAFKA_STORAGE_ERROR);
    // What was acknowledged before is still served.
    const fetched = await client.request(Fetch, 4, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      topics: [
        { topic: 'full', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] },
      ],
    });
    assert.equal(fetched.responses[0].partitions[0].highWatermark, 10n);

    // Delete on the full disk: the directory is renamed (no space needed), its files freed, and the
    // metadata written: the topic is gone, and stays gone after a restart.
    const deleted = await client.request(DeleteTopics, 4, { topicNames: ['doomed'], timeoutMs: 5000 });
    assert.equal(deleted.responses[0].errorCode, ErrorCode.NONE, broker.output());
    assert.equal(await metadataError(client, 'doomed'), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assert.ok(!fs.readdirSync(dataDir).some((name) => name.startsWith('doomed-0')), 'its files are removed');

    // Fill what the delete gave back; shutdown cannot checkpoint: a non-zero exit, one line why.
    fillDisk(filler);
    client.close();
    client = undefined;
    const status = await broker.stop();
    assert.notEqual(status.code, 0, broker.output());
    const reason = broker
      .output()
      .split('\n')
      .find((line) => line.startsWith('samsa start:'));
    assert.match(reason ?? '', /KAFKA_STORAGE_ERROR: shutdown could not/, broker.output());
    assert.ok(!fs.existsSync(path.join(dataDir, '.kafka_cleanshutdown')), 'no clean-shutdown marker');

    // With space again the broker recovers: acknowledged records kept, the deleted topic still gone.
    fs.rmSync(filler);
    broker = await startBrokerProcess({ dataDir, config: CONFIG });
    client = await RawClient.open(broker.bootstrap);
    assert.equal(await metadataError(client, 'doomed'), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assert.equal(await metadataError(client, 'full'), ErrorCode.NONE);
    const again = await client.request(Produce, 7, produceBody('full', records(1, 10)));
    assert.equal(again.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
    assert.equal(again.responses[0].partitionResponses[0].baseOffset, 10n);
    client.close();
    client = undefined;
    assert.equal((await broker.stop()).code, 0, broker.output());
    broker = undefined;
  });
});
