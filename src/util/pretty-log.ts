/** pino's numeric levels, as a person reads them. */
const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const LEVEL_COLOURS: Record<number, string> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };
/** Fields every line has, or that the line shows in its own place. */
const SHOWN_APART = new Set(['level', 'time', 'name', 'msg', 'module', 'pid', 'hostname']);

/**
 * One JSON log line as a short human line: `12:01:02.345 INFO  [storage] rolled a new log segment
 * partition=t-0`. Errors keep their message and stack; anything unparseable passes through.
 */
export function prettyLogLine(json: string, colour: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const level = typeof entry.level === 'number' ? entry.level : 30;
  const paint = (code: string, text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
  // A line that carries its own human form (the start-up banner) is shown as just that.
  if (typeof entry.banner === 'string') return `${paint('90', time)} ${paint('1', entry.banner)}\n`;
  const levelName = (LEVEL_NAMES[level] ?? String(level)).padEnd(5);
  const module = typeof entry.module === 'string' ? `${paint('90', `[${entry.module}]`)} ` : '';
  const fields: string[] = [];
  let stack = '';
  for (const [key, value] of Object.entries(entry)) {
    if (SHOWN_APART.has(key) || value === undefined) continue;
    if (key === 'err' && value && typeof value === 'object') {
      const err = value as { message?: string; stack?: string };
      fields.push(`err=${JSON.stringify(err.message ?? '')}`);
      if (level >= 50 && err.stack) stack = `\n${err.stack}`;
      continue;
    }
    fields.push(`${key}=${typeof value === 'string' && !/\s/.test(value) ? value : JSON.stringify(value)}`);
  }
  const rest = fields.length > 0 ? ` ${paint('90', fields.join(' '))}` : '';
  return `${paint('90', time)} ${paint(LEVEL_COLOURS[level] ?? '0', levelName)} ${module}${String(entry.msg ?? '')}${rest}${stack}\n`;
}
