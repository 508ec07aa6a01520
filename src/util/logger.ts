import { type DestinationStream, type Logger, pino } from 'pino';
import { prettyLogLine } from './pretty-log.js';

export type { Logger };

export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  /**
   * A level (`info`), or a level with per-module levels, log4j-style: `info,storage=debug,net=warn`.
   * Default SAMSA_LOG_LEVEL, else info.
   */
  level?: string;
  name?: string;
  /** Default: pretty when stdout is a terminal, JSON lines otherwise. */
  format?: LogFormat;
}

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

/** Per-module levels of each root logger, read by {@link moduleLogger}. */
const moduleLevels = new WeakMap<Logger, ReadonlyMap<string, string>>();

/** Parses `info,storage=debug`: the default level and the modules' own. Throws on an unknown level. */
export function parseLogLevels(spec: string): { level: string; modules: Map<string, string> } {
  let level = 'info';
  const modules = new Map<string, string>();
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const [module, value] =
      eq < 0 ? [undefined, part] : [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    if (!LEVELS.has(value))
      throw new Error(`unknown log level '${value}' (one of ${[...LEVELS].join(', ')})`);
    if (module === undefined) level = value;
    else modules.set(module, value);
  }
  return { level, modules };
}

/**
 * The broker's logger: one line per event worth reading. JSON lines (pino) for machines, or a short
 * coloured line per event when a person watches a terminal.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const { level, modules } = parseLogLevels(options.level ?? process.env.SAMSA_LOG_LEVEL ?? 'info');
  const format = options.format ?? (process.stdout.isTTY ? 'pretty' : 'json');
  // The root must let through the most verbose level any module asks for; modules filter themselves.
  const rootLevel = [level, ...modules.values()].reduce((a, b) =>
    pino.levels.values[b]! < pino.levels.values[a]! ? b : a,
  );
  const settings = { name: options.name ?? 'samsa', level: rootLevel, base: undefined };
  const root = format === 'pretty' ? pino(settings, prettyDestination()) : pino(settings);
  const logger = rootLevel === level ? root : root.child({}, { level });
  moduleLevels.set(logger, modules);
  return logger;
}

/** A child logger tagged with `module`, at that module's own level when one was given. */
export function moduleLogger(logger: Logger, module: string): Logger {
  const level = moduleLevels.get(logger)?.get(module);
  const child = level ? logger.child({ module }, { level }) : logger.child({ module });
  moduleLevels.set(child, moduleLevels.get(logger) ?? new Map());
  return child;
}

/** A logger that writes nothing, for tests and embedded brokers that do not want output. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

function prettyDestination(): DestinationStream {
  const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
  return {
    write(line: string) {
      process.stdout.write(prettyLogLine(line, colour));
    },
  };
}
