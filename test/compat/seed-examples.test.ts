import path from 'node:path';
import { test } from 'node:test';
import { startBroker } from '../helpers/broker.js';
import { DEBIAN_PYTHON, sharedCompatDir } from '../helpers/paths.js';
import { assertAllPassed, runClient } from '../helpers/run-client.js';

// The book's producer/consumer examples through kafka-python 2.0.2, topics auto-created on first use,
// plus a 20,000-record keyed burst with headers.
test('kafka-python runs the seed examples against the broker', { timeout: 240_000 }, async (t) => {
  const { bootstrap, cleanup } = await startBroker({ config: { 'auto.create.topics.enable': 'true' } });
  t.after(cleanup);

  const run = await runClient(DEBIAN_PYTHON, [path.join(sharedCompatDir, 'seed_examples.py')], {
    bootstrap,
    timeoutMs: 200_000,
  });
  t.diagnostic(`seed_examples.py: ${run.checks.length} checks in ${run.durationMs} ms`);
  assertAllPassed(run);
});
