import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { startBroker } from '../helpers/broker.js';
import { compatClientsDir, DEBIAN_PYTHON } from '../helpers/paths.js';
import { assertAllPassed, runClient } from '../helpers/run-client.js';

// librdkafka (clients/txn_segments.py): an aborted and a committed transaction of 1,000 records of
// 1,000 bytes each on a topic with 20 kB segments, so each transaction's data spans dozens of
// segments and its ABORT marker (with its .txnindex entry) lands segments after most of its data.
test('confluent-kafka read_committed over transactions spanning many segments', {
  timeout: 240_000,
}, async (t) => {
  const { bootstrap, dataDir, cleanup } = await startBroker();
  t.after(cleanup);
  const run = await runClient(DEBIAN_PYTHON, [path.join(compatClientsDir, 'txn_segments.py')], {
    bootstrap,
    timeoutMs: 200_000,
  });
  t.diagnostic(`txn_segments.py: ${run.checks.length} checks in ${run.durationMs} ms`);
  assertAllPassed(run);
  const topic = /^TOPIC (\S+)$/m.exec(run.stdout)?.[1];
  assert.ok(topic !== undefined, 'the scenario names its topic');
  const partitionDir = path.join(dataDir, `${topic}-0`);
  const segments = fs.readdirSync(partitionDir).filter((name) => name.endsWith('.log')).length;
  const indexes = fs.readdirSync(partitionDir).filter((name) => name.endsWith('.txnindex'));
  t.diagnostic(`${segments} segments, ${indexes.length} .txnindex files`);
  assert.ok(segments >= 50, `the transactions span many segments (${segments})`);
  const withEntries = indexes.filter((name) => fs.statSync(path.join(partitionDir, name)).size > 0);
  assert.equal(withEntries.length, 1, 'one segment holds the ABORT marker and its index entry');
});
