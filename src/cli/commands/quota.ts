/**
 * `samsa quota set|list|delete`: client quotas (KIP-546) by user, client id or both, or ip, with
 * `<default>` entities — what `kafka-configs.sh --entity-type users|clients|ips` manages.
 */
import {
  Admin,
  type ClientQuotaEntity,
  type ClientQuotaEntry,
  type ClientQuotaFilterComponent,
} from '../../client/admin.js';
import { renderTable } from '../format/table.js';
import {
  CLIENT_FLAGS_HELP,
  formatOf,
  out,
  outJson,
  parseClientArgs,
  parseKeyValues,
  runSubcommand,
  UsageError,
  withCluster,
} from './shared.js';

export const QUOTA_HELP = `Usage: samsa quota <subcommand> [options]

Subcommands:
  set                        set quota values of one entity
  list                       list quota entries (all, or those matching the entity flags)
  delete                     remove quota keys of one entity (every key unless --key is given)

Entity (set and delete need at least one; list filters by them):
  --user <name>              a user (the name part of the principal, e.g. alice for User:alice)
  --user-default             the default user entity (<default>)
  --client-id <id>           a client id
  --client-id-default        the default client id entity (<default>)
  --ip <address>             an ip (connection_creation_rate only)
  --ip-default               the default ip entity

Values (set):
  --producer-byte-rate <n>   producer_byte_rate, bytes per second
  --consumer-byte-rate <n>   consumer_byte_rate, bytes per second
  --request-percentage <p>   request_percentage, percent of one request thread
  --config <key=value>       any quota key; repeatable
  --validate-only            check the change without storing it

Options:
  --key <name>               delete: only this key; repeatable
  --strict                   list: only entries with exactly the given entity types
${CLIENT_FLAGS_HELP}
`;

const OPTIONS = {
  user: { type: 'string' },
  'user-default': { type: 'boolean' },
  'client-id': { type: 'string' },
  'client-id-default': { type: 'boolean' },
  ip: { type: 'string' },
  'ip-default': { type: 'boolean' },
  'producer-byte-rate': { type: 'string' },
  'consumer-byte-rate': { type: 'string' },
  'request-percentage': { type: 'string' },
  config: { type: 'string', multiple: true },
  'validate-only': { type: 'boolean' },
  key: { type: 'string', multiple: true },
  strict: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseClientArgs<typeof OPTIONS>>['values'];

export function quotaCommand(argv: string[]): Promise<number> {
  return runSubcommand('quota', QUOTA_HELP, SUBCOMMANDS, argv, { ls: 'list', rm: 'delete' });
}

const SUBCOMMANDS = {
  set: { run: setQuota, help: QUOTA_HELP },
  list: { run: listQuotas, help: QUOTA_HELP },
  delete: { run: deleteQuota, help: QUOTA_HELP },
};

/** The entity the flags name: type → name, null for a default. */
function entityOf(values: Values): Record<string, string | null> {
  const entity: Record<string, string | null> = {};
  const pick = (type: string, name: string | undefined, isDefault: boolean | undefined, flag: string) => {
    if (name !== undefined && isDefault)
      throw new UsageError(`give --${flag} or --${flag}-default, not both`);
    if (name !== undefined) entity[type] = name;
    else if (isDefault) entity[type] = null;
  };
  pick('user', values.user, values['user-default'], 'user');
  pick('client-id', values['client-id'], values['client-id-default'], 'client-id');
  pick('ip', values.ip, values['ip-default'], 'ip');
  return entity;
}

function requireEntity(values: Values, sub: string): Record<string, string | null> {
  const entity = entityOf(values);
  if (Object.keys(entity).length === 0) {
    throw new UsageError(`quota ${sub} needs an entity (--user, --client-id, --ip or their -default forms)`);
  }
  return entity;
}

function numberFlag(value: string, flag: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new UsageError(`${flag} expects a number, got '${value}'`);
  return n;
}

function parse(argv: string[]): Values {
  const { values, positionals } = parseClientArgs(argv, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  return values;
}

function failures(results: { error: Error | null }[]): number {
  const failed = results.find((r) => r.error);
  if (failed?.error) throw failed.error;
  return 0;
}

async function setQuota(argv: string[]): Promise<number> {
  const values = parse(argv);
  const entity = requireEntity(values, 'set');
  const ops: Record<string, number> = {};
  const named: [string, string | undefined][] = [
    ['producer_byte_rate', values['producer-byte-rate']],
    ['consumer_byte_rate', values['consumer-byte-rate']],
    ['request_percentage', values['request-percentage']],
  ];
  for (const [key, value] of named) if (value !== undefined) ops[key] = numberFlag(value, key);
  for (const [key, value] of parseKeyValues(values.config, '--config')) ops[key] = numberFlag(value, key);
  if (Object.keys(ops).length === 0) throw new UsageError('quota set needs at least one value');
  const results = await withCluster(values, (cluster) =>
    new Admin(cluster).alterClientQuotas([{ entity, ops }], {
      validateOnly: values['validate-only'] ?? false,
    }),
  );
  failures(results);
  if (formatOf(values.format) === 'json')
    outJson({ entity, set: ops, validateOnly: !!values['validate-only'] });
  else out(`${values['validate-only'] ? 'Valid' : 'Set'}: ${entityText(entity)} ${valuesText(ops)}\n`);
  return 0;
}

async function deleteQuota(argv: string[]): Promise<number> {
  const values = parse(argv);
  const entity = requireEntity(values, 'delete');
  const removed = await withCluster(values, async (cluster) => {
    const admin = new Admin(cluster);
    let keys = values.key ?? [];
    if (keys.length === 0) {
      const filter = Object.entries(entity).map(([entityType, match]) => ({ entityType, match }));
      const [entry] = await admin.describeClientQuotas(filter, { strict: true });
      keys = Object.keys(entry?.values ?? {});
    }
    if (keys.length === 0) return keys;
    failures(
      await admin.alterClientQuotas([{ entity, ops: Object.fromEntries(keys.map((k) => [k, null])) }]),
    );
    return keys;
  });
  if (formatOf(values.format) === 'json') outJson({ entity, removed });
  else
    out(
      removed.length ? `Removed ${removed.join(', ')} from ${entityText(entity)}\n` : 'No quotas to remove\n',
    );
  return 0;
}

async function listQuotas(argv: string[]): Promise<number> {
  const values = parse(argv);
  const filter: ClientQuotaFilterComponent[] = Object.entries(entityOf(values)).map(
    ([entityType, match]) => ({
      entityType,
      match,
    }),
  );
  const entries = await withCluster(values, (cluster) =>
    new Admin(cluster).describeClientQuotas(filter, { strict: values.strict ?? false }),
  );
  if (formatOf(values.format) === 'json') {
    outJson(entries);
    return 0;
  }
  const sorted = [...entries].sort((a, b) => entityText(a.entity).localeCompare(entityText(b.entity)));
  out(
    renderTable(
      ['entity', 'quotas'],
      sorted.map((e: ClientQuotaEntry) => [entityText(e.entity), valuesText(e.values)]),
    ),
  );
  return 0;
}

function entityText(entity: ClientQuotaEntity): string {
  return Object.entries(entity)
    .map(([type, name]) => `${type}=${name ?? '<default>'}`)
    .join(',');
}

function valuesText(values: Readonly<Record<string, number>>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
