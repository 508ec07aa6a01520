/**
 * `samsa cluster info`: the cluster id, its brokers, the controller, how many topics there are and
 * how many partitions are under-replicated or offline, all from one Metadata request.
 * `samsa cluster elect-leaders`: preferred (or unclean) leader election, as kafka-leader-election.sh.
 * `samsa cluster dev` (cluster-dev.ts) runs a local cluster.
 */
import { Admin, ElectionType, type ElectionTypeName } from '../../client/admin.js';
import { renderPairs, renderSections, renderTable } from '../format/table.js';
import { CLUSTER_DEV_HELP, clusterDev } from './cluster-dev.js';
import {
  CLIENT_FLAGS_HELP,
  formatOf,
  intFlag,
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
  elect-leaders              move leadership back to preferred replicas (see 'cluster elect-leaders --help')
  dev                        run a local ZooKeeper and --brokers N brokers (see 'cluster dev --help')

Options:
${CLIENT_FLAGS_HELP}
`;

export function clusterCommand(argv: string[]): Promise<number> {
  return runSubcommand(
    'cluster',
    CLUSTER_HELP,
    {
      info: { run: clusterInfo },
      'elect-leaders': { run: electLeaders, help: ELECT_LEADERS_HELP },
      dev: { run: clusterDev, help: CLUSTER_DEV_HELP },
    },
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

const ELECT_LEADERS_HELP = `Usage: samsa cluster elect-leaders [options]

Asks the controller to elect leaders, as kafka-leader-election.sh does: the preferred replica (the
first of the assignment) of each partition, when it is alive and in sync. Without --topic every
partition is considered and only those elected or failed are printed. One line per partition:
elected, ELECTION_NOT_NEEDED (the right replica leads already) or the error. Exits 1 when any
partition failed.

Options:
  -t, --topic <name>         only this topic's partitions
  -p, --partition <n>        only this partition (with --topic)
      --election-type <type> preferred (default) or unclean: any live replica of a partition
                             without a live leader, even one that is out of sync (may lose records)
${CLIENT_FLAGS_HELP}
`;

async function electLeaders(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientArgs(argv, {
    topic: { type: 'string', short: 't' },
    partition: { type: 'string', short: 'p' },
    'election-type': { type: 'string' },
  });
  if (positionals.length > 0)
    throw new UsageError(`cluster elect-leaders takes no arguments (got '${positionals[0]}')`);
  const format = formatOf(values.format);
  const type = values['election-type'] ?? 'preferred';
  if (!Object.hasOwn(ElectionType, type))
    throw new UsageError(`--election-type must be preferred or unclean (got '${type}')`);
  const partition = intFlag(values.partition, '--partition');
  if (partition !== undefined && values.topic === undefined)
    throw new UsageError('--partition needs --topic');
  const outcomes = await withCluster(values, async (cluster) => {
    const admin = new Admin(cluster);
    let wanted: { topic: string; partition: number }[] | undefined;
    if (values.topic !== undefined) {
      const partitions =
        partition !== undefined
          ? [partition]
          : (await admin.describeTopics([values.topic]))[0]!.partitions.map((p) => p.partition);
      wanted = partitions.map((p) => ({ topic: values.topic!, partition: p }));
    }
    return admin.electLeaders(wanted, type as ElectionTypeName);
  });
  const sorted = [...outcomes].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  if (format === 'json') {
    outJson(
      sorted.map((o) => ({
        topic: o.topic,
        partition: o.partition,
        error: o.error?.kafkaError ?? null,
        message: o.error?.message ?? null,
      })),
    );
  } else if (sorted.length === 0) {
    out('no partition needed an election\n');
  } else {
    out(
      renderTable(
        ['topic', 'partition', 'result'],
        sorted.map((o) => [o.topic, o.partition, o.error ? o.error.kafkaError : 'elected']),
      ),
    );
  }
  return sorted.some((o) => o.error && o.error.kafkaError !== 'ELECTION_NOT_NEEDED') ? 1 : 0;
}
