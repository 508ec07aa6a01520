/**
 * `samsa cluster info`: the cluster id, its brokers, the controller and how many topics there are,
 * all from one Metadata request.
 */
import { Admin } from '../../client/admin.js';
import { renderPairs, renderSections, renderTable } from '../format/table.js';
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
  info                       cluster id, brokers (the controller marked *), topic count

Options:
${CLIENT_FLAGS_HELP}
`;

export function clusterCommand(argv: string[]): Promise<number> {
  return runSubcommand('cluster', CLUSTER_HELP, { info: { run: clusterInfo } }, argv);
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
