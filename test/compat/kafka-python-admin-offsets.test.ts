import path from 'node:path';
import { test } from 'node:test';
import { startBroker } from '../helpers/broker.js';
import { compatClientsDir, DEBIAN_PYTHON } from '../helpers/paths.js';
import { assertAllPassed, runClient } from '../helpers/run-client.js';

// kafka-python 2.0.2 (clients/admin_offsets.py): CreateTopics, Metadata, Produce with acks=all,
// and a group-less consumer using assign, seek, offsets_for_times, beginning_offsets and end_offsets.
test('kafka-python admin, acks=all produce, assign/seek and offset lookups', {
  timeout: 120_000,
}, async (t) => {
  const { bootstrap, cleanup } = await startBroker();
  t.after(cleanup);

  const run = await runClient(DEBIAN_PYTHON, [path.join(compatClientsDir, 'admin_offsets.py')], {
    bootstrap,
    timeoutMs: 90_000,
  });
  t.diagnostic(`admin_offsets.py: ${run.checks.length} checks in ${run.durationMs} ms`);
  assertAllPassed(run);
});
