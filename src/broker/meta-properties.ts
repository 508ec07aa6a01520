import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidConfigError } from '../util/errors.js';
import { parseProperties } from './config.js';

/**
 * `<data>/meta.properties`, as a ZooKeeper-era Kafka broker writes it (version=0, broker.id,
 * cluster.id). It ties a data directory to one broker of one cluster, so a directory copied to the
 * wrong broker is refused instead of silently served.
 */
export function ensureMetaProperties(dataDir: string, brokerId: number, clusterId: string): void {
  const path = join(dataDir, 'meta.properties');
  if (existsSync(path)) {
    const props = parseProperties(readFileSync(path, 'utf8'));
    if (props['broker.id'] !== undefined && Number(props['broker.id']) !== brokerId) {
      throw new InvalidConfigError(
        `data directory ${dataDir} belongs to broker.id ${props['broker.id']}, not ${brokerId}`,
      );
    }
    if (props['cluster.id'] !== undefined && props['cluster.id'] !== clusterId) {
      throw new InvalidConfigError(
        `data directory ${dataDir} belongs to cluster ${props['cluster.id']}, not ${clusterId}`,
      );
    }
    return;
  }
  const text = `#\n#${new Date().toUTCString()}\nversion=0\nbroker.id=${brokerId}\ncluster.id=${clusterId}\n`;
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}
