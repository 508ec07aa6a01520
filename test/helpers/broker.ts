import { type ChildProcess, spawn } from 'node:child_process';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { BROKER_NODE_FLAGS } from '../../src/cli/broker-node-flags.js';
import { Broker } from '../../src/index.js';
import { samsaBin } from './paths.js';
import { makeTempDir } from './temp-dir.js';

/**
 * Broker settings every test starts from. The initial rebalance delay is Kafka's 3 s by default
 * (group.initial.rebalance.delay.ms), which would only slow down every group test.
 */
export const TEST_BROKER_CONFIG: Readonly<Record<string, string>> = {
  'group.initial.rebalance.delay.ms': '0',
  // A free admin HTTP port, even for a broker restarted on a fixed Kafka port.
  'admin.listener': '127.0.0.1:0',
};

/** Log level for brokers under test: silent unless SAMSA_TEST_LOG_LEVEL asks for more. */
const testLogLevel = (): string => process.env.SAMSA_TEST_LOG_LEVEL ?? 'silent';

export interface StartBrokerOptions {
  /** Reuse a data dir (e.g. to restart over the same logs); it is then left in place on cleanup. */
  dataDir?: string;
  /** Kafka config names, merged over TEST_BROKER_CONFIG. */
  config?: Record<string, string>;
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  logLevel?: string;
}

export interface TestBroker {
  broker: Broker;
  /** "host:port" for clients. */
  bootstrap: string;
  dataDir: string;
  /** Stops the broker and removes the data dir if this helper created it. Safe to call twice. */
  cleanup(): Promise<void>;
}

/** Starts an in-process broker on an ephemeral port over a fresh temp data dir. */
export async function startBroker(options: StartBrokerOptions = {}): Promise<TestBroker> {
  const ownDir = options.dataDir === undefined ? makeTempDir('samsa-broker-') : undefined;
  const dataDir = options.dataDir ?? ownDir!.path;
  const broker = new Broker({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    dataDir,
    config: { ...TEST_BROKER_CONFIG, ...options.config },
    logLevel: options.logLevel ?? testLogLevel(),
  });
  try {
    await broker.start();
  } catch (error) {
    ownDir?.cleanup();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    broker,
    bootstrap: broker.bootstrap,
    dataDir,
    cleanup: () => {
      stopped ??= broker.stop().finally(() => ownDir?.cleanup());
      return stopped;
    },
  };
}

