import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { makeTempDir } from './temp-dir.js';
import { waitFor } from './wait-for.js';

/** Debian's Prometheus server (package `prometheus`). */
export const PROMETHEUS_BIN = '/usr/bin/prometheus';

export interface TestPrometheus {
  /** Base URL of its HTTP API, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** Runs an instant PromQL query and returns the result vector. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop(): Promise<void>;
}

/** A free loopback port: bound on port 0, then released for the child process to take. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a real Prometheus on a free loopback port over a temp dir, scraping `targets`
 * (`host:port` of admin HTTP ports) every `scrapeIntervalMs`, and waits until it answers.
 */
export async function startPrometheus(
  targets: readonly string[],
  scrapeIntervalMs = 1000,
): Promise<TestPrometheus> {
  const dir = makeTempDir('samsa-prometheus-');
  const seconds = `${Math.max(1, Math.round(scrapeIntervalMs / 1000))}s`;
  const configFile = path.join(dir.path, 'prometheus.yml');
  fs.writeFileSync(
    configFile,
    [
      'global:',
      `  scrape_interval: ${seconds}`,
      `  scrape_timeout: ${seconds}`,
      'scrape_configs:',
      '  - job_name: samsa',
      '    static_configs:',
      `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir.path, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    dir.cleanup();
  };
  try {
    await waitFor(async () => (await fetch(`${url}/-/ready`)).ok, {
      timeoutMs: 30_000,
      intervalMs: 200,
      description: `prometheus ready at ${url}`,
    });
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    url,
    async query(promql) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await response.json()) as { status: string; error?: string; data: { result: never[] } };
      if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error}`);
      return body.data.result;
    },
    stop,
  };
}
