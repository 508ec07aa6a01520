import path from 'node:path';
import { test } from 'node:test';
import { startBroker } from '../helpers/broker.js';
import { compatClientsDir, DEBIAN_PYTHON } from '../helpers/paths.js';
import { assertAllPassed, runClient } from '../helpers/run-client.js';

// kafka-python 2.0.2 (clients/zstd_legacy_fetch.py): zstd produced with Produce v7 and read back
// with Fetch v4, a topic configured compression.type=zstd refused to Fetch v4 as Kafka does, and
// Fetch v1/v3 consumers reading many batches through answers cut to their byte limits.
test('kafka-python zstd with Fetch v4, and legacy fetches under small limits', {
  timeout: 180_000,
}, async (t) => {
  const { bootstrap, cleanup } = await startBroker();
  t.after(cleanup);
  const run = await runClient(DEBIAN_PYTHON, [path.join(compatClientsDir, 'zstd_legacy_fetch.py')], {
    bootstrap,
    timeoutMs: 150_000,
  });
  t.diagnostic(`zstd_legacy_fetch.py: ${run.checks.length} checks in ${run.durationMs} ms`);
  assertAllPassed(run);
});
