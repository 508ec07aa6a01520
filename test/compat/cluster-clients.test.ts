import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { startCluster } from '../helpers/cluster.js';
import { DEBIAN_PYTHON, sharedCompatDir } from '../helpers/paths.js';
import { describeRun, runClient } from '../helpers/run-client.js';

/**
 * `../shared/compat/cluster_clients.py` against 3 broker processes over ZooKeeper: metadata from
 * every broker, an RF 3 topic with leaders spread, acks=all idempotent producing, a consumer group,
 * FindCoordinator from every broker, NOT_LEADER_OR_FOLLOWER from a follower, a transaction across
 * every broker, deletion.
 */
test('cluster_clients.py against a 3-broker cluster', { timeout: 600_000 }, async (t) => {
  const cluster = await startCluster({
    brokers: 3,
    config: { 'offsets.topic.num.partitions': '50', 'transaction.state.log.num.partitions': '50' },
  });
  t.after(() => cluster.cleanup());
  const run = await runClient(DEBIAN_PYTHON, [path.join(sharedCompatDir, 'cluster_clients.py')], {
    bootstrap: cluster.bootstrap(),
    timeoutMs: 500_000,
  });
  const report = describeRun(run);
  assert.equal(run.timedOut, false, `scenario timed out\n${report}`);
  assert.ok(run.summary, `scenario printed no summary line\n${report}`);
  const failed = run.checks.filter((c) => !c.passed).map((c) => c.name);
  assert.deepEqual(failed, [], report);
  assert.ok(run.checks.length >= 20, report);
});
