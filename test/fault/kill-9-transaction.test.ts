import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { kafkaFor } from '../compat/kafkajs-client.js';
import { startBrokerProcess } from '../helpers/broker.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const TOPIC = 'txn-kill9';
const PARTITIONS = 3;
const RECORDS_PER_TXN = 9;
/** Short transaction timeouts and a fast abort sweep, so the test need not wait for Kafka's defaults. */
const CONFIG = {
  'num.partitions': String(PARTITIONS),
  'transaction.abort.timed.out.transaction.cleanup.interval.ms': '300',
};
const TRANSACTION_TIMEOUT_MS = 2000;

/** Every value a fresh read_committed (or read_uncommitted) consumer reads, once nothing more arrives. */
async function readAll(kafka: Kafka, readUncommitted: boolean, atLeast: number): Promise<string[]> {
  const consumer = kafka.consumer({
    groupId: `reader-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    readUncommitted,
    maxWaitTimeInMs: 200,
  });
  const values: string[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value!.toString());
      },
    });
    await waitFor(() => values.length >= atLeast, { timeoutMs: 30_000, description: `${atLeast} records` });
    let seen = -1;
    while (seen !== values.length) {
      seen = values.length;
      await sleep(1000);
    }
  } finally {
    await consumer.disconnect();
  }
  return values;
}

/** Records by transaction tag (`t<n>-<i>` → `t<n>`). */
function byTransaction(values: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of values) {
    const tag = v.split('-')[0]!;
    out.set(tag, (out.get(tag) ?? 0) + 1);
  }
  return out;
}

describe('kill -9 while transactions commit', () => {
  const dir = makeTempDir('samsa-kill9-txn-');
  after(() => dir.cleanup());

  it('leaves every transaction wholly committed or wholly aborted for read_committed', async (t) => {
    const first = await startBrokerProcess({ dataDir: dir.path, config: CONFIG });
    const transactionalId = 'kill9-txn';
    const committed: string[] = [];
    let kafka = kafkaFor(first.bootstrap, 'kill9-txn');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }], waitForLeaders: true });
    await admin.disconnect();

    const producer = kafka.producer({
      idempotent: true,
      transactionalId,
      maxInFlightRequests: 1,
      transactionTimeout: TRANSACTION_TIMEOUT_MS,
    });
    await producer.connect();
    let stop = false;
    const loop = (async () => {
      for (let n = 0; !stop; n++) {
        const txn = await producer.transaction();
        await txn.send({
          topic: TOPIC,
          messages: Array.from({ length: RECORDS_PER_TXN }, (_, i) => ({
            partition: i % PARTITIONS,
            value: `t${n}-${i}`,
          })),
        });
        await txn.commit();
        committed.push(`t${n}`);
      }
    })().catch(() => {});
    try {
      await waitFor(() => committed.length >= 25, {
        timeoutMs: 60_000,
        description: '25 committed transactions',
      });
      // Land the kill at an arbitrary point of a later transaction.
      await sleep(Math.floor(Math.random() * 40));
      await first.kill('SIGKILL');
    } finally {
      stop = true;
      await Promise.race([loop, sleep(2000)]);
      await producer.disconnect().catch(() => {});
    }
    const acknowledged = [...committed];

    const second = await startBrokerProcess({ dataDir: dir.path, config: CONFIG });
    try {
      kafka = kafkaFor(second.bootstrap, 'kill9-txn-after');
      const seen = byTransaction(await readAll(kafka, false, acknowledged.length * RECORDS_PER_TXN));
      for (const [tag, count] of seen) {
        assert.equal(count, RECORDS_PER_TXN, `read_committed sees all of ${tag} or none of it`);
      }
      for (const tag of acknowledged) assert.ok(seen.has(tag), `committed ${tag} survives the kill`);
      const raw = byTransaction(await readAll(kafka, true, seen.size * RECORDS_PER_TXN));
      const abortedTags = [...raw.keys()].filter((tag) => !seen.has(tag));
      t.diagnostic(
        `${acknowledged.length} acknowledged, ${seen.size} committed after restart; written but aborted (read_uncommitted only): ${abortedTags.join(', ') || 'none'}`,
      );

      // The transaction cut short is decided (aborted by the timeout, or completed on load), so a
      // new instance of the producer commits and read_committed reads past it.
      await sleep(TRANSACTION_TIMEOUT_MS + 1000);
      const next = kafka.producer({ idempotent: true, transactionalId, maxInFlightRequests: 1 });
      await next.connect();
      const txn = await next.transaction();
      await txn.send({ topic: TOPIC, messages: [{ partition: 0, value: 'after-0' }] });
      await txn.commit();
      await next.disconnect();
      const final = byTransaction(await readAll(kafka, false, seen.size * RECORDS_PER_TXN + 1));
      assert.equal(final.get('after'), 1, 'a transaction after the restart is visible');
      for (const [tag, count] of final) {
        if (tag !== 'after') assert.equal(count, RECORDS_PER_TXN, `${tag} is whole`);
      }
    } finally {
      await second.stop();
    }
  });
});
