/** KafkaJS drivers, run inside the benchmark process (the broker is a separate process). */
import { type Admin, Kafka, logLevel } from 'kafkajs';
import type { ClientRun } from './types.js';

/**
 * Records per sendBatch call, and how many calls are kept in flight at once. KafkaJS puts one call's
 * records for a partition into one batch, which must stay under message.max.bytes (1 MiB default).
 */
const MAX_MESSAGES_PER_SEND = 2_000;
const MAX_BYTES_PER_SEND = 512 * 1024;
const SENDS_IN_FLIGHT = 4;

function kafkaFor(bootstrap: string): Kafka {
  return new Kafka({
    clientId: 'samsa-bench',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    requestTimeout: 60_000,
    retry: { retries: 2 },
  });
}

export async function withAdmin<T>(bootstrap: string, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafkaFor(bootstrap).admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Creates a one-partition topic and waits until its leader is known. */
export async function createTopic(
  bootstrap: string,
  topic: string,
  configs: Record<string, string> = {},
): Promise<void> {
  await withAdmin(bootstrap, async (admin) => {
    const configEntries = Object.entries(configs).map(([name, value]) => ({ name, value }));
    await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 1, configEntries }],
      waitForLeaders: true,
    });
  });
}

/** The log end offset of partition 0: how many records the broker really holds. */
export async function logEndOffset(bootstrap: string, topic: string): Promise<number> {
  return withAdmin(bootstrap, async (admin) => {
    const offsets = await admin.fetchTopicOffsets(topic);
    return Number(offsets.find((o) => o.partition === 0)?.high ?? -1);
  });
}

export interface KafkaJsProduceOptions {
  bootstrap: string;
  topic: string;
  count: number;
  size: number;
  acks: '1' | 'all';
}

/** sendBatch calls of up to MAX_BYTES_PER_SEND, SENDS_IN_FLIGHT at a time; timed from first send to last ack. */
export async function kafkajsProduce(options: KafkaJsProduceOptions): Promise<ClientRun> {
  const { bootstrap, topic, count, size } = options;
  const producer = kafkaFor(bootstrap).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const value = Buffer.alloc(size, 0x78);
  const perSend = Math.max(1, Math.min(MAX_MESSAGES_PER_SEND, Math.floor(MAX_BYTES_PER_SEND / size)));
  const messages = Array.from({ length: perSend }, () => ({ value }));
  const acks = options.acks === 'all' ? -1 : 1;
  let sent = 0;
  const start = performance.now();
  try {
    const worker = async () => {
      while (sent < count) {
        const n = Math.min(perSend, count - sent);
        sent += n;
        await producer.sendBatch({
          topicMessages: [{ topic, messages: n === messages.length ? messages : messages.slice(0, n) }],
          acks,
        });
      }
    };
    await Promise.all(Array.from({ length: SENDS_IN_FLIGHT }, worker));
  } finally {
    await producer.disconnect();
  }
  const seconds = (performance.now() - start) / 1000;
  return { records: count, bytes: count * size, seconds };
}

export interface KafkaJsConsumeOptions {
  bootstrap: string;
  topic: string;
  count: number;
  size: number;
}

/** A group consumer from the beginning with eachBatch; timed from the first batch to the one that completes `count`. */
export async function kafkajsConsume(options: KafkaJsConsumeOptions): Promise<ClientRun> {
  const { bootstrap, topic, count, size } = options;
  const consumer = kafkaFor(bootstrap).consumer({ groupId: `bench-${topic}`, maxBytes: 50 << 20 });
  await consumer.connect();
  let first = 0;
  let last = 0;
  let records = 0;
  let bytes = 0;
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            if (first === 0) first = performance.now();
            for (const message of batch.messages) bytes += message.value?.length ?? 0;
            records += batch.messages.length;
            if (records >= count) {
              last = performance.now();
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  if (records !== count) throw new Error(`KafkaJS consumed ${records} records, expected ${count}`);
  if (bytes !== count * size)
    throw new Error(`KafkaJS consumed ${bytes} value bytes, expected ${count * size}`);
  return { records, bytes, seconds: (last - first) / 1000 };
}
