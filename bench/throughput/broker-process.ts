/**
 * The broker under test: `bin/samsa start` as its own process, so that its CPU time and memory can
 * be read from /proc apart from the clients driving it.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import readline from 'node:readline';
import { BROKER_NODE_FLAGS } from '../../src/cli/broker-node-flags.js';
import { repoRoot } from '../../test/helpers/paths.js';

/** Clock ticks per second for /proc/<pid>/stat times (`getconf CLK_TCK`; 100 on Linux everywhere). */
const CLOCK_TICKS = 100;
const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;

export interface ProcessSample {
  /** utime + stime, seconds. */
  cpuSeconds: number;
  /** utime alone: the process's own code, without the kernel's work on its behalf (I/O, page cache). */
  userSeconds: number;
  /** utime of the main thread (where JavaScript runs), without GC helper and worker threads. */
  mainThreadUserSeconds: number;
  /** VmHWM: peak resident set size since start or the last `resetPeakRss`, bytes. */
  peakRssBytes: number;
}

export interface BenchBroker {
  bootstrap: string;
  /** The admin HTTP base URL from the "listening" line, or 'none'. */
  adminUrl?: string;
  /** `host:port` per listener name (with `--set listeners=...`). */
  listeners: Record<string, string>;
  pid: number;
  /** The broker's temp data dir (removed by `stop`). */
  dataDir: string;
  /** The command line that started it. */
  command: string;
  sample(): ProcessSample;
  /**
   * Resets VmHWM to the current RSS (writing 5 to /proc/<pid>/clear_refs, Linux 4.0+), so a peak
   * can be attributed to one phase. Returns false where the kernel refuses it.
   */
  resetPeakRss(): boolean;
  /** SIGTERM (a graceful stop, which also writes the CPU profile), then removes the data dir. */
  stop(): Promise<void>;
}

export interface BenchBrokerOptions {
  /** Write a V8 CPU profile (`node --cpu-prof`) of the broker into this directory when it stops. */
  cpuProfileDir?: string;
  /** More options for the broker's node, e.g. V8 heap sizing. */
  nodeOptions?: readonly string[];
  /** More broker settings, as `--set key=value`. */
  config?: Record<string, string>;
  /** More broker settings, as `key=value` for `--set`. */
  settings?: readonly string[];
}

/**
 * `node bin/samsa start --port 0` over a fresh temp data dir, resolved once its "listening" log
 * line gives the port. Only the group rebalance delay is changed from the defaults (so that the
 * KafkaJS consumer does not wait 3 s to join).
 */
export async function startBenchBroker(options: BenchBrokerOptions = {}): Promise<BenchBroker> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-bench-broker-'));
  const nodeArgs: string[] = [...BROKER_NODE_FLAGS, ...(options.nodeOptions ?? [])];
  if (options.cpuProfileDir !== undefined) {
    fs.mkdirSync(options.cpuProfileDir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${path.resolve(options.cpuProfileDir)}`);
  }
  const args = [
    ...nodeArgs,
    path.join(repoRoot, 'bin', 'samsa'),
    'start',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--log-level',
    'info',
    '--set',
    'group.initial.rebalance.delay.ms=0',
    ...Object.entries(options.config ?? {}).flatMap(([key, value]) => ['--set', `${key}=${value}`]),
    ...(options.settings ?? []).flatMap((setting) => ['--set', setting]),
  ];
  const command = `node ${args.join(' ')}`;
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  // Drain both pipes for the life of the process: a full pipe would stall the broker.
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8192);
  });
  const lines = readline.createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
  let timer: NodeJS.Timeout | undefined;
  try {
    let adminUrl: string | undefined;
    const listeners: Record<string, string> = {};
    const port = await new Promise<number>((resolve, reject) => {
      lines.on('line', (line) => {
        if (!line.includes('"listening"')) return;
        const entry = JSON.parse(line) as {
          msg?: string;
          port?: number;
          admin?: string;
          listeners?: string[];
        };
        if (entry.msg !== 'listening' || typeof entry.port !== 'number') return;
        adminUrl = entry.admin;
        // "NAME://host:port"
        for (const l of entry.listeners ?? []) {
          const m = /^([^:]+):\/\/(\S+)/.exec(l);
          if (m) listeners[m[1]!] = m[2]!;
        }
        resolve(entry.port);
      });
      void exited.then(() => reject(new Error(`broker exited before listening: ${command}\n${stderr}`)));
      timer = setTimeout(
        () => reject(new Error(`broker not listening after ${STARTUP_TIMEOUT_MS} ms`)),
        STARTUP_TIMEOUT_MS,
      );
    });
    const pid = child.pid!;
    return {
      bootstrap: `127.0.0.1:${port}`,
      adminUrl,
      listeners,
      pid,
      dataDir,
      command,
      sample: () => sampleProcess(pid),
      resetPeakRss: () => {
        try {
          fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
          return true;
        } catch {
          return false;
        }
      },
      stop: async () => {
        const escalate = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
        clearTimeout(escalate);
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** utime and stime, in clock ticks, from a stat(5) file (fields 14 and 15). */
function statTicks(file: string): { user: number; system: number } {
  // Fields after the parenthesised command name, which may contain spaces.
  const stat = fs.readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]), system: Number(fields[12]) };
}

export function sampleProcess(pid: number): ProcessSample {
  const ticks = statTicks(`/proc/${pid}/stat`);
  const userTicks = ticks.user;
  const cpuTicks = ticks.user + ticks.system;
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  return {
    cpuSeconds: cpuTicks / CLOCK_TICKS,
    userSeconds: userTicks / CLOCK_TICKS,
    mainThreadUserSeconds: statTicks(`/proc/${pid}/task/${pid}/stat`).user / CLOCK_TICKS,
    peakRssBytes: hwm ? Number(hwm[1]) * 1024 : 0,
  };
}

/** Machine facts recorded with every run: results on a busy machine are not comparable. */
export function machineInfo(): Record<string, unknown> {
  return {
    hostname: os.hostname(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    totalMemoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

/** The 1, 5 and 15 minute load averages, as `uptime` prints them. */
export function loadAverage(): [number, number, number] {
  const [a, b, c] = os.loadavg();
  return [round2(a ?? 0), round2(b ?? 0), round2(c ?? 0)];
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/**
 * As root: writes back dirty pages and drops the clean page cache, so that every run of a
 * throughput comparison starts from the same memory state; false (nothing done) otherwise. Without
 * it, the page cache growing run after run made each later run slower (five RF 3 runs on one
 * cluster fell from 790,000 to 437,000 records/s while the brokers' CPU nearly doubled; `sync`
 * alone did not help, dropping the cache between runs removed the drift), and a run writing three
 * times the bytes (RF 3) paid about three times as much. The likely cause on this VM is the first
 * touch of guest memory never used before, which the hypervisor has to back.
 */
export function dropPageCache(): boolean {
  if (process.getuid?.() !== 0) return false;
  execFileSync('sync');
  fs.writeFileSync('/proc/sys/vm/drop_caches', '1');
  return true;
}
