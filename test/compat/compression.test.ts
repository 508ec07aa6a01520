import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import kafkajs, { type Kafka } from 'kafkajs';
import { compress, decompress } from '../../src/protocol/compression/codecs.js';
import { CompressionCodec, RecordBatchView } from '../../src/protocol/records/record-batch.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { DEBIAN_PYTHON, samsaBin } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait-for.js';
import { kafkaFor, uniqueTopic } from './kafkajs-client.js';

const run = promisify(execFile);
// kafkajs is CommonJS: its codec registry comes through the default export.
const { CompressionCodecs, CompressionTypes } = kafkajs;

interface KafkaJsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/** kafkajs-snappy: an independent (pure JS) snappy that writes raw blocks and reads xerial frames. */
const SnappyCodec = createRequire(import.meta.url)('kafkajs-snappy') as () => KafkaJsCodec;

/** KafkaJS ships gzip only; lz4 and zstd are registered over Samsa's own codecs. */
function samsaCodec(codec: CompressionCodec): () => KafkaJsCodec {
  return () => ({
    compress: async (encoder) => compress(codec, encoder.buffer),
    decompress: async (buffer) => decompress(codec, buffer, 256 * 1024 * 1024),
  });
}

CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec;
CompressionCodecs[CompressionTypes.LZ4] = samsaCodec(CompressionCodec.Lz4);
CompressionCodecs[CompressionTypes.ZSTD] = samsaCodec(CompressionCodec.Zstd);

const CODECS = [
  { name: 'gzip', kafkajs: CompressionTypes.GZIP, id: CompressionCodec.Gzip },
  { name: 'snappy', kafkajs: CompressionTypes.Snappy, id: CompressionCodec.Snappy },
  { name: 'lz4', kafkajs: CompressionTypes.LZ4, id: CompressionCodec.Lz4 },
  { name: 'zstd', kafkajs: CompressionTypes.ZSTD, id: CompressionCodec.Zstd },
] as const;

const COUNT = 200;
const records = Array.from({ length: COUNT }, (_, i) => ({
  key: `k${i}`,
  value: JSON.stringify({ seq: i, user: `user-${i % 7}`, event: 'page_view', path: '/products/compression' }),
}));
const asLines = (list: { key: string; value: string }[]) => list.map((r) => `${r.key}:${r.value}`);

