import { parseArgs } from 'node:util';
/**
 * `samsa cluster info`: the cluster id, its brokers, the controller and how many topics there are,
 * all from one Metadata request.
 */
import { Admin } from '../../client/admin.js';
import { toJson } from '../format/json.js';
import { renderPairs, renderSections, renderTable } from '../format/table.js';
import {
  brokersOf,
  CLIENT_FLAGS,
  CLIENT_FLAGS_HELP,
  formatOf,
  out,
  parseFlags,
  UsageError,
  withCluster,
} from './shared.js';

export const CLUSTER_HELP = `Usage: samsa cluster <subcommand> [options]

Subcommands:
  info                       cluster id, brokers (the controller marked *), topic count

Options:
${CLIENT_FLAGS_HELP}
`;

export async function clusterCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    out(CLUSTER_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'info')
    throw new UsageError(`unknown subcommand 'cluster ${sub}' (see 'samsa cluster --help')`);
  const { values, positionals } = parseFlags(() =>
    parseArgs({ args: rest, allowPositionals: true, options: CLIENT_FLAGS }),
  );
  if (values.help) {
    out(CLUSTER_HELP);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`cluster info takes no arguments (got '${positionals[0]}')`);
  const format = formatOf(values.format, ['text', 'json']);
  const info = await withCluster(brokersOf(values.brokers), (cluster) =>
    new Admin(cluster).describeCluster(),
  );
  if (format === 'json') {
    out(`${toJson(info)}\n`);
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
