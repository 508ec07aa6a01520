/**
 * `samsa group`: list, describe (members, assignments, committed offsets, log end offsets and lag,
 * as `kafka-consumer-groups.sh --describe` shows them), delete, and reset-offsets.
 */
import {
  GroupAdmin,
  type OffsetResetSpec,
  type PlannedOffset,
  type TopicPartition,
} from '../../client/groups.js';
import { groupByTopic } from '../../util/group-by-topic.js';
import { renderPairs, renderSections, renderTable } from '../format/table.js';
import {
  CLIENT_FLAGS_HELP,
  formatOf,
  out,
  outJson,
  parseClientArgs,
  reportOutcomes,
  runSubcommand,
  type Subcommand,
  UsageError,
  withCluster,
} from './shared.js';

export const GROUP_HELP = `Usage: samsa group <subcommand> [options]

Subcommands:
  list                      list consumer groups with their state (alias: ls)
  describe <group>          members, assignments, committed offsets, log end offsets and lag
  delete <group...>         delete empty groups and their committed offsets
  reset-offsets <group>     move an inactive group's committed offsets

Run 'samsa group <subcommand> --help' for its options.
`;

const LIST_HELP = `Usage: samsa group list [options]

Options:
${CLIENT_FLAGS_HELP}
`;

const DESCRIBE_HELP = `Usage: samsa group describe <group> [options]

Prints the group's state, protocol and members with their assignments, then one row per partition
the group is assigned or has committed: current (committed) offset, log end offset, lag and owner.

Options:
${CLIENT_FLAGS_HELP}
`;

const DELETE_HELP = `Usage: samsa group delete <group...> [options]

Only groups without members can be deleted (NON_EMPTY_GROUP otherwise).

Options:
${CLIENT_FLAGS_HELP}
`;

const RESET_OFFSETS_HELP = `Usage: samsa group reset-offsets <group> (--topic <t>[:p,p] ... | --all-topics) <target> [--execute]

Shows the new offsets; --execute commits them. Refused while the group has members.

Targets (exactly one):
      --to-earliest          the log start offset
      --to-latest            the log end offset
      --to-offset <n>        an offset (kept within the log's start and end)
      --to-datetime <time>   the first record at or after an ISO-8601 time (e.g. 2024-05-01T12:00:00Z)
      --to-timestamp <ms>    the same, as epoch milliseconds
      --shift-by <n>         the committed offset plus n (negative moves back)

Options:
  -t, --topic <t>[:p,...]    a topic, or some of its partitions, repeatable
      --all-topics           every topic the group has offsets for
      --execute              commit the new offsets (default: show them only)
${CLIENT_FLAGS_HELP}
`;

export function groupCommand(argv: string[]): Promise<number> {
  return runSubcommand('group', GROUP_HELP, SUBCOMMANDS, argv, { ls: 'list' });
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  list: { run: list, help: LIST_HELP },
  describe: { run: describe, help: DESCRIBE_HELP },
  delete: { run: remove, help: DELETE_HELP },
  'reset-offsets': { run: resetOffsets, help: RESET_OFFSETS_HELP },
};

async function list(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientArgs(argv);
  if (positionals.length > 0) throw new UsageError(`group list takes no arguments (got '${positionals[0]}')`);
  const format = formatOf(values.format);
  const groups = await withCluster(values, (cluster) => new GroupAdmin(cluster).listGroups());
  if (format === 'json') outJson(groups);
  else {
    out(
      renderTable(
        ['group', 'state', 'protocol-type', 'coordinator'],
        groups.map((g) => [g.groupId, g.state || null, g.protocolType || null, g.coordinatorId]),
      ),
    );
  }
  return 0;
}

async function describe(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientArgs(argv);
  if (positionals.length !== 1) throw new UsageError('group describe needs exactly one group id');
  const format = formatOf(values.format);
  const groupId = positionals[0]!;
  const { group, offsets } = await withCluster(values, async (cluster) => {
    const admin = new GroupAdmin(cluster);
    const group = await admin.describeGroup(groupId);
    return { group, offsets: await admin.describeOffsets(groupId, group) };
  });
  if (group.state === 'Dead' && offsets.length === 0) {
    process.stderr.write(`samsa group: GROUP_ID_NOT_FOUND: group '${groupId}' does not exist\n`);
    return 1;
  }
  if (format === 'json') {
    outJson({ ...group, offsets }, 2);
    return 0;
  }
  out(
    renderSections([
      [
        'summary',
        renderPairs([
          ['group', group.groupId],
          ['state', group.state],
          ['protocol-type', group.protocolType || null],
          ['protocol', group.protocol || null],
          ['members', group.members.length],
          ['coordinator', group.coordinatorId],
        ]),
      ],
      [
        'members',
        renderTable(
          ['member-id', 'instance-id', 'client-id', 'host', 'assignment'],
          group.members.map((m) => [
            m.memberId,
            m.groupInstanceId,
            m.clientId,
            m.clientHost,
            formatAssignment(m.assignment) || null,
          ]),
        ),
      ],
      [
        'offsets',
        renderTable(
          [
            'topic',
            'partition',
            'current-offset',
            'log-end-offset',
            'lag',
            'consumer-id',
            'host',
            'client-id',
          ],
          offsets.map((o) => [
            o.topic,
            o.partition,
            o.committedOffset,
            o.logEndOffset < 0n ? null : o.logEndOffset,
            o.lag,
            o.memberId,
            o.clientHost,
            o.clientId,
          ]),
        ),
      ],
    ]),
  );
  return 0;
}

