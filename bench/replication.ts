/**
 * Produce throughput with replication: librdkafka (kcat) to the leader of a topic with
 * replication factor 3 and acks=all, against the same leader with replication factor 1, on one set
 * of three brokers on a static layout (the ZooKeeper controller is not involved: the bench plays the
 * controller, as test/cluster/replication.test.ts does). The brokers run as three child processes
 * (`--in-process`: in this process, sharing one event loop).
 *
 *   node dist/bench/replication.js [--records N] [--size B] [--runs R] [--in-process] [--keep-page-cache] [--no-save]
 *
 * Target (issue 10): RF 3 acks=all at least 50% of RF 1.
 */
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { StaticCluster } from '../test/helpers/static-cluster.js';
import { ProcessLayout } from '../test/helpers/static-cluster-processes.js';
import { makeTempDir } from '../test/helpers/temp-dir.js';
import { dropPageCache, loadAverage, machineInfo } from './throughput/broker-process.js';
import { rdkafkaProduce } from './throughput/rdkafka.js';
import { saveResult } from './throughput/report.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    size: { type: 'string', default: '100' },
    runs: { type: 'string', default: '3' },
    'in-process': { type: 'boolean', default: false },
    'no-save': { type: 'boolean', default: false },
    'keep-page-cache': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(
    'node dist/bench/replication.js [--records N] [--size B] [--runs R] [--in-process] [--keep-page-cache] [--no-save]',
  );
  process.exit(0);
}
const records = Number(values.records);
const size = Number(values.size);
const runs = Number(values.runs);

const inProcess = values['in-process'];
const cluster = inProcess ? await StaticCluster.start(3) : await ProcessLayout.start(3);
const work = makeTempDir('samsa-bench-replication-');
const rows: {
  replicationFactor: number;
  acks: string;
  run: number;
  recordsPerSec: number;
  mbPerSec: number;
}[] = [];
try {
  const layouts = [
    { replicationFactor: 1, replicas: [0] },
    { replicationFactor: 3, replicas: [0, 1, 2] },
  ];
  for (let run = 1; run <= runs; run++) {
    for (const layout of layouts) {
      const topic = `bench-rf${layout.replicationFactor}-${run}`;
      await cluster.createTopic(topic, { leader: 0, replicas: layout.replicas });
      if (!values['keep-page-cache']) dropPageCache();
      const result = await rdkafkaProduce({
        driver: 'kcat',
        bootstrap: cluster.bootstrap(0),
        topic,
        count: records,
        size,
        acks: 'all',
        workDir: work.path,
      });
      const row = {
        replicationFactor: layout.replicationFactor,
        acks: 'all',
        run,
        recordsPerSec: Math.round(result.records / result.seconds),
        mbPerSec: Math.round((result.bytes / result.seconds / 1e6) * 10) / 10,
      };
      rows.push(row);
      console.log(
        `RF ${row.replicationFactor} acks=all run ${run}: ${row.recordsPerSec} records/s, ${row.mbPerSec} MB/s`,
      );
    }
  }
} finally {
  await cluster.stop();
  work.cleanup();
}

const median = (rf: number) => {
  const sorted = rows
    .filter((r) => r.replicationFactor === rf)
    .map((r) => r.recordsPerSec)
    .sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const rf1 = median(1);
const rf3 = median(3);
const ratio = Math.round((rf3 / rf1) * 100);
console.log(
  `median: RF 1 ${rf1} records/s, RF 3 ${rf3} records/s: RF 3 is ${ratio}% of RF 1 (target >= 50%) ${ratio >= 50 ? 'MET' : 'MISSED'}`,
);
if (!values['no-save']) {
  const file = saveResult(
    {
      scenario: 'replication',
      date: new Date().toISOString(),
      machine: machineInfo(),
      loadAverage: loadAverage(),
      cpus: os.cpus().length,
      setup: `3 ${inProcess ? 'in-process brokers' : 'broker processes'} (static layout), kcat -P -X acks=all to the leader, ${records} records of ${size} B per run`,
      rows,
      medianRecordsPerSec: { rf1, rf3 },
      rf3PercentOfRf1: ratio,
    },
    'replication',
    new Date(),
  );
  console.log(`wrote ${file}`);
}
