import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';
import { ControlRecordType, encodeEndTxnMarkerBatch } from '../../src/protocol/records/control-batch.js';
import { computeAttributes } from '../../src/protocol/records/record-batch.js';
import { encodeRecordBatch } from '../../src/protocol/records/records.js';
import { Log } from '../../src/storage/log.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../src/storage/log-config.js';
import type { Clock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';

export const logger = silentLogger();

/** A fresh temp directory, removed when the test file finishes. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-storage-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function testConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, fileDeleteDelayMs: 0, ...overrides };
}

/** An uncompressed batch of `count` records with `valueSize`-byte values, all at `timestamp` (keyless unless `key`). */
export function batch(
  count: number,
  options: { valueSize?: number; timestamp?: bigint; fill?: number; key?: string } = {},
): Buffer {
  const value = Buffer.alloc(options.valueSize ?? 100, options.fill ?? 0x61);
  const timestamp = options.timestamp ?? 1_700_000_000_000n;
  const key = options.key === undefined ? null : Buffer.from(options.key);
  return encodeRecordBatch(Array.from({ length: count }, () => ({ key, value, headers: [], timestamp })));
}

export function openLog(
  dir: string,
  config: LogConfig,
  clock?: Clock,
  extra: Partial<Parameters<typeof Log.open>[0]> = {},
): Log {
  return Log.open({
    dir,
    topic: 'orders',
    partition: 0,
    config,
    logger,
    clock,
    scheduleFileDeletion: removeNow,
    ...extra,
  });
}

/** Deletes `*.deleted` files immediately, so tests can look at the directory. */
export function removeNow(files: string[]): void {
  for (const file of files) fs.rmSync(file, { force: true });
}

export function segmentFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => /^\d{20}\.(log|index|timeindex)$/.test(name))
    .sort();
}

export const TS = 1_700_000_000_000n;

/** A batch of `count` records from an idempotent (or transactional) producer. */
export function producerBatch(
  producerId: bigint,
  epoch: number,
  baseSequence: number,
  count: number,
  transactional = false,
): Buffer {
  return encodeRecordBatch(
    Array.from({ length: count }, (_, i) => ({
      key: null,
      value: Buffer.from(`v${baseSequence + i}`),
      headers: [],
      timestamp: TS,
    })),
    {
      producerId,
      producerEpoch: epoch,
      baseSequence,
      attributes: computeAttributes({ transactional }),
    },
  );
}

/** An end-transaction marker batch (COMMIT or ABORT). */
export function marker(producerId: bigint, epoch: number, commit: boolean, coordinatorEpoch = 0): Buffer {
  return encodeEndTxnMarkerBatch({
    producerId,
    producerEpoch: epoch,
    marker: { type: commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, coordinatorEpoch },
    timestampMs: TS,
  });
}

/** Appends and moves the high watermark, as the replica manager does on a single node. */
export function append(log: Log, records: Buffer, origin: 'client' | 'coordinator' = 'client') {
  const info = log.appendAsLeader(records, 0, origin);
  log.setHighWatermark(log.logEndOffset);
  return info;
}
