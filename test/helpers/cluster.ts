import { ZkClient } from '../../src/cluster/zookeeper/zk-client.js';
import { silentLogger } from '../../src/util/logger.js';
import { type BrokerProcess, type StartBrokerProcessOptions, startBrokerProcess } from './broker.js';
import { startZooKeeper, type TestZooKeeper } from './zookeeper.js';

/** Settings that keep cluster tests quick: short sessions, small internal topics. */
export const TEST_CLUSTER_CONFIG: Readonly<Record<string, string>> = {
  'zookeeper.session.timeout.ms': '4000',
  'offsets.topic.num.partitions': '6',
  'transaction.state.log.num.partitions': '6',
  'controlled.shutdown.retry.backoff.ms': '200',
};

export interface TestCluster {
  readonly zookeeper: TestZooKeeper;
  /** `host:port/chroot` the brokers use. */
  readonly zookeeperConnect: string;
  /** Brokers by id (a killed one stays until restarted or removed). */
  readonly brokers: Map<number, BrokerProcess>;
  /** Comma-separated bootstrap list of the brokers currently in `brokers`. */
  bootstrap(): string;
  /** Starts broker `id` (again, over its previous data dir and port when it ran before). */
  startBroker(id: number, options?: StartBrokerProcessOptions): Promise<BrokerProcess>;
  /** Stops every broker, then ZooKeeper, and removes every directory. */
  cleanup(): Promise<void>;
}

export interface StartClusterOptions {
  readonly brokers?: number;
  /** Kafka config names for every broker, over TEST_CLUSTER_CONFIG. */
  readonly config?: Record<string, string>;
  /** Default `/samsa`: exercises chroot creation. */
  readonly chroot?: string;
  /** Reuse a ZooKeeper (several clusters in one file); it is then not stopped by cleanup. */
  readonly zookeeper?: TestZooKeeper;
}

/** Starts ZooKeeper and N broker processes (`bin/samsa start --zookeeper ... --broker-id N`). */
export async function startCluster(options: StartClusterOptions = {}): Promise<TestCluster> {
  const zookeeper = options.zookeeper ?? (await startZooKeeper());
  const zookeeperConnect = `${zookeeper.connect}${options.chroot ?? '/samsa'}`;
  const brokers = new Map<number, BrokerProcess>();
  const previous = new Map<number, { dataDir: string; port: number }>();
  const ownDirs: BrokerProcess[] = [];

  const startBroker = async (id: number, extra: StartBrokerProcessOptions = {}) => {
    const before = previous.get(id);
    const broker = await startBrokerProcess({
      dataDir: before?.dataDir,
      port: before?.port,
      ...extra,
      config: { ...TEST_CLUSTER_CONFIG, ...options.config, ...extra.config },
      extraArgs: ['--zookeeper', zookeeperConnect, '--broker-id', String(id), ...(extra.extraArgs ?? [])],
    });
    if (!before) ownDirs.push(broker);
    previous.set(id, { dataDir: broker.dataDir, port: broker.port });
    brokers.set(id, broker);
    return broker;
  };

  const cleanup = async () => {
    await Promise.all([...brokers.values()].map((b) => b.kill('SIGKILL')));
    // The first run of each broker created its data dir; stop() removes it.
    await Promise.all(ownDirs.map((b) => b.stop()));
    if (!options.zookeeper) await zookeeper.cleanup();
  };

  try {
    await Promise.all(Array.from({ length: options.brokers ?? 3 }, (_, i) => startBroker(i + 1)));
  } catch (error) {
    await cleanup();
    throw error;
  }
  return {
    zookeeper,
    zookeeperConnect,
    brokers,
    bootstrap: () => [...brokers.values()].map((b) => b.bootstrap).join(','),
    startBroker,
    cleanup,
  };
}

/** A ZooKeeper session of the test's own over the cluster's chroot, to read what the brokers wrote. */
export async function zkReader(cluster: Pick<TestCluster, 'zookeeperConnect'>): Promise<ZkClient> {
  const zk = new ZkClient({
    connect: cluster.zookeeperConnect,
    sessionTimeoutMs: 10_000,
    connectionTimeoutMs: 10_000,
    logger: silentLogger(),
  });
  await zk.start();
  return zk;
}
