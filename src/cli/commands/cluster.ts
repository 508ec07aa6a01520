/**
 * `samsa cluster info`: the cluster id, its brokers, the controller, how many topics there are and
 * how many partitions are under-replicated or offline, all from one Metadata request.
 * `samsa cluster dev` (cluster-dev.ts) runs a local cluster.
 */
import { Admin } from '../../client/admin.js';
import { renderPairs, renderSections, renderTable } from '../format/table.js';
import { CLUSTER_DEV_HELP, clusterDev } from './cluster-dev.js';
import {
  CLIENT_FLAGS_HELP,
  formatOf,
  out,
  outJson,
  parseClientArgs,
  runSubcommand,
  UsageError,
  withCluster,
} from './shared.js';

export const CLUSTER_HELP = `Usage: samsa cluster <subcommand> [options]

Subcommands:
  info                       cluster id, brokers (the controller marked *), topic count,
                             under-replicated and offline partition counts
  dev                        run a local ZooKeeper and --brokers N brokers (see 'cluster dev --help')

Options:
${CLIENT_FLAGS_HELP}
`;

export function clusterCommand(argv: string[]): Promise<number> {
  return runSubcommand(
    'cluster',
    CLUSTER_HELP,
    { info: { run: clusterInfo }, dev: { run: clusterDev, help: CLUSTER_DEV_HELP } },
    argv,
  );
}

async function clusterInfo(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientArgs(argv);
  if (values.help) {
    out(CLUSTER_HELP);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`cluster info takes no arguments (got '${positionals[0]}')`);
  const format = formatOf(values.format);
  const info = await withCluster(values, (cluster) => new Admin(cluster).describeCluster());
  if (format === 'json') {
    outJson(info);
    return 0;
  }
  out(
    renderSections([
      [
        'cluster',
        renderPairs([
          ['id', info.clusterId],
          ['controller', info.controllerId < 0 ? null : info.controllerId],
          ['topics', info.topicCount],
          ['under-replicated-partitions', info.underReplicatedPartitions],
          ['offline-partitions', info.offlinePartitions],
        ]),
      ],
      [
        'brokers',
        renderTable(
          ['id', 'host', 'port', 'rack'],
          info.brokers.map((b) => [
            b.nodeId === info.controllerId ? `${b.nodeId}*` : b.nodeId,
            b.host,
            b.port,
            b.rack,
          ]),
        ),
      ],
    ]),
  );
  return 0;
}
