/**
 * `samsa topic`: create, list, describe, delete topics, add partitions, change topic configs.
 */
import { Admin, type ConfigAlteration, type ConfigEntry, isUnderReplicated } from '../../client/admin.js';
import type { TopicMetadata } from '../../client/cluster-client.js';
import { readCleaningStatus } from '../../storage/cleaner/cleaning-status.js';
import { renderPairs, renderSections, renderTable } from '../format/table.js';
import {
  CLIENT_FLAGS_HELP,
  formatOf,
  intFlag,
  out,
  outJson,
  parseClientArgs,
  parseKeyValues,
  reportOutcomes,
  runSubcommand,
  type Subcommand,
  UsageError,
  withCluster,
} from './shared.js';

export const TOPIC_HELP = `Usage: samsa topic <subcommand> [options]

Subcommands:
  create <name...>          create topics
  list                      list topics (alias: ls)
  describe <name>           partitions, offsets and configs of a topic
  delete <name...>          delete topics
  add-partitions <name>     grow a topic to --num partitions in total
  alter-config <name>       set or delete topic configs

Run 'samsa topic <subcommand> --help' for its options.
`;

const CREATE_HELP = `Usage: samsa topic create <name...> [options]

Options:
  -p, --partitions <n>       partitions (default: the broker's num.partitions)
  -r, --replication-factor <n>
                             replicas of each partition (default: the broker's default.replication.factor;
                             --replicas is the same)
  -c, --config <key=value>   topic config, repeatable (e.g. -c cleanup.policy=compact)
      --replica-assignment <list>
                             broker ids per partition, as kafka-topics has it: partitions
                             separated by ',', replicas by ':' (e.g. 0:1,1:2); instead of -p/-r
      --dry-run              validate only, create nothing
${CLIENT_FLAGS_HELP}
`;

const LIST_HELP = `Usage: samsa topic list [options]

Options:
  -i, --internal             include internal topics (__consumer_offsets, ...)
${CLIENT_FLAGS_HELP}
`;

const DESCRIBE_HELP = `Usage: samsa topic describe <name> [options]

Prints the topic's summary, its configs with their sources, and each partition's leader, replicas,
ISR, log start offset and high watermark.

Options:
      --data-dir <dir>       also show each compacted partition's dirty ratio and last clean time,
                             read from the broker's data directory (Kafka publishes these only as
                             metrics, which the Kafka protocol cannot fetch)
${CLIENT_FLAGS_HELP}
`;

const DELETE_HELP = `Usage: samsa topic delete <name...> [options]

Options:
${CLIENT_FLAGS_HELP}
`;

const ADD_PARTITIONS_HELP = `Usage: samsa topic add-partitions <name> --num <n> [options]

Options:
  -n, --num <n>              the total number of partitions the topic should have
      --replica-assignment <list>
                             broker ids of each new partition (e.g. 0:1,1:2 for two)
${CLIENT_FLAGS_HELP}
`;

const ALTER_CONFIG_HELP = `Usage: samsa topic alter-config <name> [--set key=value ...] [--delete key ...] [options]

Options:
  -s, --set <key=value>      set a config, repeatable
  -d, --delete <key>         remove an override (back to the broker default), repeatable
${CLIENT_FLAGS_HELP}
`;

export function topicCommand(argv: string[]): Promise<number> {
  return runSubcommand('topic', TOPIC_HELP, SUBCOMMANDS, argv, { ls: 'list' });
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  create: { run: create, help: CREATE_HELP },
  list: { run: list, help: LIST_HELP },
  describe: { run: describe, help: DESCRIBE_HELP },
  delete: { run: remove, help: DELETE_HELP },
  'add-partitions': { run: addPartitions, help: ADD_PARTITIONS_HELP },
  'alter-config': { run: alterConfig, help: ALTER_CONFIG_HELP },
};

/** kafka-topics' --replica-assignment: `0:1,1:2` is partition 0 on brokers 0 and 1, partition 1 on 1 and 2. */
function replicaAssignmentFlag(value: string | undefined): number[][] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((partition) =>
    partition.split(':').map((id) => {
      if (!/^\s*\d+\s*$/.test(id)) throw new UsageError(`--replica-assignment: '${id}' is not a broker id`);
      return Number(id);
    }),
  );
}

