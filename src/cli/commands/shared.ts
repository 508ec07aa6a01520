/**
 * What the data and admin commands share: the `--brokers`/`--format`/`--help` flags, usage errors,
 * `key=value` parsing, and a cluster client that is closed however the command ends.
 */
import { ClusterClient } from '../../client/cluster-client.js';

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
  brokers: { type: 'string' },
  format: { type: 'string', short: 'f' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const CLIENT_FLAGS_HELP = `  --brokers <host:port,...>  brokers to bootstrap from (default $SAMSA_BROKERS, else ${DEFAULT_BROKERS})
  -f, --format <fmt>         output: text (default) or json
  -h, --help                 show this help`;

/**
 * Runs a `util.parseArgs` call, turning its errors (unknown flag, missing value) into usage errors:
 * `const { values } = parseFlags(() => parseArgs({ args: argv, options, allowPositionals: true }))`.
 */
export function parseFlags<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The bootstrap list: --brokers, else SAMSA_BROKERS, else 127.0.0.1:9092. */
export function brokersOf(flag: string | undefined): string {
  return flag ?? process.env.SAMSA_BROKERS ?? DEFAULT_BROKERS;
}

/** `text` or `json` (or a command's own extra formats). */
export function formatOf<F extends string>(flag: string | undefined, allowed: readonly F[]): F {
  const format = (flag ?? allowed[0]) as F;
  if (!allowed.includes(format)) {
    throw new UsageError(`--format must be one of ${allowed.join(', ')} (got '${flag}')`);
  }
  return format;
}

/** Runs `fn` with a cluster client for `brokers`, closing it afterwards. */
export async function withCluster<T>(
  brokers: string,
  fn: (cluster: ClusterClient) => Promise<T>,
): Promise<T> {
  const cluster = new ClusterClient({ brokers, clientId: 'samsa-cli', connectTimeoutMs: 5_000 });
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
