/**
 * `samsa produce <topic>`: one record per stdin line, then a summary of what was written where.
 */
import readline from 'node:readline';
import type { Acks, ProducerRecord, RecordMetadata } from '../../client/producer.js';
import { Producer } from '../../client/producer.js';
import { renderTable } from '../format/table.js';
import {
  CLIENT_FLAGS_HELP,
  formatOf,
  intFlag,
  out,
  outJson,
  parseClientArgs,
  parseKeyValues,
  UsageError,
  withCluster,
} from './shared.js';

export const PRODUCE_HELP = `Usage: samsa produce <topic> [options] < lines

Reads stdin and sends one record per line (without the newline), then prints how many records went
to which partitions and offsets. Keyed records are partitioned as Kafka's Java client does
(murmur2 of the key); unkeyed records fill one partition's batch at a time.

Options:
  -k, --key-separator <sep>  split each line at the first <sep> into key and value
                             (a line without <sep> is a record without a key)
  -H, --header <key=value>   header added to every record, repeatable
  -p, --partition <n>        send every record to this partition
      --acks <-1|0|1>        -1 all in-sync replicas (default), 1 leader only, 0 no answer
      --compression <codec>  none (default), gzip, snappy, lz4 or zstd
      --linger-ms <ms>       wait this long to fill batches (default 5)
${CLIENT_FLAGS_HELP}
`;

/** Records queued before waiting for the broker's answers, so huge inputs keep memory bounded. */
const WINDOW = 10_000;

export async function produceCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientArgs(argv, {
    'key-separator': { type: 'string', short: 'k' },
    header: { type: 'string', short: 'H', multiple: true },
    partition: { type: 'string', short: 'p' },
    acks: { type: 'string' },
    compression: { type: 'string' },
    'linger-ms': { type: 'string' },
  });
  if (values.help) {
    out(PRODUCE_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('produce needs exactly one topic name');
  const topic = positionals[0]!;
  const format = formatOf(values.format);
  const acks = acksOf(values.acks);
  const partition = intFlag(values.partition, '--partition');
  const lingerMs = intFlag(values['linger-ms'], '--linger-ms');
  const separator = values['key-separator'];
  if (separator === '') throw new UsageError('--key-separator must not be empty');
  const headers = parseKeyValues(values.header, '--header').map(([key, value]) => ({ key, value }));

  const results = await withCluster(values, async (cluster) => {
    const producer = new Producer(cluster, { acks, lingerMs, compression: values.compression ?? 'none' });
    const results: RecordMetadata[] = [];
    let pending: Promise<RecordMetadata>[] = [];
    const settle = async () => {
      results.push(...(await Promise.all(pending)));
      pending = [];
    };
    const lines = readline.createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
    try {
      for await (const line of lines) {
        const sent = producer.send(recordOf(topic, line, separator, headers, partition));
        // Observed now so a failure before the next settle() is not an unhandled rejection.
        sent.catch(() => undefined);
        pending.push(sent);
        if (pending.length >= WINDOW) {
          await producer.flush();
          await settle();
        }
      }
      await producer.flush();
      await settle();
    } finally {
      lines.close();
      await producer.close().catch(() => undefined);
    }
    return results;
  });

  const summary = summarize(topic, results);
  if (format === 'json') outJson(summary);
  else {
    out(`Produced ${summary.records} record${summary.records === 1 ? '' : 's'} to topic '${topic}'\n`);
    if (summary.partitions.length > 0) {
      out(
        renderTable(
          ['partition', 'records', 'first-offset', 'last-offset'],
          summary.partitions.map((p) => [p.partition, p.records, p.firstOffset, p.lastOffset]),
        ),
      );
    }
  }
  return 0;
}

export function acksOf(flag: string | undefined): Acks {
  if (flag === undefined || flag === 'all') return -1;
  const n = Number(flag);
  if (n !== -1 && n !== 0 && n !== 1) throw new UsageError(`--acks must be -1, 0 or 1 (got '${flag}')`);
  return n;
}

function recordOf(
  topic: string,
  line: string,
  separator: string | undefined,
  headers: { key: string; value: string }[],
  partition: number | undefined,
): ProducerRecord {
  let key: string | null = null;
  let value = line;
  if (separator !== undefined) {
    const at = line.indexOf(separator);
    if (at >= 0) {
      key = line.slice(0, at);
      value = line.slice(at + separator.length);
    }
  }
  return { topic, key, value, headers, partition };
}

interface PartitionSummary {
  partition: number;
  records: number;
  /** null with acks=0: the broker does not say. */
  firstOffset: bigint | null;
  lastOffset: bigint | null;
}

function summarize(topic: string, results: readonly RecordMetadata[]) {
  const byPartition = new Map<number, PartitionSummary>();
  for (const r of results) {
    const p = byPartition.get(r.partition) ?? {
      partition: r.partition,
      records: 0,
      firstOffset: null,
      lastOffset: null,
    };
    p.records++;
    if (r.offset >= 0n) {
      if (p.firstOffset === null || r.offset < p.firstOffset) p.firstOffset = r.offset;
      if (p.lastOffset === null || r.offset > p.lastOffset) p.lastOffset = r.offset;
    }
    byPartition.set(r.partition, p);
  }
  const partitions = [...byPartition.values()].sort((a, b) => a.partition - b.partition);
  return { topic, records: results.length, partitions };
}
