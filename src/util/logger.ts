import { type Logger, pino } from 'pino';

export type { Logger };

/** The broker's logger: one JSON line per event worth reading (level from SAMSA_LOG_LEVEL). */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: options.name ?? 'samsa',
    level: options.level ?? process.env.SAMSA_LOG_LEVEL ?? 'info',
    base: undefined,
  });
}

/** A logger that writes nothing, for tests and embedded brokers that do not want output. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
