import path from 'node:path';
import { test } from 'node:test';
import { startBroker } from '../helpers/broker.js';
import { compatClientsDir, DEBIAN_PYTHON } from '../helpers/paths.js';
import { assertAllPassed, runClient } from '../helpers/run-client.js';

// librdkafka (clients/rebalance_commits.py): offsets committed in the revoke callback, while the
// group prepares a rebalance, are accepted and seen by the partition's next owner (range and
// cooperative-sticky), as with Kafka.
test('confluent-kafka offsets committed during a rebalance reach the next owner', {
  timeout: 240_000,
}, async (t) => {
  const { bootstrap, cleanup } = await startBroker();
  t.after(cleanup);
  const run = await runClient(DEBIAN_PYTHON, [path.join(compatClientsDir, 'rebalance_commits.py')], {
    bootstrap,
    timeoutMs: 200_000,
  });
  t.diagnostic(`rebalance_commits.py: ${run.checks.length} checks in ${run.durationMs} ms`);
  assertAllPassed(run);
});
