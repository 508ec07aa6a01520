import path from 'node:path';
import { test } from 'node:test';
import { startBroker } from '../helpers/broker.js';
import { DEBIAN_PYTHON, sharedCompatDir } from '../helpers/paths.js';
import { assertAllPassed, runClient } from '../helpers/run-client.js';

// librdkafka (confluent-kafka): an idempotent burst without duplicates, a committed and an aborted
// transaction seen through read_committed and read_uncommitted, consume-transform-produce with the
// offsets inside the transaction, and fencing by a second producer with the same transactional.id.
test('confluent-kafka transactions and idempotence', { timeout: 240_000 }, async (t) => {
  const { bootstrap, cleanup } = await startBroker();
  t.after(cleanup);
  const run = await runClient(DEBIAN_PYTHON, [path.join(sharedCompatDir, 'transactions.py')], {
    bootstrap,
    timeoutMs: 200_000,
  });
  t.diagnostic(`transactions.py: ${run.checks.length} checks in ${run.durationMs} ms`);
  assertAllPassed(run);
});
