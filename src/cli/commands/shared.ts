/**
 * What the data and admin commands share: the `--brokers`/`--format`/`--help` flags, subcommand
 * dispatch with help, usage errors, `key=value` parsing, a cluster client that is closed however the
 * command ends, and the output every command prints the same way (JSON documents, batch outcomes).
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { loadPropertiesFile } from '../../broker/config.js';
import { ClusterClient } from '../../client/cluster-client.js';
import type { KafkaResponseError } from '../../client/errors.js';
import {
  type ClientSecurity,
  clientSecurityFromProperties,
  PLAINTEXT_SECURITY,
} from '../../client/security.js';
import { toJson } from '../format/json.js';
import { renderTable } from '../format/table.js';

/** A command line that cannot be run as given; `samsa` exits with 2 for these (1 for failures). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const DEFAULT_BROKERS = '127.0.0.1:9092';

/** Flags every client command takes. */
export const CLIENT_FLAGS = {
  // -b and --bootstrap-server are the names kcat and kafka-*.sh users type.
  brokers: { type: 'string', short: 'b' },
  'bootstrap-server': { type: 'string' },
  'command-config': { type: 'string' },
  format: { type: 'string', short: 'f' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const CLIENT_FLAGS_HELP = `  -b, --brokers <host:port,...>  brokers to bootstrap from (default $SAMSA_BROKERS, else ${DEFAULT_BROKERS});
                             --bootstrap-server is the same
  --command-config <file>    client properties: security.protocol, sasl.mechanism, sasl.username,
                             sasl.password, ssl.truststore.location, ssl.keystore.location, ...
  -f, --format <fmt>         output: text (default) or json
  -h, --help                 show this help`;

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
type ClientArgsConfig<O extends OptionsConfig> = {
  args: string[];
  allowPositionals: true;
  options: typeof CLIENT_FLAGS & O;
};

/**
 * Parses a client command's arguments: the `CLIENT_FLAGS` plus the command's own `options`, with
 * positionals allowed. `util.parseArgs`' errors (unknown flag, missing value) become usage errors.
 */
export function parseClientArgs<const O extends OptionsConfig = Record<never, never>>(
  args: string[],
  options?: O,
): ReturnType<typeof parseArgs<ClientArgsConfig<O>>> {
  try {
    const parsed = parseArgs<ClientArgsConfig<O>>({
      args,
      allowPositionals: true,
      options: { ...CLIENT_FLAGS, ...options } as typeof CLIENT_FLAGS & O,
    });
    const values = parsed.values as Record<string, unknown>;
    if (values.brokers === undefined && values['bootstrap-server'] !== undefined) {
      values.brokers = values['bootstrap-server'];
    }
    return parsed;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A subcommand: what it runs, and its own help (printed when its arguments hold `--help` or `-h`). */
export interface Subcommand {
  readonly run: (argv: string[]) => Promise<number>;
  readonly help?: string;
}

/**
 * Runs `samsa <command> <subcommand> ...`. Without a subcommand it prints the command's help and
 * exits 2; with `--help`, `-h` or `help` it prints it and exits 0. `aliases` maps short names
 * (`ls`) to subcommands.
 */
export async function runSubcommand(
  command: string,
  help: string,
  subcommands: Readonly<Record<string, Subcommand>>,
  argv: string[],
  aliases: Readonly<Record<string, string>> = {},
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    out(help);
    return sub === undefined ? 2 : 0;
  }
  const name = Object.hasOwn(aliases, sub) ? aliases[sub]! : sub;
  const subcommand = Object.hasOwn(subcommands, name) ? subcommands[name] : undefined;
  if (subcommand === undefined) {
    throw new UsageError(`unknown subcommand '${command} ${sub}' (see 'samsa ${command} --help')`);
  }
  if (subcommand.help !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
    out(subcommand.help);
    return 0;
  }
  return subcommand.run(rest);
}

/** The bootstrap list: --brokers, else SAMSA_BROKERS, else 127.0.0.1:9092. */
export function brokersOf(flag: string | undefined): string {
  return flag ?? process.env.SAMSA_BROKERS ?? DEFAULT_BROKERS;
}

export type OutputFormat = 'text' | 'json';

/** The `--format` flag: `text` (the default) or `json`. */
export function formatOf(flag: string | undefined): OutputFormat {
  const format = flag ?? 'text';
  if (format !== 'text' && format !== 'json') {
    throw new UsageError(`--format must be one of text, json (got '${flag}')`);
  }
  return format;
}

/** The connection flags every client command takes. */
export interface ConnectFlags {
  readonly brokers?: string;
  readonly 'command-config'?: string;
}

/** TLS and SASL from `--command-config` (Kafka client properties), else PLAINTEXT. */
export function securityOf(commandConfig: string | undefined): ClientSecurity {
  if (commandConfig === undefined) return PLAINTEXT_SECURITY;
  let properties: Record<string, string>;
  try {
    properties = loadPropertiesFile(commandConfig);
  } catch (error) {
    throw new UsageError(`--command-config: cannot read ${commandConfig}: ${(error as Error).message}`);
  }
  return clientSecurityFromProperties(properties);
}

/** Runs `fn` with a cluster client for `--brokers` and `--command-config`, closing it afterwards. */
export async function withCluster<T>(
  flags: ConnectFlags,
  fn: (cluster: ClusterClient) => Promise<T>,
): Promise<T> {
  const cluster = new ClusterClient({
    brokers: brokersOf(flags.brokers),
    clientId: 'samsa-cli',
    connectTimeoutMs: 5_000,
    security: securityOf(flags['command-config']),
  });
  try {
    return await fn(cluster);
  } finally {
    await cluster.close();
  }
}

/** Splits `key=value` flags; the value may itself contain '='. */
export function parseKeyValues(values: readonly string[] | undefined, flag: string): [string, string][] {
  return (values ?? []).map((v) => {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag} expects key=value, got '${v}'`);
    return [v.slice(0, eq), v.slice(eq + 1)];
  });
}

/** A non-negative integer flag, or undefined when absent. */
export function intFlag(value: string | undefined, flag: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} expects an integer >= ${min}, got '${value}'`);
  return n;
}

/** Writes to stdout; a closed pipe (`samsa consume | head`) ends the process quietly. */
export function out(text: string): void {
  process.stdout.write(text);
}

/** Prints one JSON document (`--format json`) and a newline. */
export function outJson(value: unknown, indent?: number): void {
  out(`${toJson(value, indent)}\n`);
}

/** The result for one item of a batch command (delete topics, delete groups); null error = done. */
export interface Outcome {
  readonly name: string;
  readonly error: KafkaResponseError | null;
}

/**
 * Prints a batch command's outcomes and returns its exit code: 1 when any item failed. A single
 * item's failure is the command's failure, thrown so it prints as one error line like every other
 * command's. `jsonKey` names the item in JSON (`name`, `group`), `header` heads its text column.
 */
export function reportOutcomes(
  format: OutputFormat,
  outcomes: readonly Outcome[],
  labels: { jsonKey: string; header: string },
): number {
  const failed = outcomes.filter((o) => o.error !== null);
  if (outcomes.length === 1 && failed.length === 1) throw failed[0]!.error;
  if (format === 'json') {
    outJson(
      outcomes.map((o) => ({
        [labels.jsonKey]: o.name,
        error: o.error?.kafkaError ?? null,
        message: o.error?.message ?? null,
      })),
    );
  } else {
    out(
      renderTable(
        [labels.header, 'status'],
        outcomes.map((o) => [o.name, o.error ? `${o.error.kafkaError}: ${o.error.message}` : 'OK']),
      ),
    );
  }
  return failed.length > 0 ? 1 : 0;
}

let pipeGuardInstalled = false;

/** Exit quietly when stdout's reader goes away (EPIPE), as Unix tools do. */
export function guardStdoutPipe(): void {
  if (pipeGuardInstalled) return;
  pipeGuardInstalled = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}
