/**
 * One broker of a ProcessLayout (static-cluster-processes.ts): a child process started with `fork`,
 * its partition states and ISR writes carried over the IPC channel to the parent's StaticController.
 *
 *   (forked) node dist/test/helpers/static-cluster-broker.js <broker id> <data dir> [<config json>]
 */
import type { BrokerEndpoint, IsrWriter, PartitionState } from '../../src/cluster/partition-state.js';
import { Broker } from '../../src/index.js';
import { TEST_BROKER_CONFIG } from './broker.js';

type FromParent =
  | { type: 'apply'; seq: number; state: PartitionState; brokers: BrokerEndpoint[] }
  | { type: 'isr'; seq: number; result: number | null }
  | { type: 'stop' };

const [id, dataDir, configJson] = process.argv.slice(2);
let nextSeq = 0;
const pendingIsr = new Map<number, (result: number | null) => void>();
const isrWriter: IsrWriter = {
  writeIsr(topic, partition, leader, leaderEpoch, isr, partitionEpoch) {
    const seq = nextSeq++;
    return new Promise((resolve) => {
      pendingIsr.set(seq, resolve);
      process.send!({
        type: 'writeIsr',
        seq,
        args: [topic, partition, leader, leaderEpoch, isr, partitionEpoch],
      });
    });
  },
};
const broker = new Broker({
  host: '127.0.0.1',
  port: 0,
  dataDir,
  config: { ...TEST_BROKER_CONFIG, ...(configJson ? JSON.parse(configJson) : {}), 'broker.id': id! },
  logLevel: process.env.SAMSA_TEST_LOG_LEVEL ?? 'warn',
  replication: { isrWriter },
});
await broker.start();
process.on('message', async (message: FromParent) => {
  if (message.type === 'apply') {
    await broker.replicaStates.applyPartitionStates([message.state], message.brokers);
    process.send!({ type: 'applied', seq: message.seq });
  } else if (message.type === 'isr') {
    pendingIsr.get(message.seq)?.(message.result);
    pendingIsr.delete(message.seq);
  } else if (message.type === 'stop') {
    await broker.stop();
    process.exit(0);
  }
});
process.send!({ type: 'ready', host: broker.host, port: broker.port });
