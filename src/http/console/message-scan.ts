import { runInNewContext } from 'node:vm';
import { Admin } from '../../client/admin.js';
import type { ClusterClient } from '../../client/cluster-client.js';
import { Consumer, type ConsumerRecord } from '../../client/consumer.js';
import { HttpError } from '../http-response.js';

/** Where a scan starts in each partition. */
export type ScanStart =
  | { readonly kind: 'beginning' }
  | { readonly kind: 'end' }
  | { readonly kind: 'offset'; readonly offset: bigint }
  | { readonly kind: 'timestamp'; readonly timestamp: bigint };

export interface ScanRequest {
  readonly topic: string;
  /** null: every partition. */
  readonly partition: number | null;
  readonly start: ScanStart;
  /** Most records returned. */
  readonly limit: number;
  /** Most records read while looking for matches (the scan's bound). */
  readonly scanLimit: number;
  readonly filter: RecordFilter | null;
}

/** A record as the console shows it: key, value and headers as text with their raw bytes in base64. */
export interface ScannedRecord {
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly key: string | null;
  readonly keyBase64: string | null;
  readonly value: string | null;
  readonly valueBase64: string | null;
  readonly headers: readonly { key: string; value: string | null }[];
}

export type ScanEvent =
  | { readonly type: 'progress'; readonly scanned: number; readonly matched: number }
  | { readonly type: 'record'; readonly record: ScannedRecord }
  | {
      readonly type: 'done';
      readonly scanned: number;
      readonly matched: number;
      readonly truncated: boolean;
    };

export type RecordFilter = (record: ScannedRecord) => boolean;

/** Longest one filter evaluation may run, so a runaway expression cannot hold the event loop. */
const FILTER_TIMEOUT_MS = 20;
const PROGRESS_EVERY = 500;

/**
 * A JavaScript expression over `key`, `value` (parsed as JSON when it is JSON, else text),
 * `headers`, `partition`, `offset` and `timestamp`, e.g. `value.amount > 100`. It runs in its own
 * V8 context with a time limit per record; that context is not a security boundary, which is why
 * the admin port binds the loopback address unless an operator opens it.
 */
export function javascriptFilter(expression: string): RecordFilter {
  if (expression.length > 2000)
    throw new HttpError(400, 'filter expressions are limited to 2000 characters', 40002);
  const code = `(${expression})`;
  return (record) => {
    try {
      return Boolean(
        runInNewContext(code, Object.freeze({ ...filterView(record) }), { timeout: FILTER_TIMEOUT_MS }),
      );
    } catch {
      return false;
    }
  };
}

/**
 * A JSONPath over the record value (`$.user.id == "u1"`, `$.items[0].price > 10`, or a bare path
 * that matches when it exists): the subset of JSONPath an operator types into a filter box.
 */
export function jsonPathFilter(expression: string): RecordFilter {
  const match = /^\s*(\$[^=!<>]*?)\s*(?:(==|!=|>=|<=|>|<)\s*(.+?))?\s*$/.exec(expression);
  if (!match) throw new HttpError(400, `not a JSONPath filter: ${expression}`, 40002);
  const path = parsePath(match[1]!);
  const op = match[2];
  let expected: unknown;
  if (op) {
    try {
      expected = JSON.parse(match[3]!);
    } catch {
      expected = match[3]!.replace(/^'(.*)'$/, '$1');
    }
  }
  return (record) => {
    let value: unknown = parseJson(record.value);
    for (const step of path) {
      if (value === null || typeof value !== 'object') return false;
      value = (value as Record<string | number, unknown>)[step];
    }
    if (!op) return value !== undefined;
    switch (op) {
      case '==':
        return value === expected;
      case '!=':
        return value !== expected;
      case '>':
        return (value as number) > (expected as number);
      case '<':
        return (value as number) < (expected as number);
      case '>=':
        return (value as number) >= (expected as number);
      default:
        return (value as number) <= (expected as number);
    }
  };
}

function parsePath(path: string): (string | number)[] {
  const steps: (string | number)[] = [];
  const re = /\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[['"]([^'"]+)['"]\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (!m) throw new HttpError(400, `cannot read JSONPath ${path}`, 40002);
    steps.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]!));
  }
  return steps;
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function filterView(record: ScannedRecord) {
  return {
    key: parseJson(record.key),
    value: parseJson(record.value),
    headers: Object.fromEntries(record.headers.map((h) => [h.key, h.value])),
    partition: record.partition,
    offset: Number(record.offset),
    timestamp: Number(record.timestamp),
  };
}

function toScanned(record: ConsumerRecord): ScannedRecord {
  const text = (b: Buffer | null) => (b === null ? null : b.toString('utf8'));
  return {
    partition: record.partition,
    offset: String(record.offset),
    timestamp: String(record.timestamp),
    key: text(record.key),
    keyBase64: record.key?.toString('base64') ?? null,
    value: text(record.value),
    valueBase64: record.value?.toString('base64') ?? null,
    headers: record.headers.map((h) => ({ key: h.key, value: text(h.value) })),
  };
}

/**
 * Reads a topic's records from a start point, stopping at the end of each partition, after `limit`
 * matches or after `scanLimit` records read, and reports progress as it goes.
 */
export async function* scanMessages(cluster: ClusterClient, request: ScanRequest): AsyncGenerator<ScanEvent> {
  const topic = await cluster.topic(request.topic, true);
  if (topic.errorCode !== 0) throw new HttpError(404, `Topic ${request.topic} cannot be found.`, 40403);
  const partitions = topic.partitions
    .map((p) => p.partition)
    .filter((p) => request.partition === null || p === request.partition);
  if (partitions.length === 0)
    throw new HttpError(404, `Partition ${request.partition} cannot be found.`, 40403);

  const admin = new Admin(cluster);
  const queries = (spec: 'earliest' | 'latest' | { timestamp: bigint }) =>
    admin.listOffsets(partitions.map((partition) => ({ topic: request.topic, partition, spec })));
  const [earliest, latest] = await Promise.all([queries('earliest'), queries('latest')]);
  const startOf = new Map<number, bigint>();
  const byTime =
    request.start.kind === 'timestamp' ? await queries({ timestamp: request.start.timestamp }) : [];
  for (const [i, partition] of partitions.entries()) {
    const first = earliest[i]!.offset;
    const end = latest[i]!.offset;
    const start = request.start;
    let offset =
      start.kind === 'beginning'
        ? first
        : start.kind === 'end'
          ? end - BigInt(Math.ceil(request.limit / partitions.length))
          : start.kind === 'offset'
            ? start.offset
            : byTime[i]!.offset < 0n
              ? end
              : byTime[i]!.offset;
    if (offset < first) offset = first;
    if (offset > end) offset = end;
    startOf.set(partition, offset);
  }

  const consumer = new Consumer(cluster, { maxWaitMs: 0, offsetReset: 'nearest' });
  await consumer.assign(
    partitions.map((partition) => ({ topic: request.topic, partition, offset: startOf.get(partition)! })),
  );
  let scanned = 0;
  let matched = 0;
  let truncated = false;
  for await (const record of consumer.records({ stopAtEnd: true })) {
    scanned++;
    const view = toScanned(record);
    if (request.filter === null || request.filter(view)) {
      matched++;
      yield { type: 'record', record: view };
    }
    if (scanned % PROGRESS_EVERY === 0) yield { type: 'progress', scanned, matched };
    if (matched >= request.limit) break;
    if (scanned >= request.scanLimit) {
      truncated = true;
      break;
    }
  }
  yield { type: 'done', scanned, matched, truncated };
}