async function remove(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientArgs(argv);
  if (positionals.length === 0) throw new UsageError('group delete needs at least one group id');
  const format = formatOf(values.format);
  const outcomes = await withCluster(values, (cluster) => new GroupAdmin(cluster).deleteGroups(positionals));
  return reportOutcomes(
    format,
    outcomes.map((o) => ({ name: o.groupId, error: o.error })),
    { jsonKey: 'group', header: 'group' },
  );
}

async function resetOffsets(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientArgs(argv, {
    topic: { type: 'string', short: 't', multiple: true },
    'all-topics': { type: 'boolean' },
    'to-earliest': { type: 'boolean' },
    'to-latest': { type: 'boolean' },
    'to-offset': { type: 'string' },
    'to-datetime': { type: 'string' },
    'to-timestamp': { type: 'string' },
    'shift-by': { type: 'string' },
    execute: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError('group reset-offsets needs exactly one group id');
  const format = formatOf(values.format);
  if ((values.topic === undefined) === (values['all-topics'] !== true)) {
    throw new UsageError('group reset-offsets needs either --topic (repeatable) or --all-topics');
  }
  if (values.execute && values['dry-run']) throw new UsageError('--execute and --dry-run exclude each other');
  const spec = resetSpecOf(values);
  const topics = values.topic === undefined ? null : values.topic.flatMap(parseTopicFlag);
  const groupId = positionals[0]!;
  const execute = values.execute === true;
  const plan = await withCluster(values, (cluster) =>
    new GroupAdmin(cluster).resetOffsets(groupId, topics, spec, { dryRun: !execute }),
  );
  if (format === 'json') outJson({ group: groupId, executed: execute, offsets: plan });
  else {
    out(renderTable(['topic', 'partition', 'current-offset', 'new-offset'], plan.map(planRow)));
    if (!execute) out('(dry run: nothing committed; add --execute to commit these offsets)\n');
  }
  return 0;
}

function planRow(p: PlannedOffset): (string | number | bigint | null)[] {
  return [p.topic, p.partition, p.currentOffset, p.newOffset];
}

function resetSpecOf(values: {
  'to-earliest'?: boolean;
  'to-latest'?: boolean;
  'to-offset'?: string;
  'to-datetime'?: string;
  'to-timestamp'?: string;
  'shift-by'?: string;
}): OffsetResetSpec {
  const specs: OffsetResetSpec[] = [];
  if (values['to-earliest']) specs.push('earliest');
  if (values['to-latest']) specs.push('latest');
  if (values['to-offset'] !== undefined)
    specs.push({ offset: bigintFlag(values['to-offset'], '--to-offset', 0n) });
  if (values['to-timestamp'] !== undefined) {
    specs.push({ timestamp: bigintFlag(values['to-timestamp'], '--to-timestamp', 0n) });
  }
  if (values['to-datetime'] !== undefined) {
    const ms = Date.parse(values['to-datetime']);
    if (Number.isNaN(ms)) {
      throw new UsageError(`--to-datetime expects an ISO-8601 time, got '${values['to-datetime']}'`);
    }
    specs.push({ timestamp: BigInt(ms) });
  }
  if (values['shift-by'] !== undefined) specs.push({ shiftBy: bigintFlag(values['shift-by'], '--shift-by') });
  if (specs.length !== 1) {
    throw new UsageError(
      'group reset-offsets needs exactly one of --to-earliest, --to-latest, --to-offset, --to-datetime, --to-timestamp, --shift-by',
    );
  }
  return specs[0]!;
}

/** `topic` or `topic:0,2,5`. */
function parseTopicFlag(value: string): (string | TopicPartition)[] {
  const colon = value.lastIndexOf(':');
  if (colon < 0) return [value];
  const topic = value.slice(0, colon);
  if (topic === '') throw new UsageError(`--topic expects topic or topic:partitions, got '${value}'`);
  return value
    .slice(colon + 1)
    .split(',')
    .map((p) => {
      const partition = Number(p);
      if (p === '' || !Number.isInteger(partition) || partition < 0) {
        throw new UsageError(`--topic expects partitions as numbers, got '${value}'`);
      }
      return { topic, partition };
    });
}

function bigintFlag(value: string, flag: string, minimum?: bigint): bigint {
  if (!/^-?\d+$/.test(value)) throw new UsageError(`${flag} expects an integer, got '${value}'`);
  const n = BigInt(value);
  if (minimum !== undefined && n < minimum) throw new UsageError(`${flag} expects an integer >= ${minimum}`);
  return n;
}

function formatAssignment(assignment: readonly TopicPartition[]): string {
  const byTopic = groupByTopic(assignment, (tp) => tp.partition);
  return [...byTopic].map(([topic, ps]) => `${topic}:${ps.join(',')}`).join(' ');
}
