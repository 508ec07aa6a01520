import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as zlib from 'node:zlib';
import { ErrorCode } from '../../src/protocol/errors.js';
import { decodeResponseFrame, encodeRequestFrame } from '../../src/protocol/header.js';
import { Produce } from '../../src/protocol/messages/produce.js';
import { encodeLegacyMessage } from '../../src/protocol/records/legacy-message-set.js';
import { recordWorkerPool } from '../../src/storage/record-worker-pool.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { python } from '../helpers/python-client.js';
import { RawClient } from './raw-client.js';

/**
 * Old clients' message formats (v0/v1) are converted to and from v2 batches; for a large message
 * set that inflation and re-encoding runs on a worker, so one old client cannot hold the event
 * loop for everyone. Order, errors and contents stay what the inline conversion gives.
 */

const GZIP_ATTRIBUTE = 1;
const TIMESTAMP = 1_700_000_000_000n;

/** A magic-1 message set: `count` messages gzipped into one wrapper (Kafka 0.10 clients' layout). */
function gzipMessageSet(prefix: string, count: number, valueBytes: number): Buffer {
  const inner = Array.from({ length: count }, (_, i) =>
    encodeLegacyMessage(
      1,
      BigInt(i),
      0,
      TIMESTAMP,
      Buffer.from(`${prefix}-${i}`),
      Buffer.from(randomBytes(valueBytes / 2).toString('hex')),
    ),
  );
  const compressed = zlib.gzipSync(Buffer.concat(inner));
  return encodeLegacyMessage(1, BigInt(count - 1), GZIP_ATTRIBUTE, TIMESTAMP, null, compressed);
}

function plainMessageSet(prefix: string, count: number): Buffer {
  return Buffer.concat(
    Array.from({ length: count }, (_, i) =>
      encodeLegacyMessage(1, BigInt(i), 0, TIMESTAMP, Buffer.from(`${prefix}-${i}`), Buffer.from('v')),
    ),
  );
}

describe('large legacy message sets are converted off the event loop', { timeout: 180_000 }, () => {
  let t: TestBroker;

  before(async () => {
    t = await startBroker({ config: { 'message.max.bytes': String(4 << 20), 'num.partitions': '1' } });
  });

  after(async () => {
    await t.cleanup();
  });

  it('keeps the order of pipelined Produce v2 requests and answers a corrupt large set', async () => {
    const client = await RawClient.open(t.bootstrap);
    try {
      assert.equal(await client.createTopic('legacy-pipelined', 1), ErrorCode.NONE);
      const big = gzipMessageSet('big', 4000, 200);
      const corrupt = Buffer.from(gzipMessageSet('bad', 4000, 200));
      corrupt[corrupt.length - 100]! ^= 0xff; // inside the compressed value: the wrapper's CRC no longer matches
      assert.ok(big.length > 256 * 1024, `a big message set of ${big.length} bytes`);
      const completedBefore = recordWorkerPool().completed;
      const sets = [big, plainMessageSet('small', 3), corrupt, plainMessageSet('after', 2)];
      sets.forEach((records, i) => {
        client.send(
          encodeRequestFrame(
            Produce.request,
            2,
            { correlationId: i + 1, clientId: 'legacy' },
            {
              acks: 1,
              timeoutMs: 5000,
              topicData: [{ name: 'legacy-pipelined', partitionData: [{ index: 0, records }] }],
            },
          ),
        );
      });
      const answers = [];
      for (let i = 0; i < sets.length; i++) {
        const decoded = decodeResponseFrame(Produce.response, 2, await client.nextFrame(30_000));
        assert.equal(decoded.correlationId, i + 1, 'responses in request order');
        const p = decoded.body.responses[0].partitionResponses[0];
        answers.push([p.errorCode, Number(p.baseOffset)]);
      }
      assert.deepEqual(answers, [
        [ErrorCode.NONE, 0],
        [ErrorCode.NONE, 4000], // behind the big set, though it arrived while that was converted
        [ErrorCode.CORRUPT_MESSAGE, -1],
        [ErrorCode.NONE, 4003],
      ]);
      assert.ok(recordWorkerPool().completed >= completedBefore + 2, 'both large sets went to a worker');
    } finally {
      client.close();
    }
  });

  it('serves kafka-python speaking message format v1 both ways, large batches converted on a worker', async () => {
    const completedBefore = recordWorkerPool().completed;
    // kafka-python pinned to Kafka 0.10.1 sends Produce v2 (magic 1) and fetches with Fetch v3, so
    // its 1 MB gzip batches are converted up on the way in and down on the way out.
    const result = await python(
      `
import json, os, binascii
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
bootstrap = os.environ['BOOTSTRAP']
topic = 'legacy-large'
count = 6000
producer = KafkaProducer(bootstrap_servers=bootstrap, api_version=(0, 10, 1), compression_type='gzip',
                         batch_size=1 << 20, linger_ms=500, max_request_size=4 << 20)
for i in range(count):
    producer.send(topic, key=b'k-%d' % i, value=binascii.hexlify(os.urandom(100)), partition=0)
producer.flush()
producer.close()
consumer = KafkaConsumer(bootstrap_servers=bootstrap, api_version=(0, 10, 1), auto_offset_reset='earliest',
                         enable_auto_commit=False, consumer_timeout_ms=10000, max_partition_fetch_bytes=4 << 20)
consumer.assign([TopicPartition(topic, 0)])
keys = [m.key.decode() for m in consumer]
consumer.close()
print(json.dumps({'count': len(keys), 'inOrder': keys == ['k-%d' % i for i in range(count)]}))
`,
      t.bootstrap,
    );
    assert.deepEqual(result, { count: 6000, inOrder: true });
    assert.ok(
      recordWorkerPool().completed >= completedBefore + 2,
      `conversions went to a worker (${recordWorkerPool().completed - completedBefore} jobs)`,
    );
  });
});
