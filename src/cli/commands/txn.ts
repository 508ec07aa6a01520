/**
 * `samsa txn list|describe`: what the transaction coordinators know — each transactional id's
 * state, producer id and epoch, the partitions of its open transaction and how long it has run.
 */
import { type TransactionDescription, TransactionsAdmin } from '../../client/transactions.js';
import { type Cell, renderPairs, renderSections, renderTable } from '../format/table.js';
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

export const TXN_HELP = `Usage: samsa txn <subcommand> [options]

Subcommands:
  list                       transactional ids with state, producer id/epoch, partitions and age
  describe <id> [<id>...]    one transactional id in detail

Options:
  --state <name>             list: only this state (Empty, Ongoing, PrepareCommit, PrepareAbort,
                             CompleteCommit, CompleteAbort, Dead, PrepareEpochFence); repeatable
  --producer-id <id>         list: only this producer id; repeatable
${CLIENT_FLAGS_HELP}
`;

const OPTIONS = {
  state: { type: 'string', multiple: true },
  'producer-id': { type: 'string', multiple: true },
} as const;

/** How long the open transaction has run ("-" when none), from the broker's start time. */
function ageOf(d: TransactionDescription, nowMs: number): string {
  if (d.transactionStartTimeMs < 0n || !['Ongoing', 'PrepareCommit', 'PrepareAbort'].includes(d.state))
    return '-';
  const ms = Math.max(0, nowMs - Number(d.transactionStartTimeMs));
  return ms < 10_000 ? `${ms}ms` : `${Math.round(ms / 1000)}s`;
}

function partitionsOf(d: TransactionDescription): string {
  return d.topics.map((t) => `${t.topic}:${t.partitions.join(',')}`).join(' ') || '-';
}

export function txnCommand(argv: string[]): Promise<number> {
  return runSubcommand('txn', TXN_HELP, SUBCOMMANDS, argv);
}

const SUBCOMMANDS = {
  list: { run: (argv: string[]) => transactions('list', argv) },
  describe: { run: (argv: string[]) => transactions('describe', argv) },
};

/** `list` and `describe` take the same flags and describe the same way; they differ in which ids. */
async function transactions(sub: 'list' | 'describe', argv: string[]): Promise<number> {
  const { values, positionals } = parseClientArgs(argv, OPTIONS);
  if (values.help) {
    out(TXN_HELP);
    return 0;
  }
  const format = formatOf(values.format);
  const producerIds = (values['producer-id'] ?? []).map((v) => {
    if (!/^\d+$/.test(v)) throw new UsageError(`--producer-id expects a producer id, got '${v}'`);
    return BigInt(v);
  });
  if (sub === 'list' && positionals.length > 0) {
    throw new UsageError(`txn list takes no arguments (got '${positionals[0]}')`);
  }
  if (sub === 'describe' && positionals.length === 0) {
    throw new UsageError('txn describe needs at least one transactional id');
  }
  const described = await withCluster(values, async (cluster) => {
    const admin = new TransactionsAdmin(cluster);
    const ids =
      sub === 'describe'
        ? positionals
        : (await admin.listTransactions({ states: values.state ?? [], producerIds })).map(
            (t) => t.transactionalId,
          );
    return admin.describeTransactions(ids);
  });
  const now = Date.now();
  if (format === 'json') {
    outJson(described.map((d) => ({ ...d, age: ageOf(d, now) })));
    return 0;
  }
  if (sub === 'list') {
    const rows: Cell[][] = described.map((d) => [
      d.transactionalId,
      d.state,
      d.producerId,
      d.producerEpoch,
      partitionsOf(d),
      ageOf(d, now),
    ]);
    out(renderTable(['transactional id', 'state', 'producer id', 'epoch', 'partitions', 'age'], rows));
    return 0;
  }
  out(
    renderSections(
      described.map((d) => [
        d.transactionalId,
        renderPairs([
          ['state', d.state],
          ['producer id', d.producerId],
          ['producer epoch', d.producerEpoch],
          ['coordinator', d.coordinatorId],
          ['timeout ms', d.transactionTimeoutMs],
          [
            'started',
            d.transactionStartTimeMs < 0n ? null : new Date(Number(d.transactionStartTimeMs)).toISOString(),
          ],
          ['age', ageOf(d, now)],
          ['partitions', partitionsOf(d)],
        ]),
      ]),
    ),
  );
  return 0;
}
