/**
 * What the brokers of a test cluster hold on disk for a coordinator's partition of
 * `__consumer_offsets` or `__transaction_state`: replicas compact and roll segments on their own,
 * so the check is that every replica holds records, not that the files are alike.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { TestCluster } from './cluster.js';
import { waitFor } from './wait-for.js';

/** Bytes in the `.log` segments of `topic-partition` in a data dir (0 when it has no such log). */
export function logBytes(dataDir: string, topic: string, partition: number): number {
  const dir = path.join(dataDir, `${topic}-${partition}`);
  if (!existsSync(dir)) return 0;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
}

/** Waits until each of `brokerIds` (default: every broker of the cluster) holds data for the partition. */
export async function waitForDataOnReplicas(
  cluster: TestCluster,
  topic: string,
  partition: number,
  brokerIds: readonly number[] = [...cluster.brokers.keys()],
  timeoutMs = 20_000,
): Promise<void> {
  await waitFor(
    () => {
      const sizes = brokerIds.map((id) => logBytes(cluster.brokers.get(id)!.dataDir, topic, partition));
      if (sizes.some((n) => n === 0)) throw new Error(`bytes per broker: ${sizes.join(', ')}`);
      return true;
    },
    { timeoutMs, description: `${topic}-${partition} holding data on brokers ${brokerIds.join(', ')}` },
  );
}
