/**
 * `samsa user create|list|delete`: SCRAM users (kafka-configs.sh --entity-type users
 * --alter --add-config 'SCRAM-SHA-256=[password=...]' in Kafka's terms).
 */
import { alterScramUsers, describeScramUsers, type ScramChange } from '../../client/scram-admin.js';
import { isScramMechanism, SCRAM_MIN_ITERATIONS, type ScramMechanism } from '../../security/sasl/scram.js';
import { renderTable } from '../format/table.js';
import {
  CLIENT_FLAGS_HELP,
  formatOf,
  intFlag,
  out,
  outJson,
  parseClientArgs,
  reportOutcomes,
  runSubcommand,
  UsageError,
  withCluster,
} from './shared.js';

export const USER_HELP = `Usage: samsa user <subcommand> [options]

Subcommands:
  create <name> --password <p>   add or replace a SCRAM credential
  list [<name>...]               users with their SCRAM mechanisms and iterations
  delete <name> [<name>...]      remove SCRAM credentials

Options:
  --password <p>             create: the password (salted and hashed before it is sent)
  --mechanism <m>            SCRAM-SHA-256 or SCRAM-SHA-512 (default SCRAM-SHA-512); create and
                             delete take it once per mechanism, delete defaults to both
  --iterations <n>           create: PBKDF2 iterations, at least ${SCRAM_MIN_ITERATIONS} (default ${SCRAM_MIN_ITERATIONS})
${CLIENT_FLAGS_HELP}
`;

const OPTIONS = {
  password: { type: 'string' },
  mechanism: { type: 'string', multiple: true },
  iterations: { type: 'string' },
} as const;

function mechanismsOf(values: string[] | undefined, fallback: ScramMechanism[]): ScramMechanism[] {
  if (!values || values.length === 0) return fallback;
  return values.map((m) => {
    const name = m.toUpperCase();
    if (!isScramMechanism(name))
      throw new UsageError(`--mechanism must be SCRAM-SHA-256 or SCRAM-SHA-512 (got '${m}')`);
    return name;
  });
}

export function userCommand(argv: string[]): Promise<number> {
  return runSubcommand('user', USER_HELP, SUBCOMMANDS, argv, { ls: 'list', rm: 'delete' });
}

const SUBCOMMANDS = {
  create: { run: createUser, help: USER_HELP },
  list: { run: listUsers, help: USER_HELP },
  delete: { run: deleteUsers, help: USER_HELP },
};

async function createUser(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientArgs(argv, OPTIONS);
  if (positionals.length !== 1) throw new UsageError('user create takes one user name');
  if (values.password === undefined || values.password === '')
    throw new UsageError('user create needs --password');
  const iterations = intFlag(values.iterations, '--iterations', SCRAM_MIN_ITERATIONS);
  const format = formatOf(values.format);
  const changes: ScramChange[] = mechanismsOf(values.mechanism, ['SCRAM-SHA-512']).map((mechanism) => ({
    kind: 'upsert',
    user: positionals[0]!,
    mechanism,
    password: values.password!,
    iterations,
  }));
  const outcomes = await withCluster(values, (cluster) => alterScramUsers(cluster, changes));
  return reportOutcomes(
    format,
    outcomes.map((o) => ({ name: o.user, error: o.error })),
    { jsonKey: 'user', header: 'user' },
  );
}

async function listUsers(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientArgs(argv, OPTIONS);
  const format = formatOf(values.format);
  const users = await withCluster(values, (cluster) => describeScramUsers(cluster, positionals));
  if (format === 'json') {
    outJson(users);
    return 0;
  }
  out(
    renderTable(
      ['user', 'mechanism', 'iterations'],
      users.flatMap((u) => u.credentials.map((c) => [u.user, c.mechanism, c.iterations])),
    ),
  );
  return 0;
}

async function deleteUsers(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientArgs(argv, OPTIONS);
  if (positionals.length === 0) throw new UsageError('user delete takes at least one user name');
  const format = formatOf(values.format);
  const outcomes = await withCluster(values, async (cluster) => {
    // Without --mechanism, every mechanism the user has.
    const explicit = values.mechanism && values.mechanism.length > 0;
    const existing = explicit ? [] : await describeScramUsers(cluster);
    const changes: ScramChange[] = positionals.flatMap((user) => {
      const mechanisms = explicit
        ? mechanismsOf(values.mechanism, [])
        : (existing.find((u) => u.user === user)?.credentials.map((c) => c.mechanism) ?? ['SCRAM-SHA-512']);
      return mechanisms.map((mechanism): ScramChange => ({ kind: 'delete', user, mechanism }));
    });
    return alterScramUsers(cluster, changes);
  });
  return reportOutcomes(
    format,
    outcomes.map((o) => ({ name: o.user, error: o.error })),
    { jsonKey: 'user', header: 'user' },
  );
}
