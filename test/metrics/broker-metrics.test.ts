import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Counter, Histogram, Registry } from 'prom-client';
import { BrokerMetrics } from '../../src/metrics/broker-metrics.js';

/** The exposition lines of the metrics whose names start with `prefix`, without HELP/TYPE. */
async function series(metrics: BrokerMetrics, prefix: string): Promise<string[]> {
  const { body } = await metrics.exposition();
  return body.split('\n').filter((line) => line.startsWith(prefix));
}

// The request-path counters and histograms are kept outside prom-client and handed to it at scrape
// time; what a scrape shows must be what prom-client itself would show for the same updates.
describe('BrokerMetrics exposition', () => {
  let metrics: BrokerMetrics;
  beforeEach(() => {
    metrics = new BrokerMetrics({ perPartition: true });
  });
  afterEach(() => metrics.close());

  test('request counts and timings match prom-client fed the same observations', async () => {
    const reference = new Registry();
    const requests = new Counter({
      name: 'samsa_network_requests_total',
      help: 'h',
      labelNames: ['request', 'version'],
      registers: [reference],
    });
    const total = new Histogram({
      name: 'samsa_network_request_total_time_ms',
      help: 'h',
      labelNames: ['request'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000],
      registers: [reference],
    });
    const observations: [string, number, number, number][] = [
      ['Produce', 9, 0.05, 0.2],
      ['Produce', 9, 0.1, 0],
      ['Produce', 7, 3, 40_000],
      ['Fetch', 12, 0.25, 499.75],
      ['ApiVersions', 3, 30_000, 0],
    ];
    for (const [request, version, localMs, remoteMs] of observations) {
      metrics.requestCompleted(request, version, localMs, remoteMs);
      requests.inc({ request, version: String(version) });
      total.observe({ request }, localMs + remoteMs);
    }
    const expected = (await reference.metrics()).split('\n').filter((line) => line.startsWith('samsa_'));
    assert.deepEqual(
      [
        ...(await series(metrics, 'samsa_network_requests_total')),
        ...(await series(metrics, 'samsa_network_request_total_time_ms')),
      ],
      expected,
    );
    assert.ok(expected.includes('samsa_network_request_total_time_ms_bucket{le="0.25",request="Produce"} 2'));
  });

  test('a series appears once it is counted, and a failure alone adds no timing series', async () => {
    metrics.requestFailed('Metadata');
    metrics.produceFailed('refused', 0);
    metrics.fetched('empty', 0);
    assert.deepEqual(await series(metrics, 'samsa_network_request_failures_total'), [
      'samsa_network_request_failures_total{request="Metadata"} 1',
    ]);
    assert.deepEqual(await series(metrics, 'samsa_network_request_local_time_ms'), []);
    assert.deepEqual(await series(metrics, 'samsa_broker_topic_bytes_rejected_total'), [
      'samsa_broker_topic_bytes_rejected_total{topic="refused"} 0',
    ]);
    assert.deepEqual(await series(metrics, 'samsa_broker_topic_messages_in_total'), []);
    assert.deepEqual(await series(metrics, 'samsa_broker_topic_bytes_out_total'), []);
  });

  test('topic counters add up, feed the console totals and go with a deleted topic', async () => {
    metrics.produced('orders', 10, 1000);
    metrics.produced('orders', 5, 400);
    metrics.fetched('orders', 700);
    metrics.produced('audit', 1, 50);
    metrics.connectionCreated('PLAINTEXT');
    metrics.connectionCreated('PLAINTEXT');
    assert.deepEqual(await series(metrics, 'samsa_broker_topic_messages_in_total'), [
      'samsa_broker_topic_messages_in_total{topic="orders"} 15',
      'samsa_broker_topic_messages_in_total{topic="audit"} 1',
    ]);
    assert.deepEqual(await series(metrics, 'samsa_socket_server_connections_created_total'), [
      'samsa_socket_server_connections_created_total{listener="PLAINTEXT"} 2',
    ]);
    assert.deepEqual(await metrics.topicTotals(), [
      { topic: 'orders', messagesIn: 15, bytesIn: 1400, bytesOut: 700, sizeBytes: 0 },
      { topic: 'audit', messagesIn: 1, bytesIn: 50, bytesOut: 0, sizeBytes: 0 },
    ]);
    metrics.topicDeleted('orders');
    assert.deepEqual(await series(metrics, 'samsa_broker_topic_bytes_in_total'), [
      'samsa_broker_topic_bytes_in_total{topic="audit"} 50',
    ]);
    // Counting again after the delete starts from zero, as a new topic of that name would.
    metrics.produced('orders', 2, 20);
    assert.deepEqual(await series(metrics, 'samsa_broker_topic_messages_in_total'), [
      'samsa_broker_topic_messages_in_total{topic="audit"} 1',
      'samsa_broker_topic_messages_in_total{topic="orders"} 2',
    ]);
  });
});
