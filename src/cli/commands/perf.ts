/**
 * `samsa perf produce|consume`: load generators in the spirit of `kafka-producer-perf-test.sh` and
 * `kafka-consumer-perf-test.sh`, with a live progress line and a final summary.
 */
import { Consumer } from '../../client/consumer.js';
import { Producer } from '../../client/producer.js';
import { acksOf } from './produce.js';
import {
  CLIENT_FLAGS_HELP,
  formatOf,
  intFlag,
  out,
  outJson,
  parseClientArgs,
  runSubcommand,
  UsageError,
  withCluster,
} from './shared.js';

export const PERF_HELP = `Usage: samsa perf <produce|consume> <topic> [options]

Load tests, as kafka-producer-perf-test.sh and kafka-consumer-perf-test.sh: a progress line while
running, then records/s, MB/s and (produce) acknowledgement latency percentiles.

samsa perf produce <topic>
  -n, --num-records <n>      records to send (default 1000000, unless --duration)
  -d, --duration <s>         send for this many seconds instead
  -s, --record-size <bytes>  value size (default 100)
      --acks <-1|0|1>        default -1 (all in-sync replicas)
      --compression <codec>  none (default), gzip, snappy, lz4 or zstd
      --linger-ms <ms>       default 5
      --throughput <n>       at most n records/s (default: as fast as possible)

samsa perf consume <topic>
  -n, --num-records <n>      stop after n records (default: at the end of every partition)
  -d, --duration <s>         or after this many seconds

${CLIENT_FLAGS_HELP}
`;

/** Records sent and not yet acknowledged before the generator waits, as the producer's buffer would. */
const IN_FLIGHT = 50_000;
const PROGRESS_MS = 1000;
const MB = 1024 * 1024;

export async function perfCommand(argv: string[]): Promise<number> {
  return runSubcommand(
    'perf',
    PERF_HELP,
    { produce: { run: perfProduce }, consume: { run: perfConsume } },
    argv,
  );
}

/** Prints progress on a terminal as one rewritten line; elsewhere a line every few seconds. */
function progressPrinter(): { update(text: string): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  return {
    update(text) {
      if (tty) process.stderr.write(`\r\u001b[2K${text}`);
      else if (Date.now() - lastLine >= 5000) {
        process.stderr.write(`${text}\n`);
        lastLine = Date.now();
      }
    },
    done() {
      if (tty) process.stderr.write('\n');
    },
  };
}

/** Latency percentiles from acknowledgement times, in ms (Kafka's perf tool prints the same ones). */
export function latencySummary(latencies: Float64Array) {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    avgMs: sorted.length === 0 ? 0 : sum / sorted.length,
    maxMs: sorted.length === 0 ? 0 : sorted[sorted.length - 1]!,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    p99Ms: at(0.99),
    p999Ms: at(0.999),
  };
}

