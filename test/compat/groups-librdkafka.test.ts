import path from 'node:path';
import { sharedCompatDir } from '../helpers/paths.js';
import { scenarioTest } from '../helpers/scenario-test.js';

// groups.py: three librdkafka members over 6 partitions with rebalances and no double reads, resume
// from committed offsets, ListGroups, a cooperative-sticky group, and kafka-python's group consumer.
//
// The broker keeps Kafka's default initial rebalance delay (3 s) here. The scenario starts its second
// cooperative-sticky member 3 s after the first and closes both 3 s later; with no delay the
// cooperative follow-up rebalance lands on that close, where librdkafka 2.0.2 either aborts
// (rdkafka_sticky_assignor.c "Assertion `assignor_state' failed", librdkafka#4312, fixed in 2.2.0)
// or hangs in close until the session times out (librdkafka#4527, fixed in 2.4.0). With the default
// delay the rebalances settle away from the close, as they would against a Kafka broker.
scenarioTest(
  'librdkafka and kafka-python consumer groups (groups.py)',
  path.join(sharedCompatDir, 'groups.py'),
  { timeoutMs: 140_000, brokerConfig: { 'group.initial.rebalance.delay.ms': '3000' } },
);
