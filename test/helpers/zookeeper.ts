import { type LocalZooKeeper, startLocalZooKeeper } from '../../src/cluster/zookeeper/local-server.js';
import { makeTempDir } from './temp-dir.js';

export interface TestZooKeeper extends LocalZooKeeper {
  /** Stops ZooKeeper and removes its directory; safe to call twice. */
  cleanup(): Promise<void>;
}

/**
 * Starts Debian's ZooKeeper (standalone, admin server off) on a free loopback port over a temp
 * dir: one per test file. Sessions may be as short as 1 s (tickTime 500 ms), so tests can use
 * short `zookeeper.session.timeout.ms` values.
 */
export async function startZooKeeper(): Promise<TestZooKeeper> {
  const dir = makeTempDir('samsa-zk-');
  let zk: LocalZooKeeper;
  try {
    zk = await startLocalZooKeeper({ dir: dir.path, tickTimeMs: 500 });
  } catch (error) {
    dir.cleanup();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    ...zk,
    cleanup: () => {
      stopped ??= zk.stop().finally(() => dir.cleanup());
      return stopped;
    },
  };
}
