import { Kafka, logLevel } from 'kafkajs';

/** A KafkaJS client for tests: silent, short timeouts, few retries, so a broken broker fails fast. */
export function kafkaFor(bootstrap: string, clientId = 'samsa-compat'): Kafka {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
}

/** A topic name no other test (or earlier run over the same data dir) uses. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