export interface StartBrokerProcessOptions {
  /** Reuse a data dir (restart after a kill); it is then never removed by this helper. */
  dataDir?: string;
  /** Passed as `--set key=value`, merged over TEST_BROKER_CONFIG. */
  config?: Record<string, string>;
  host?: string;
  /** Default 0: an ephemeral port. Pass a previous run's port to restart at the same address. */
  port?: number;
  /** More arguments after `start ...`. */
  extraArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the "listening" log line; default 20 s. */
  startupTimeoutMs?: number;
  /** A command the broker runs under, e.g. `['prlimit', '--nofile=256']`. */
  launcher?: string[];
  /** Node options before the script (e.g. `--import` a probe). */
  nodeArgs?: string[];
  /** Another build's `bin/samsa` (benchmarks comparing builds); default this repository's. */
  samsaBin?: string;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface BrokerProcess {
  bootstrap: string;
  host: string;
  port: number;
  pid: number;
  dataDir: string;
  /** `host:port` of each advertised listener, by listener name (from the "listening" line). */
  listeners: Record<string, string>;
  /** Resolves when the process has exited, however that happened. */
  readonly exited: Promise<ExitStatus>;
  /** Sends `signal` (default SIGKILL) and resolves once the process has exited. Leaves the data dir. */
  kill(signal?: NodeJS.Signals): Promise<ExitStatus>;
  /**
   * Graceful stop: SIGTERM, then SIGKILL if still running after `timeoutMs` (default 15 s).
   * Removes the data dir if this helper created it.
   */
  stop(timeoutMs?: number): Promise<ExitStatus>;
  /** The process's recent stdout and stderr, for assertion messages. */
  output(): string;
}

/** Processes still running, killed if the test process exits without stopping them. */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

/**
 * Starts `node bin/samsa start` as a child process on an ephemeral port, and resolves once its
 * `"msg":"listening"` log line reports the bound host and port.
 */
export async function startBrokerProcess(options: StartBrokerProcessOptions = {}): Promise<BrokerProcess> {
  const ownDir = options.dataDir === undefined ? makeTempDir('samsa-broker-') : undefined;
  const dataDir = options.dataDir ?? ownDir!.path;
  const args = [
    ...BROKER_NODE_FLAGS,
    ...(options.nodeArgs ?? []),
    options.samsaBin ?? samsaBin,
    'start',
    '--host',
    options.host ?? '127.0.0.1',
    '--port',
    String(options.port ?? 0),
    '--data-dir',
    dataDir,
  ];
  for (const [key, value] of Object.entries({ ...TEST_BROKER_CONFIG, ...options.config })) {
    args.push('--set', `${key}=${value}`);
  }
  args.push(...(options.extraArgs ?? []));

  const [command, ...launcherArgs] = [...(options.launcher ?? []), process.execPath];
  const child = spawn(command!, [...launcherArgs, ...args], {
    env: { ...process.env, ...options.env, SAMSA_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  const stdout = new OutputTail();
  const stderr = new OutputTail();
  const output = () => `--- stdout (tail) ---\n${stdout.text()}\n--- stderr (tail) ---\n${stderr.text()}`;

  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      liveChildren.delete(child);
      resolve({ code, signal });
    });
  });
  // 'close' follows 'exit' once both pipes are drained: the last stderr lines explain a failed start.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // Keep draining both pipes for the life of the process: a full pipe would block the broker.
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.append(chunk));
  const lines = readline.createInterface({ input: child.stdout!, crlfDelay: Number.POSITIVE_INFINITY });

  const listening = new Promise<{ host: string; port: number; listeners: Record<string, string> }>(
    (resolve, reject) => {
      lines.on('line', (line) => {
        stdout.append(`${line}\n`);
        const entry = parseLogLine(line);
        if (entry?.msg === 'listening' && typeof entry.port === 'number') {
          const listeners: Record<string, string> = {};
          for (const url of (entry.listeners ?? []) as string[]) {
            const m = /^([^:]+):\/\/(.*)$/.exec(url);
            if (m) listeners[m[1]!] = m[2]!;
          }
          resolve({
            host: typeof entry.host === 'string' ? entry.host : (options.host ?? '127.0.0.1'),
            port: entry.port,
            listeners,
          });
        }
      });
      child.once('error', reject);
      void exited.then((status) =>
        reject(new Error(`samsa exited before listening (code ${status.code}, signal ${status.signal})`)),
      );
    },
  );

  const startupTimeoutMs = options.startupTimeoutMs ?? 20_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`samsa did not log "listening" within ${startupTimeoutMs} ms`)),
      startupTimeoutMs,
    );
  });

  let address: { host: string; port: number; listeners: Record<string, string> };
  try {
    address = await Promise.race([listening, timeout]);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    await Promise.race([closed, sleep(1_000)]);
    ownDir?.cleanup();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${reason}\ncommand: node ${args.join(' ')}\n${output()}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }

  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitStatus> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };

  let stopping: Promise<ExitStatus> | undefined;
  const stop = (timeoutMs = 15_000): Promise<ExitStatus> => {
    stopping ??= (async () => {
      const escalate = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await kill('SIGTERM');
      } finally {
        clearTimeout(escalate);
        ownDir?.cleanup();
      }
    })();
    return stopping;
  };

  return {
    bootstrap: `${address.host}:${address.port}`,
    host: address.host,
    port: address.port,
    pid: child.pid!,
    dataDir,
    listeners: address.listeners,
    exited,
    kill,
    stop,
    output,
  };
}

/** A pino line as JSON, or undefined for anything else the process prints. */
function parseLogLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The last `limit` characters written to a stream. */
class OutputTail {
  private buffer = '';
  constructor(private readonly limit = 32 * 1024) {}
  append(chunk: string): void {
    this.buffer += chunk;
    if (this.buffer.length > 2 * this.limit) this.buffer = this.buffer.slice(-this.limit);
  }
  text(): string {
    return this.buffer.slice(-this.limit);
  }
}
