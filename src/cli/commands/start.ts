import { parseArgs } from 'node:util';
import { Broker } from '../../broker/broker.js';
import { UsageError } from './shared.js';

export const START_HELP = `Usage: samsa start [options]

Runs a broker in the foreground until SIGTERM or SIGINT (then shuts down gracefully).

Options:
  --host <addr>             address to bind (default 127.0.0.1)
  --port <n>                port to bind, 0 for any free port (default 9092)
  --advertised-host <host>  host name clients are told to connect to (default: --host)
  --data-dir <dir>          data directory (default ./data)
  --config <file>           a server.properties file (Kafka config names)
  --zookeeper <connect>     cluster mode: ZooKeeper as host:port[,host:port...][/chroot]
                            (zookeeper.connect; a missing chroot is created)
  --broker-id <n>           this broker's id in the cluster (broker.id, default 0)
  --rack <rack>             this broker's rack, for rack-aware replica placement (broker.rack)
  --set <key=value>         any Kafka config name, repeatable (wins over --config and SAMSA_* env),
                            e.g. listeners=PLAINTEXT://:9092,SASL_SSL://:9094 (replaces --host/--port;
                            TLS and SASL settings: docs/security.md)
  --admin-port <n|none>     admin HTTP port (metrics, health, REST API, console) on 127.0.0.1;
                            0 for any free port, none to disable (default 9644; admin.listener)
  --log-level <levels>      trace|debug|info|warn|error|silent (default info, or SAMSA_LOG_LEVEL),
                            with per-module levels: info,storage=debug,net=warn
                            (modules: broker, net, storage, group, txn, http)
  --log-format <f>          pretty (default on a terminal) or json (default otherwise)
  --strict-config           refuse to start on a --set or --config name that is not a broker
                            config or is a topic-level one (always logged as a warning)
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
      'log-format': { type: 'string' },
      'admin-port': { type: 'string' },
      'strict-config': { type: 'boolean' },
      zookeeper: { type: 'string' },
      'broker-id': { type: 'string' },
      rack: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(START_HELP);
    return 0;
  }
  const config = parseSetFlags(values.set ?? []);
  const adminPort = values['admin-port'];
  if (adminPort !== undefined) {
    if (adminPort !== 'none' && !/^\d+$/.test(adminPort))
      throw new UsageError('--admin-port takes a port number or none');
    config['admin.listener'] = adminPort === 'none' ? 'none' : `127.0.0.1:${adminPort}`;
  }
  const logFormat = values['log-format'];
  if (logFormat !== undefined && logFormat !== 'json' && logFormat !== 'pretty') {
    throw new UsageError('--log-format takes pretty or json');
  }
  if (values.zookeeper !== undefined) config['zookeeper.connect'] = values.zookeeper;
  if (values['broker-id'] !== undefined) config['broker.id'] = values['broker-id'];
  if (values.rack !== undefined) config['broker.rack'] = values.rack;
  const broker = new Broker({
    host: values.host,
    port: values.port === undefined ? undefined : Number(values.port),
    advertisedHost: values['advertised-host'],
    dataDir: values['data-dir'],
    configFile: values.config,
    config,
    readEnv: true,
    logLevel: values['log-level'],
    logFormat,
    strictConfig: values['strict-config'] === true,
  });
  // Signal handlers go in before start-up, so a SIGTERM right after "listening" still stops
  // gracefully. A shutdown that could not flush or checkpoint (a full disk) rejects: main prints
  // its one-line reason and exits non-zero.
  const started = broker.start();
  const stopped = new Promise<void>((resolve, reject) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      broker.logger.info({ signal }, 'shutting down');
      started.then(() => broker.stop()).then(resolve, reject);
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  });
  await started;
  await stopped;
  exitIfStillRunning(broker.logger);
  return 0;
}

/** After a graceful stop nothing should keep the process alive; if something does, exit anyway. */
const EXIT_BACKSTOP_MS = 2_000;

function exitIfStillRunning(logger: Broker['logger']): void {
  const timer = setTimeout(() => {
    logger.warn('process still running after stop; exiting');
    process.exit(process.exitCode ?? 0);
  }, EXIT_BACKSTOP_MS);
  // Unref'd: it fires only if another handle keeps the event loop alive.
  timer.unref();
}