async function perfProduce(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientArgs(argv, {
    'num-records': { type: 'string', short: 'n' },
    duration: { type: 'string', short: 'd' },
    'record-size': { type: 'string', short: 's' },
    acks: { type: 'string' },
    compression: { type: 'string' },
    'linger-ms': { type: 'string' },
    throughput: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('perf produce needs exactly one topic name');
  const topic = positionals[0]!;
  const format = formatOf(values.format);
  const durationS = intFlag(values.duration, '--duration');
  const count =
    intFlag(values['num-records'], '--num-records') ?? (durationS === undefined ? 1_000_000 : undefined);
  const size = intFlag(values['record-size'], '--record-size') ?? 100;
  const throughput = intFlag(values.throughput, '--throughput');
  const acks = acksOf(values.acks);
  const value = Buffer.alloc(size, 0x78);

  const summary = await withCluster(values, async (cluster) => {
    const producer = new Producer(cluster, {
      acks,
      lingerMs: intFlag(values['linger-ms'], '--linger-ms') ?? 5,
      compression: values.compression ?? 'none',
    });
    const progress = progressPrinter();
    let latencies = new Float64Array(count ?? 1 << 20);
    let acked = 0;
    let failed = 0;
    let firstError: Error | undefined;
    let inFlight = 0;
    let wake: (() => void) | undefined;
    const started = performance.now();
    const deadline = durationS === undefined ? Number.POSITIVE_INFINITY : started + durationS * 1000;
    const onAck = (sentAt: number) => () => {
      if (acked === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[acked++] = performance.now() - sentAt;
      inFlight--;
      wake?.();
    };
    const onFail = (error: Error) => {
      failed++;
      firstError ??= error;
      inFlight--;
      wake?.();
    };
    const timer = setInterval(() => {
      const s = (performance.now() - started) / 1000;
      progress.update(
        `${acked} records acknowledged, ${(acked / s).toFixed(0)} records/s (${((acked * size) / MB / s).toFixed(2)} MB/s)`,
      );
    }, PROGRESS_MS);
    let sent = 0;
    try {
      while (
        (count === undefined || sent < count) &&
        performance.now() < deadline &&
        firstError === undefined
      ) {
        if (throughput !== undefined && sent > throughput * ((performance.now() - started) / 1000)) {
          await new Promise((r) => setTimeout(r, 1));
          continue;
        }
        if (inFlight >= IN_FLIGHT) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        inFlight++;
        sent++;
        producer.send({ topic, value }).then(onAck(performance.now()), onFail);
        // Yield now and then so acknowledgements and the progress line get their turn.
        if (sent % 1000 === 0) await new Promise((r) => setImmediate(r));
      }
      await producer.flush();
    } finally {
      clearInterval(timer);
      progress.done();
    }
    if (firstError) throw firstError;
    const seconds = (performance.now() - started) / 1000;
    return {
      records: acked,
      failed,
      seconds,
      recordsPerSec: acked / seconds,
      mbPerSec: (acked * size) / MB / seconds,
      ...latencySummary(latencies.subarray(0, acked)),
    };
  });
  if (format === 'json') outJson(summary);
  else {
    const ms = (v: number) => v.toFixed(1);
    out(
      `${summary.records} records sent, ${summary.recordsPerSec.toFixed(1)} records/sec (${summary.mbPerSec.toFixed(2)} MB/sec), ${ms(summary.avgMs)} ms avg latency, ${ms(summary.maxMs)} ms max latency, ${ms(summary.p50Ms)} ms 50th, ${ms(summary.p95Ms)} ms 95th, ${ms(summary.p99Ms)} ms 99th, ${ms(summary.p999Ms)} ms 99.9th.\n`,
    );
  }
  return 0;
}

async function perfConsume(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientArgs(argv, {
    'num-records': { type: 'string', short: 'n' },
    duration: { type: 'string', short: 'd' },
  });
  if (positionals.length !== 1) throw new UsageError('perf consume needs exactly one topic name');
  const topic = positionals[0]!;
  const format = formatOf(values.format);
  const count = intFlag(values['num-records'], '--num-records');
  const durationS = intFlag(values.duration, '--duration');

  const summary = await withCluster(values, async (cluster) => {
    const consumer = new Consumer(cluster);
    await consumer.assign([{ topic, offset: 'earliest' }]);
    const progress = progressPrinter();
    const signal = durationS === undefined ? undefined : AbortSignal.timeout(durationS * 1000);
    let records = 0;
    let bytes = 0;
    const started = performance.now();
    const timer = setInterval(() => {
      const s = (performance.now() - started) / 1000;
      progress.update(
        `${records} records, ${(records / s).toFixed(0)} records/s (${(bytes / MB / s).toFixed(2)} MB/s)`,
      );
    }, PROGRESS_MS);
    try {
      for await (const record of consumer.records({
        maxRecords: count,
        stopAtEnd: count === undefined,
        signal,
      })) {
        records++;
        bytes += (record.value?.length ?? 0) + (record.key?.length ?? 0);
      }
    } finally {
      clearInterval(timer);
      progress.done();
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      records,
      mb: bytes / MB,
      seconds,
      recordsPerSec: records / seconds,
      mbPerSec: bytes / MB / seconds,
    };
  });
  if (format === 'json') outJson(summary);
  else {
    out(
      `${summary.records} records consumed, ${summary.mb.toFixed(2)} MB in ${summary.seconds.toFixed(2)} s: ${summary.recordsPerSec.toFixed(1)} records/sec (${summary.mbPerSec.toFixed(2)} MB/sec).\n`,
    );
  }
  return 0;
}
