/**
 * The broker under test: `bin/samsa start` as its own process, so that its CPU time and memory can
 * be read from /proc apart from the clients driving it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type BrokerProcess, startBrokerProcess } from '../../test/helpers/broker.js';

/** Clock ticks per second for /proc/<pid>/stat times (`getconf CLK_TCK`; 100 on Linux everywhere). */
const CLOCK_TICKS = 100;

export interface ProcessSample {
  /** utime + stime, seconds. */
  cpuSeconds: number;
  /** VmHWM: peak resident set size since start or the last `resetPeakRss`, bytes. */
  peakRssBytes: number;
}

export interface BenchBroker {
  bootstrap: string;
  pid: number;
  sample(): ProcessSample;
  /**
   * Resets VmHWM to the current RSS (writing 5 to /proc/<pid>/clear_refs, Linux 4.0+), so a peak
   * can be attributed to one scenario. Returns false where the kernel refuses it.
   */
  resetPeakRss(): boolean;
  stop(): Promise<void>;
}

export interface BenchBrokerOptions {
  /** Write a V8 CPU profile (`--cpu-prof`) of the broker into this directory when it stops. */
  cpuProfileDir?: string;
}

export async function startBenchBroker(options: BenchBrokerOptions = {}): Promise<BenchBroker> {
  const env: NodeJS.ProcessEnv = {};
  if (options.cpuProfileDir !== undefined) {
    fs.mkdirSync(options.cpuProfileDir, { recursive: true });
    env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${path.resolve(options.cpuProfileDir)}`;
  }
  const child: BrokerProcess = await startBrokerProcess({ env });
  return {
    bootstrap: child.bootstrap,
    pid: child.pid,
    sample: () => sampleProcess(child.pid),
    resetPeakRss: () => {
      try {
        fs.writeFileSync(`/proc/${child.pid}/clear_refs`, '5');
        return true;
      } catch {
        return false;
      }
    },
    stop: async () => {
      await child.stop(30_000);
    },
  };
}

export function sampleProcess(pid: number): ProcessSample {
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of stat(5).
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuTicks = Number(fields[11]) + Number(fields[12]);
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  return { cpuSeconds: cpuTicks / CLOCK_TICKS, peakRssBytes: hwm ? Number(hwm[1]) * 1024 : 0 };
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
