/**
 * Storage engine sanity benchmark: append 1M 100-byte records in ~16 KiB batches to one
 * partition, then read them all back with 1 MiB fetches. Prints MB/s and records/s.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/storage.js [records]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { batchesIn } from '../src/protocol/records/record-batch.js';
import { encodeRecordBatch } from '../src/protocol/records/records.js';
import { DEFAULT_LOG_CONFIG } from '../src/storage/log-config.js';
import { LogManager } from '../src/storage/log-manager.js';
import { silentLogger } from '../src/util/logger.js';

const totalRecords = Number(process.argv[2] ?? 1_000_000);
const recordsPerBatch = 140; // 140 × (100 B value + 9 B framing) + 61 B header ≈ 15.3 KiB
const value = Buffer.alloc(100, 0x61);
const template = encodeRecordBatch(
  Array.from({ length: recordsPerBatch }, () => ({
    key: null,
    value,
    headers: [],
    timestamp: BigInt(Date.now()),
  })),
);
const batches = Math.ceil(totalRecords / recordsPerBatch);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-bench-storage-'));
const logManager = new LogManager({ dataDir, defaults: DEFAULT_LOG_CONFIG, logger: silentLogger() });
try {
  logManager.startup();
  const log = logManager.getOrCreate('bench', 0, DEFAULT_LOG_CONFIG);

  let start = performance.now();
  // appendAsLeader patches offsets in place, so one template buffer is reused for every append.
  for (let i = 0; i < batches; i++) log.appendAsLeader(template, 0);
  const appendMs = performance.now() - start;
  log.setHighWatermark(log.logEndOffset);
  const bytes = log.sizeInBytes;

  start = performance.now();
  let offset = 0n;
  let readBytes = 0;
  let records = 0;
  while (offset < log.logEndOffset) {
    const result = log.read(offset, 1 << 20, true, log.highWatermark);
    readBytes += result.records.length;
    for (const batch of batchesIn(result.records)) {
      records += batch.recordCount;
      offset = batch.nextOffset;
    }
  }
  const readMs = performance.now() - start;

  const mbps = (n: number, ms: number) => (n / (1024 * 1024) / (ms / 1000)).toFixed(1);
  const rps = (n: number, ms: number) => Math.round(n / (ms / 1000)).toLocaleString('en');
  const appended = batches * recordsPerBatch;
  console.log(
    JSON.stringify(
      { records: appended, batchBytes: template.length, bytes, segments: log.numberOfSegments },
      null,
      0,
    ),
  );
  console.log(
    `append: ${mbps(bytes, appendMs)} MB/s, ${rps(appended, appendMs)} records/s (${appendMs.toFixed(0)} ms)`,
  );
  console.log(
    `read:   ${mbps(readBytes, readMs)} MB/s, ${rps(records, readMs)} records/s (${readMs.toFixed(0)} ms)`,
  );
  if (records !== appended || readBytes !== bytes)
    throw new Error(`read back ${records} records, ${readBytes} bytes`);
} finally {
  logManager.shutdown();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
