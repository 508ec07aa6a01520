/** The result table and the targets from the issue, checked against the results. */
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../test/helpers/paths.js';
import type { ClientRun } from './types.js';

export interface ResultRow extends ClientRun {
  client: 'librdkafka' | 'kafkajs';
  /** The program that drove the client library: kcat, python (confluent-kafka) or kafkajs. */
  driver: string;
  op: 'produce' | 'consume';
  /** Record value size in bytes. */
  size: number;
  acks: '1' | 'all' | '-';
  recordsPerSecond: number;
  /** Record value bytes per second, MB = 10^6 bytes. */
  mbPerSecond: number;
  broker: {
    /** utime + stime of the broker process during the phase. */
    cpuSeconds: number;
    peakRssMB: number;
    /** 'phase' when VmHWM was reset before the phase, else the peak since the broker started. */
    peakRssScope: 'phase' | 'process';
  };
  /** 1-minute load average when the phase started. */
  load1: number;
}

const COLUMNS: Array<[string, (row: ResultRow) => string]> = [
  ['client', (r) => `${r.client} (${r.driver})`],
  ['op', (r) => r.op],
  ['size', (r) => `${r.size} B`],
  ['acks', (r) => r.acks],
  ['records', (r) => r.records.toLocaleString('en')],
  ['seconds', (r) => r.seconds.toFixed(2)],
  ['records/s', (r) => r.recordsPerSecond.toLocaleString('en')],
  ['MB/s', (r) => r.mbPerSecond.toFixed(1)],
  ['broker CPU s', (r) => r.broker.cpuSeconds.toFixed(2)],
  ['broker peak RSS MB', (r) => r.broker.peakRssMB.toFixed(1)],
  ['load', (r) => r.load1.toFixed(2)],
];

/** A Markdown table (pasteable into the README). */
export function formatTable(rows: ResultRow[], header: boolean): string {
  const cells = rows.map((row) => COLUMNS.map(([, cell]) => cell(row)));
  const lines = cells.map((row) => `| ${row.join(' | ')} |`);
  if (!header) return lines.join('\n');
  const names = COLUMNS.map(([name]) => name);
  return [`| ${names.join(' | ')} |`, `|${names.map(() => '---').join('|')}|`, ...lines].join('\n');
}

export interface TargetCheck {
  name: string;
  target: string;
  actual: string;
  met: boolean;
}

/** Targets for a 2-core machine running client and broker together. */
export function checkTargets(rows: ResultRow[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const rd100 = rows.filter((r) => r.client === 'librdkafka' && r.size === 100);
  for (const row of rd100.filter((r) => r.op === 'produce')) {
    checks.push({
      name: `librdkafka produce 100 B acks=${row.acks}`,
      target: '>= 300,000 records/s',
      actual: `${row.recordsPerSecond.toLocaleString('en')} records/s`,
      met: row.recordsPerSecond >= 300_000,
    });
  }
  for (const row of rd100.filter((r) => r.op === 'consume')) {
    checks.push({
      name: 'librdkafka consume 100 B',
      target: '>= 600,000 records/s',
      actual: `${row.recordsPerSecond.toLocaleString('en')} records/s`,
      met: row.recordsPerSecond >= 600_000,
    });
  }
  if (rows.length > 0) {
    const peak = Math.max(...rows.map((r) => r.broker.peakRssMB));
    checks.push({
      name: 'broker peak RSS (all phases)',
      target: '<= 250 MB',
      actual: `${peak.toFixed(1)} MB`,
      met: peak <= 250,
    });
  }
  return checks;
}

/**
 * JSON as the repository's formatter (Biome) lays it out, so result files pass `biome check`:
 * objects one key per line, arrays of plain values on one line.
 */
export function formatJson(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== 'object')) {
      return `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
    }
    return `[\n${value.map((item) => inner + formatJson(item, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const lines = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`);
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/**
 * Writes a benchmark's result as `bench/results/<YYYY-MM-DD>-<scenario>.json` (or to `out`), laid out
 * as Biome formats JSON, and returns the path written.
 */
export function saveResult(result: unknown, scenario: string, date: Date | string, out?: string): string {
  const day = (typeof date === 'string' ? date : date.toISOString()).slice(0, 10);
  const file = out ?? path.join(repoRoot, 'bench', 'results', `${day}-${scenario}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${formatJson(result)}\n`);
  return file;
}
