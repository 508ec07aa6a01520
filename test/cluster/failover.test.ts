/**
 * Failover under load, on 3 broker processes with the ZooKeeper controller (real ZooKeeper): a
 * librdkafka producer (confluent-kafka) streams with acks=all and idempotence to an RF 3 topic with
 * min.insync.replicas=2 while the test kills -9 the leader of partition 0 and restarts it, stops a
 * leader with SIGSTOP past its session timeout and resumes it, and restarts the controller. Then
 * every acknowledged record is read back once, at its acknowledged offset, in order, and the three
 * replicas' logs hold the same batches, byte for byte. bench/failover-soak.ts runs many more rounds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkAcknowledged,
  describeFailure,
  killLeaderRound,
  pauseLeaderRound,
  type RoundReport,
  readBack,
  restartRound,
  startFailoverScenario,
  waitForConvergence,
  waitForFullIsr,
} from '../helpers/failover.js';

const PARTITIONS = 3;

test('failover under load: acks=all records survive kill -9, SIGSTOP and restarts', {
  timeout: 300_000,
}, async (t) => {
  const scenario = await startFailoverScenario({ sessionTimeoutMs: 3000, partitions: PARTITIONS, rate: 300 });
  t.after(() => scenario.cleanup());
  const { cluster, zk, producer, topic } = scenario;

  const rounds: RoundReport[] = [];
  try {
    for (const round of [killLeaderRound, pauseLeaderRound, restartRound, killLeaderRound]) {
      rounds.push(await round(scenario));
    }
  } catch (error) {
    t.diagnostic(await describeFailure(scenario));
    throw error;
  }
  t.diagnostic(JSON.stringify(rounds));
  // More records after the last round, then stop.
  await producer.nextAck(0, Date.now());
  const summary = await producer.stop();
  assert.equal(summary.unflushed, 0);
  assert.deepEqual(producer.errors, [], 'no delivery failed');
  assert.equal(producer.acks.length, summary.produced, 'every record acknowledged');

  await waitForFullIsr(zk, topic, PARTITIONS, 3);
  const problems = checkAcknowledged(producer.acks, await readBack(cluster.bootstrap(), topic));
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems`);
  const differences = await waitForConvergence(cluster, topic, PARTITIONS);
  assert.deepEqual(differences, [], 'the three replicas hold the same batches, byte for byte');
});
