/**
 * `samsa consume <topic>`: reads partitions from a start offset and prints each record.
 */
import type { StartOffset } from '../../client/consumer.js';
import { Consumer, type ConsumerRecord } from '../../client/consumer.js';
import { jsonLine } from '../format/json.js';
import { guardStdoutPipe, intFlag, out, parseClientArgs, UsageError, withCluster } from './shared.js';

export const CONSUME_HELP = `Usage: samsa consume <topic> [options]

Prints the topic's records, oldest first per partition. Without --count, --timeout-ms or
--stop-at-end it keeps waiting for new records until interrupted.

Options:
  -p, --partition <n>        read only this partition, repeatable (default: all)
  -o, --offset <where>       beginning (default), end, an offset N, or @<timestamp-ms>:
                             the first record at or after that time
  -n, --count <n>            stop after n records
  -e, --stop-at-end          stop at the end of every partition (its high watermark)
      --timeout-ms <ms>      stop when no record arrived for this long
  -f, --format <fmt>         text (values, one per line, the default), json (one object per line:
                             topic, partition, offset, timestamp, key, value, headers), or a template:
                             %t topic, %p partition, %o offset, %T timestamp, %k key, %v value,
                             %h headers (k=v,...), %% a percent sign, \\n and \\t
  -b, --brokers <host:port,...>  brokers to bootstrap from (default $SAMSA_BROKERS, else 127.0.0.1:9092);
                             --bootstrap-server is the same
  -h, --help                 show this help
`;

export async function consumeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientArgs(argv, {
    partition: { type: 'string', short: 'p', multiple: true },
    offset: { type: 'string', short: 'o' },
    count: { type: 'string', short: 'n' },
    'stop-at-end': { type: 'boolean', short: 'e' },
    'timeout-ms': { type: 'string' },
  });
  if (values.help) {
    out(CONSUME_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('consume needs exactly one topic name');
  const topic = positionals[0]!;
  const start = parseStartOffset(values.offset ?? 'beginning');
  const count = intFlag(values.count, '--count', 1);
  const idleTimeoutMs = intFlag(values['timeout-ms'], '--timeout-ms');
  const partitions = (values.partition ?? []).map((p) => intFlag(p, '--partition')!);
  const print = printerFor(values.format ?? 'text');
  guardStdoutPipe();

  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await withCluster(values, async (cluster) => {
      // An offset past a partition's end starts at its end; below its start, at its start.
      const consumer = new Consumer(cluster, { offsetReset: 'nearest' });
      await consumer.assign(
        partitions.length === 0
          ? [{ topic, offset: start }]
          : partitions.map((partition) => ({ topic, partition, offset: start })),
      );
      for await (const record of consumer.records({
        maxRecords: count,
        stopAtEnd: values['stop-at-end'] ?? false,
        idleTimeoutMs,
        signal: abort.signal,
      })) {
        out(print(record));
      }
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return 0;
}

/** `beginning|start|earliest`, `end|latest`, an offset, or `@timestampMs`. */
export function parseStartOffset(text: string): StartOffset {
  switch (text) {
    case 'beginning':
    case 'start':
    case 'earliest':
    case 'oldest':
      return 'earliest';
    case 'end':
    case 'latest':
    case 'newest':
      return 'latest';
  }
  if (text.startsWith('@')) {
    const ms = text.slice(1);
    if (!/^\d+$/.test(ms))
      throw new UsageError(`--offset @<timestamp-ms> expects milliseconds, got '${text}'`);
    return { timestamp: BigInt(ms) };
  }
  if (!/^\d+$/.test(text)) {
    throw new UsageError(`--offset must be beginning, end, an offset or @<timestamp-ms> (got '${text}')`);
  }
  return BigInt(text);
}

type Printer = (record: ConsumerRecord) => string;

export function printerFor(format: string): Printer {
  if (format === 'text') return (r) => `${text(r.value) ?? ''}\n`;
  if (format === 'json') {
    return (r) =>
      jsonLine({
        topic: r.topic,
        partition: r.partition,
        offset: r.offset,
        timestamp: r.timestamp,
        key: text(r.key),
        value: text(r.value),
        headers: r.headers.map((h) => ({ key: h.key, value: text(h.value) })),
      });
  }
  if (!format.includes('%')) {
    throw new UsageError(`--format must be text, json or a template with %v, %k, ... (got '${format}')`);
  }
  return templatePrinter(format);
}

/** A `%k:%v`-style template; every record's output ends with a newline. */
function templatePrinter(template: string): Printer {
  const pattern = /%([tpoTkvh%])|\\([nt\\])/g;
  const unknown = template.replace(pattern, '').match(/%./);
  if (unknown) throw new UsageError(`--format: unknown directive '${unknown[0]}'`);
  return (r) =>
    `${template.replace(pattern, (_, directive: string | undefined, escaped: string | undefined) => {
      if (escaped !== undefined) return escaped === 'n' ? '\n' : escaped === 't' ? '\t' : '\\';
      switch (directive) {
        case 't':
          return r.topic;
        case 'p':
          return String(r.partition);
        case 'o':
          return String(r.offset);
        case 'T':
          return String(r.timestamp);
        case 'k':
          return text(r.key) ?? '';
        case 'v':
          return text(r.value) ?? '';
        case 'h':
          return r.headers.map((h) => `${h.key}=${text(h.value) ?? ''}`).join(',');
        default:
          return '%';
      }
    })}\n`;
}

function text(bytes: Buffer | null): string | null {
  return bytes === null ? null : bytes.toString('utf8');
}
