import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { encodeCompressedBatch } from '../../src/protocol/compression/compressed-batch.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { decodeResponseFrame, encodeRequestFrame } from '../../src/protocol/header.js';
import { Produce } from '../../src/protocol/messages/produce.js';
import { CompressionCodec } from '../../src/protocol/records/record-batch.js';
import { recordWorkerPool } from '../../src/storage/record-worker-pool.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from './raw-client.js';

const run = promisify(execFile);

/** Values of random hex: they compress about 2:1, so a batch of them stays large once compressed. */
function hexRecords(prefix: string, count: number, valueBytes: number, badDeltaAt?: number) {
  return Array.from({ length: count }, (_, i) => ({
    key: Buffer.from(`${prefix}-${i}`),
    value: Buffer.from(randomBytes(valueBytes / 2).toString('hex')),
    headers: [],
    timestamp: BigInt(Date.now()),
    offsetDelta: i === badDeltaAt ? i + 1 : i,
  }));
}

async function consumeKeys(bootstrap: string, topic: string, partition: number): Promise<string[]> {
  const { stdout } = await run(
    'kcat',
    [
      '-C',
      '-b',
      bootstrap,
      '-t',
      topic,
      '-p',
      String(partition),
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%k\n',
    ],
    { maxBuffer: 64 << 20, timeout: 60_000 },
  );
  return stdout.split('\n').filter((line) => line !== '');
}

describe('large compressed batches are validated off the event loop', { timeout: 180_000 }, () => {
  let t: TestBroker;

  before(async () => {
    t = await startBroker({ config: { 'message.max.bytes': String(8 << 20), 'num.partitions': '1' } });
  });

  after(async () => {
    await t.cleanup();
  });

  it('keeps per-partition order of pipelined produces, answers bad large batches, recompresses', async () => {
    const client = await RawClient.open(t.bootstrap);
    try {
      assert.equal(await client.createTopic('pipelined', 2), ErrorCode.NONE);
      assert.equal(
        await client.createTopic('recompressed', 1, { 'compression.type': 'lz4' }),
        ErrorCode.NONE,
      );
      const big = encodeCompressedBatch(hexRecords('big', 3000, 600), CompressionCodec.Gzip);
      const bad = encodeCompressedBatch(hexRecords('bad', 3000, 600, 5), CompressionCodec.Zstd);
      const small = encodeCompressedBatch(hexRecords('small', 3, 20), CompressionCodec.Gzip);
      const toRecompress = encodeCompressedBatch(hexRecords('re', 2000, 600), CompressionCodec.Zstd);
      assert.ok(big.length > 512 * 1024 && bad.length > 512 * 1024, `big batches of ${big.length} bytes`);
      const completedBefore = recordWorkerPool().completed;
      const requests: [string, number, Buffer][] = [
        ['pipelined', 0, big],
        ['pipelined', 0, small],
        ['pipelined', 1, small],
        ['pipelined', 0, bad],
        ['pipelined', 0, small],
        ['recompressed', 0, toRecompress],
      ];
      // All sent at once on one connection: the small ones arrive while the big ones are validated.
      requests.forEach(([topic, partition, records], i) => {
        client.send(
          encodeRequestFrame(
            Produce.request,
            9,
            { correlationId: i + 1, clientId: 'pipelined' },
            {
              transactionalId: null,
              acks: 1,
              timeoutMs: 5000,
              topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
            },
          ),
        );
      });
      const answers = [];
      for (let i = 0; i < requests.length; i++) {
        const decoded = decodeResponseFrame(Produce.response, 9, await client.nextFrame(30_000));
        assert.equal(decoded.correlationId, i + 1, 'responses in request order');
        answers.push(decoded.body.responses[0].partitionResponses[0]);
      }
      const summary = answers.map((a) => [a.errorCode, Number(a.baseOffset)]);
      assert.deepEqual(summary, [
        [ErrorCode.NONE, 0],
        [ErrorCode.NONE, 3000], // behind the big batch, though it arrived while that was validated
        [ErrorCode.NONE, 0],
        [ErrorCode.INVALID_RECORD, -1],
        [ErrorCode.NONE, 3003],
        [ErrorCode.NONE, 0],
      ]);
      assert.ok(recordWorkerPool().completed >= completedBefore + 3, 'the large batches went to a worker');

      const keys = await consumeKeys(t.bootstrap, 'pipelined', 0);
      const expected = [
        ...Array.from({ length: 3000 }, (_, i) => `big-${i}`),
        ...['small-0', 'small-1', 'small-2'],
        ...['small-0', 'small-1', 'small-2'],
      ];
      assert.deepEqual(keys, expected);
      const recompressed = await consumeKeys(t.bootstrap, 'recompressed', 0);
      assert.deepEqual(
        recompressed,
        Array.from({ length: 2000 }, (_, i) => `re-${i}`),
      );
    } finally {
      client.close();
    }
  });

  it('stores everything, in order, from kcat producing large compressed batches beside a small producer', async () => {
    const topic = 'kcat-large';
    const admin = await RawClient.open(t.bootstrap);
    assert.equal(await admin.createTopic(topic, 1), ErrorCode.NONE);
    admin.close();
    const completedBefore = recordWorkerPool().completed;
    const bigCount = 20_000;
    const bigLines = Array.from(
      { length: bigCount },
      (_, i) => `big-${i}:${randomBytes(300).toString('hex')}`,
    ).join('\n');
    const produce = (codec: string, input: string, extra: string[]) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(
          'kcat',
          ['-P', '-b', t.bootstrap, '-t', topic, '-p', '0', '-K', ':', '-z', codec, ...extra],
          { stdio: ['pipe', 'ignore', 'pipe'] },
        );
        let stderr = '';
        child.stderr.on('data', (d) => {
          stderr += d;
        });
        child.on('error', reject);
        child.on('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`kcat exited ${code}: ${stderr}`)),
        );
        child.stdin.end(`${input}\n`);
      });
    const smallCount = 200;
    const smallLines = Array.from({ length: smallCount }, (_, i) => `small-${i}:v${i}`).join('\n');
    await Promise.all([
      produce('zstd', bigLines, [
        '-X',
        'linger.ms=200',
        '-X',
        'batch.size=4000000',
        '-X',
        'message.max.bytes=8000000',
      ]),
      produce('none', smallLines, ['-X', 'linger.ms=0', '-X', 'batch.num.messages=1']),
    ]);
    assert.ok(recordWorkerPool().completed > completedBefore, 'kcat sent batches large enough for a worker');
    const keys = await consumeKeys(t.bootstrap, topic, 0);
    assert.equal(keys.length, bigCount + smallCount);
    const big = keys.filter((k) => k.startsWith('big-'));
    const smallKeys = keys.filter((k) => k.startsWith('small-'));
    assert.deepEqual(
      big,
      Array.from({ length: bigCount }, (_, i) => `big-${i}`),
    );
    assert.deepEqual(
      smallKeys,
      Array.from({ length: smallCount }, (_, i) => `small-${i}`),
    );
  });
});
