import { parseArgs } from 'node:util';
import { Broker } from '../../broker/broker.js';

export const START_HELP = `Usage: samsa start [options]

Runs a broker in the foreground until SIGTERM or SIGINT (then shuts down gracefully).

Options:
  --host <addr>             address to bind (default 127.0.0.1)
  --port <n>                port to bind, 0 for any free port (default 9092)
  --advertised-host <host>  host name clients are told to connect to (default: --host)
  --data-dir <dir>          data directory (default ./data)
  --config <file>           a server.properties file (Kafka config names)
  --set <key=value>         any Kafka config name, repeatable (wins over --config and SAMSA_* env),
                            e.g. listeners=PLAINTEXT://:9092,SASL_SSL://:9094 (replaces --host/--port;
                            TLS and SASL settings: docs/security.md)
  --log-level <level>       trace|debug|info|warn|error|silent (default info, or SAMSA_LOG_LEVEL)
  -h, --help                show this help
`;

/** Splits repeated `--set key=value` flags into a config map. */
export function parseSetFlags(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new Error(`--set expects key=value, got '${v}'`);
    out[v.slice(0, eq).trim()] = v.slice(eq + 1);
  }
  return out;
}

export async function startCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'advertised-host': { type: 'string' },
      'data-dir': { type: 'string' },
      config: { type: 'string' },
      set: { type: 'string', multiple: true },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(START_HELP);
    return 0;
  }
  const config = parseSetFlags(values.set ?? []);
  const broker = new Broker({
    host: values.host,
    port: values.port === undefined ? undefined : Number(values.port),
    advertisedHost: values['advertised-host'],
    dataDir: values['data-dir'],
    configFile: values.config,
    config,
    readEnv: true,
    logLevel: values['log-level'],
  });
  await broker.start();
  await new Promise<void>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      broker.logger.info({ signal }, 'shutting down');
      broker.stop().then(resolve, (err) => {
        broker.logger.error({ err }, 'shutdown failed');
        resolve();
      });
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  });
  return 0;
}