describe('compressed batches across clients', { timeout: 240_000 }, () => {
  let broker: TestBroker;
  let kafka: Kafka;

  before(async () => {
    broker = await startBroker({ config: { 'auto.create.topics.enable': 'true', 'num.partitions': '1' } });
    kafka = kafkaFor(broker.bootstrap);
  });

  after(async () => {
    await broker?.cleanup();
  });

  /** Codec of the first batch stored in partition 0 of `topic`. */
  function storedCodec(topic: string): number {
    const file = path.join(broker.dataDir, `${topic}-0`, '00000000000000000000.log');
    return new RecordBatchView(fs.readFileSync(file), 0).compression;
  }

  async function kafkajsProduce(topic: string, compression: number): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic, compression, messages: records });
    } finally {
      await producer.disconnect();
    }
  }

  async function kafkajsRead(topic: string): Promise<string[]> {
    const consumer = kafka.consumer({ groupId: uniqueTopic('compression'), maxWaitTimeInMs: 200 });
    const got: string[] = [];
    let crash: Error | undefined;
    consumer.on(consumer.events.CRASH, (event) => {
      crash ??= event.payload.error;
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          got.push(`${message.key?.toString()}:${message.value?.toString()}`);
        },
      });
      await waitFor(() => crash !== undefined || got.length >= COUNT, {
        timeoutMs: 30_000,
        description: topic,
      });
      if (crash) throw crash;
    } finally {
      await consumer.disconnect();
    }
    return got;
  }

  async function kcatRead(topic: string): Promise<string[]> {
    const { stdout } = await run(
      'kcat',
      ['-b', broker.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k:%s\\n'],
      { timeout: 60_000, maxBuffer: 16 << 20 },
    );
    return stdout.trimEnd().split('\n');
  }

  async function kcatProduce(topic: string, codec: string): Promise<void> {
    const child = execFile(
      'kcat',
      ['-b', broker.bootstrap, '-P', '-t', topic, '-K:', '-z', codec, '-X', 'linger.ms=50'],
      {
        timeout: 60_000,
      },
    );
    const done = new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`kcat exited ${code}`))));
    });
    child.stdin!.end(`${asLines(records).join('\n')}\n`);
    await done;
  }

  async function samsaRead(topic: string): Promise<string[]> {
    const { stdout } = await run(
      process.execPath,
      [samsaBin, 'consume', topic, '--brokers', broker.bootstrap, '-e', '-f', 'json'],
      {
        timeout: 60_000,
        maxBuffer: 16 << 20,
      },
    );
    return stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
      .map((r: { key: string; value: string }) => `${r.key}:${r.value}`);
  }

  for (const codec of CODECS) {
    test(`a KafkaJS batch compressed with ${codec.name} is stored as sent and read by KafkaJS, kcat and samsa`, async () => {
      const topic = uniqueTopic(`kjs-${codec.name}`);
      await kafkajsProduce(topic, codec.kafkajs);
      assert.equal(storedCodec(topic), codec.id);
      assert.deepEqual(await kafkajsRead(topic), asLines(records));
      assert.deepEqual(await kcatRead(topic), asLines(records));
      assert.deepEqual(await samsaRead(topic), asLines(records));
    });

    test(`a kcat batch compressed with ${codec.name} is read by KafkaJS and samsa`, async () => {
      const topic = uniqueTopic(`kcat-${codec.name}`);
      await kcatProduce(topic, codec.name);
      assert.equal(storedCodec(topic), codec.id);
      assert.deepEqual(await kafkajsRead(topic), asLines(records));
      assert.deepEqual(await samsaRead(topic), asLines(records));
    });
  }

  test('a kafka-python gzip batch is read by KafkaJS and kcat, and kafka-python reads a KafkaJS gzip batch', async () => {
    const fromPython = uniqueTopic('py-gzip');
    const script = `
import sys
from kafka import KafkaProducer
p = KafkaProducer(bootstrap_servers=sys.argv[1], compression_type='gzip', linger_ms=20)
for line in sys.stdin.read().splitlines():
    k, v = line.split(':', 1)
    p.send(sys.argv[2], key=k.encode(), value=v.encode())
p.flush(); p.close()
`;
    const child = execFile(DEBIAN_PYTHON, ['-c', script, broker.bootstrap, fromPython], { timeout: 60_000 });
    const done = new Promise<void>((resolve, reject) => {
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      child.once('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`python exited ${code}: ${stderr}`)),
      );
    });
    child.stdin!.end(asLines(records).join('\n'));
    await done;
    assert.equal(storedCodec(fromPython), CompressionCodec.Gzip);
    assert.deepEqual(await kafkajsRead(fromPython), asLines(records));
    assert.deepEqual(await kcatRead(fromPython), asLines(records));

    const fromKafkajs = uniqueTopic('kjs-gzip-to-py');
    await kafkajsProduce(fromKafkajs, CompressionTypes.GZIP);
    const reader = `
import sys
from kafka import KafkaConsumer
c = KafkaConsumer(sys.argv[2], bootstrap_servers=sys.argv[1], auto_offset_reset='earliest', consumer_timeout_ms=3000)
for m in c:
    print('%s:%s' % (m.key.decode(), m.value.decode()))
`;
    const { stdout } = await run(DEBIAN_PYTHON, ['-c', reader, broker.bootstrap, fromKafkajs], {
      timeout: 60_000,
    });
    assert.deepEqual(stdout.trimEnd().split('\n'), asLines(records));
  });
});
