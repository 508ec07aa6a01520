/**
 * Failover soak: test/cluster/failover.test.ts for many rounds. Three broker processes with the
 * ZooKeeper controller, a librdkafka producer streaming with acks=all and idempotence to an RF 3
 * topic (min.insync.replicas=2); each round kills -9 the leader of partition 0 and restarts it,
 * stops a leader with SIGSTOP past its session timeout and resumes it, or restarts the controller
 * (SIGTERM), in turn. At the end every acknowledged record must be read back once, at its
 * acknowledged offset, in order, and the replicas' logs must hold the same batches byte for byte.
 * Exits 1 when they do not.
 *
 *   node dist/bench/failover-soak.js [--rounds N] [--rate R] [--partitions P] [--session-timeout MS]
 */
import { parseArgs } from 'node:util';
import {
  checkAcknowledged,
  describeFailure,
  type FailoverScenario,
  killLeaderRound,
  pauseLeaderRound,
  type RoundReport,
  readBack,
  restartRound,
  startFailoverScenario,
  waitForConvergence,
  waitForFullIsr,
} from '../test/helpers/failover.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '20' },
    rate: { type: 'string', default: '500' },
    partitions: { type: 'string', default: '3' },
    'session-timeout': { type: 'string', default: '3000' },
    'producer-log': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(
    'node dist/bench/failover-soak.js [--rounds N] [--rate R] [--partitions P] [--session-timeout MS] [--producer-log FILE]',
  );
  process.exit(0);
}
const rounds = Number(values.rounds);
const partitions = Number(values.partitions);
const kinds: ((s: FailoverScenario) => Promise<RoundReport>)[] = [
  killLeaderRound,
  pauseLeaderRound,
  restartRound,
];

const scenario = await startFailoverScenario({
  sessionTimeoutMs: Number(values['session-timeout']),
  partitions,
  rate: Number(values.rate),
  producerLogFile: values['producer-log'],
});
let failed = false;
try {
  for (let round = 1; round <= rounds; round++) {
    let report: RoundReport;
    try {
      report = await kinds[(round - 1) % kinds.length]!(scenario);
    } catch (error) {
      console.log(`round ${round} failed: ${(error as Error).message}\n${await describeFailure(scenario)}`);
      throw error;
    }
    console.log(
      `round ${round}: ${report.kind} broker ${report.victim}` +
        (report.failoverMs !== undefined ? `, next ack after ${report.failoverMs} ms` : '') +
        `, back in every ISR after ${report.recoveredMs} ms; ${scenario.producer.acks.length} acknowledged`,
    );
  }
  await scenario.producer.nextAck(0, Date.now());
  const summary = await scenario.producer.stop();
  const { acks, errors } = scenario.producer;
  console.log(
    `produced ${summary.produced}, acknowledged ${acks.length}, failed ${errors.length}, unflushed ${summary.unflushed}`,
  );
  await waitForFullIsr(scenario.zk, scenario.topic, partitions, 3);
  const problems = checkAcknowledged(acks, await readBack(scenario.cluster.bootstrap(), scenario.topic));
  const differences = await waitForConvergence(scenario.cluster, scenario.topic, partitions);
  for (const p of problems.slice(0, 20)) console.log(`PROBLEM ${p}`);
  for (const d of differences) console.log(`DIVERGED ${d}`);
  failed = problems.length > 0 || differences.length > 0 || errors.length > 0 || summary.unflushed > 0;
  console.log(
    failed
      ? `FAILED: ${problems.length} read-back problems, ${differences.length} diverged partitions`
      : `OK: every acknowledged record read back once and in order; the replicas converged byte for byte`,
  );
} finally {
  await scenario.cleanup();
}
process.exit(failed ? 1 : 0);
