import path from 'node:path';
import { test } from 'node:test';
import { startBroker } from '../helpers/broker.js';
import { DEBIAN_PYTHON, sharedCompatDir } from '../helpers/paths.js';
import { assertAllPassed, runClient } from '../helpers/run-client.js';

// groups.py: three librdkafka members over 6 partitions with rebalances and no double reads, resume
// from committed offsets, ListGroups, a cooperative-sticky group, and kafka-python's group consumer.
//
// The broker keeps Kafka's default initial rebalance delay (3 s) here. The scenario starts its second
// cooperative-sticky member 3 s after the first and closes both 3 s later; with no delay the
// cooperative follow-up rebalance lands on that close, where librdkafka 2.0.2 either aborts
// (rdkafka_sticky_assignor.c "Assertion `assignor_state' failed", librdkafka#4312, fixed in 2.2.0)
// or hangs in close until the session times out (librdkafka#4527, fixed in 2.4.0). With the default
// delay the rebalances settle away from the close, as they would against a Kafka broker.
test('librdkafka and kafka-python consumer groups (groups.py)', { timeout: 150_000 }, async (t) => {
  const { bootstrap, cleanup } = await startBroker({
    config: { 'group.initial.rebalance.delay.ms': '3000' },
  });
  t.after(cleanup);

  const run = await runClient(DEBIAN_PYTHON, [path.join(sharedCompatDir, 'groups.py')], {
    bootstrap,
    timeoutMs: 140_000,
  });
  t.diagnostic(`groups.py: ${run.checks.length} checks in ${run.durationMs} ms`);
  assertAllPassed(run);
});