async function create(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientArgs(argv, {
    partitions: { type: 'string', short: 'p' },
    replicas: { type: 'string', short: 'r' },
    'replication-factor': { type: 'string' },
    config: { type: 'string', short: 'c', multiple: true },
    'replica-assignment': { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  if (positionals.length === 0) throw new UsageError('topic create needs at least one topic name');
  const format = formatOf(values.format);
  const numPartitions = intFlag(values.partitions, '--partitions', 1) ?? -1;
  const replicationFactor =
    intFlag(values['replication-factor'] ?? values.replicas, '--replication-factor', 1) ?? -1;
  const configs = Object.fromEntries(parseKeyValues(values.config, '--config'));
  const replicaAssignment = replicaAssignmentFlag(values['replica-assignment']);
  const created = await withCluster(values, (cluster) =>
    new Admin(cluster).createTopics(
      positionals.map((name) => ({ name, numPartitions, replicationFactor, configs, replicaAssignment })),
      { validateOnly: values['dry-run'] ?? false },
    ),
  );
  if (format === 'json') outJson(created);
  else {
    out(
      renderTable(
        ['topic', 'status', 'partitions', 'replicas'],
        created.map((t) => [t.name, 'OK', t.numPartitions < 0 ? null : t.numPartitions, replicasCell(t)]),
      ),
    );
  }
  return 0;
}

function replicasCell(t: { replicationFactor: number }): number | null {
  return t.replicationFactor < 0 ? null : t.replicationFactor;
}

async function list(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientArgs(argv, { internal: { type: 'boolean', short: 'i' } });
  if (positionals.length > 0) throw new UsageError(`topic list takes no arguments (got '${positionals[0]}')`);
  const format = formatOf(values.format);
  const topics = await withCluster(values, (cluster) =>
    new Admin(cluster).listTopics({ includeInternal: values.internal ?? false }),
  );
  if (format === 'json') {
    outJson(topics.map((t) => ({ ...summaryOf(t) })));
  } else {
    out(
      renderTable(
        ['name', 'partitions', 'replicas'],
        topics.map((t) => [t.name, t.partitions.length, replicasOf(t)]),
      ),
    );
  }
  return 0;
}

async function describe(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientArgs(argv, { 'data-dir': { type: 'string' } });
  const dataDir = values['data-dir'];
  if (positionals.length !== 1) throw new UsageError('topic describe needs exactly one topic name');
  const format = formatOf(values.format);
  const name = positionals[0]!;
  const description = await withCluster(values, async (cluster) => {
    const admin = new Admin(cluster);
    const [topic] = await admin.describeTopics([name]);
    const queries = topic!.partitions.map((p) => ({ topic: name, partition: p.partition }));
    const [starts, ends, configs] = await Promise.all([
      admin.listOffsets(queries.map((q) => ({ ...q, spec: 'earliest' as const }))),
      admin.listOffsets(queries.map((q) => ({ ...q, spec: 'latest' as const }))),
      admin.describeConfigs({ type: 'topic', name }),
    ]);
    return {
      ...summaryOf(topic!),
      configs: [...configs].sort((a, b) => a.name.localeCompare(b.name)),
      partitions: topic!.partitions.map((p, i) => ({
        partition: p.partition,
        leader: p.leader,
        leaderEpoch: p.leaderEpoch,
        replicas: p.replicas,
        isr: p.isr,
        offlineReplicas: p.offlineReplicas,
        underReplicated: isUnderReplicated(p),
        logStartOffset: starts[i]!.offset,
        highWatermark: ends[i]!.offset,
        ...cleaningOf(isCompacted(configs) ? dataDir : undefined, name, p.partition),
      })),
    };
  });
  if (format === 'json') {
    outJson(description, 2);
    return 0;
  }
  out(
    renderSections([
      [
        'summary',
        renderPairs([
          ['name', description.name],
          ['topic-id', description.topicId || null],
          ['internal', description.internal],
          ['partitions', description.partitionCount],
          ['replicas', description.replicationFactor],
        ]),
      ],
      ['configs', renderTable(['key', 'value', 'source'], description.configs.map(configRow))],
      [
        'partitions',
        renderTable(
          [
            'partition',
            'leader',
            'epoch',
            'replicas',
            'isr',
            'log-start-offset',
            'high-watermark',
            'status',
            ...(dataDir === undefined ? [] : ['dirty-ratio', 'last-clean']),
          ],
          description.partitions.map((p) => [
            p.partition,
            p.leader,
            p.leaderEpoch,
            `[${p.replicas.join(' ')}]`,
            `[${p.isr.join(' ')}]`,
            p.logStartOffset,
            p.highWatermark,
            partitionStatus(p),
            ...(dataDir === undefined
              ? []
              : [p.dirtyRatio === undefined ? null : p.dirtyRatio.toFixed(3), p.lastCleanTime ?? null]),
          ]),
        ),
      ],
    ]),
  );
  return 0;
}

function isCompacted(configs: readonly ConfigEntry[]): boolean {
  return configs.some((c) => c.name === 'cleanup.policy' && (c.value ?? '').split(',').includes('compact'));
}

/** The partition's dirty ratio and last clean time from a local data dir (compacted partitions only). */
function cleaningOf(
  dataDir: string | undefined,
  topic: string,
  partition: number,
): { dirtyRatio?: number; lastCleanTime?: string } {
  if (dataDir === undefined) return {};
  const status = readCleaningStatus(dataDir, topic, partition);
  if (status === undefined) return {};
  return {
    dirtyRatio: status.dirtyRatio,
    ...(status.lastCleanTimeMs === undefined
      ? {}
      : { lastCleanTime: new Date(status.lastCleanTimeMs).toISOString() }),
  };
}

/** What an operator must notice about a partition: no leader, or replicas out of sync. */
function partitionStatus(p: {
  leader: number;
  underReplicated: boolean;
  offlineReplicas: readonly number[];
}): string {
  if (p.leader < 0) return 'offline';
  if (p.underReplicated) {
    return p.offlineReplicas.length > 0
      ? `under-replicated (offline: ${p.offlineReplicas.join(' ')})`
      : 'under-replicated';
  }
  return 'ok';
}

function configRow(c: ConfigEntry): (string | null)[] {
  return [c.name, c.isSensitive ? '(sensitive)' : c.value, c.source];
}

function summaryOf(t: TopicMetadata) {
  return {
    name: t.name,
    topicId: t.topicId,
    internal: t.isInternal,
    partitionCount: t.partitions.length,
    replicationFactor: replicasOf(t),
  };
}

/** Replication factor as Kafka's tools show it: the replica count of the first partition. */
function replicasOf(t: TopicMetadata): number {
  return t.partitions[0]?.replicas.length ?? 0;
}

async function remove(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientArgs(argv);
  if (positionals.length === 0) throw new UsageError('topic delete needs at least one topic name');
  const format = formatOf(values.format);
  const outcomes = await withCluster(values, (cluster) => new Admin(cluster).deleteTopics(positionals));
  return reportOutcomes(format, outcomes, { jsonKey: 'name', header: 'topic' });
}

async function addPartitions(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientArgs(argv, {
    num: { type: 'string', short: 'n' },
    'replica-assignment': { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('topic add-partitions needs exactly one topic name');
  const total = intFlag(values.num, '--num', 1);
  if (total === undefined) throw new UsageError('topic add-partitions needs --num <total partitions>');
  const format = formatOf(values.format);
  const name = positionals[0]!;
  const assignments = replicaAssignmentFlag(values['replica-assignment']);
  await withCluster(values, (cluster) => new Admin(cluster).createPartitions(name, total, { assignments }));
  if (format === 'json') outJson({ name, partitionCount: total });
  else out(renderTable(['topic', 'status', 'partitions'], [[name, 'OK', total]]));
  return 0;
}

async function alterConfig(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientArgs(argv, {
    set: { type: 'string', short: 's', multiple: true },
    delete: { type: 'string', short: 'd', multiple: true },
  });
  if (positionals.length !== 1) throw new UsageError('topic alter-config needs exactly one topic name');
  const format = formatOf(values.format);
  const alterations: ConfigAlteration[] = [
    ...parseKeyValues(values.set, '--set').map(([name, value]) => ({ name, op: 'set' as const, value })),
    ...(values.delete ?? []).map((name) => ({ name, op: 'delete' as const })),
  ];
  if (alterations.length === 0)
    throw new UsageError('topic alter-config needs --set key=value or --delete key');
  const name = positionals[0]!;
  await withCluster(values, (cluster) =>
    new Admin(cluster).incrementalAlterConfigs({ type: 'topic', name }, alterations),
  );
  if (format === 'json') outJson({ name, altered: alterations });
  else {
    out(
      renderTable(
        ['key', 'operation', 'value'],
        alterations.map((a) => [a.name, a.op.toUpperCase(), a.value ?? null]),
      ),
    );
  }
  return 0;
}
