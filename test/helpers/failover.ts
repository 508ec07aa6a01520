/**
 * Failover under load, shared by test/cluster/failover.test.ts, bench/failover-soak.ts and
 * bench/cluster.ts: a librdkafka producer streaming with acks=all and idempotence while brokers of a
 * real-controller cluster are killed, paused past their ZooKeeper session and restarted; then the
 * checks that every acknowledged record is there once, in order, and that the replicas converge.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import type { ZkClient } from '../../src/cluster/zookeeper/zk-client.js';
import { batchesIn } from '../../src/protocol/records/record-batch.js';
import { startCluster, type TestCluster, zkReader } from './cluster.js';
import { compatClientsDir, DEBIAN_PYTHON } from './paths.js';
import { logBytes } from './replication-clients.js';
import { runSamsa } from './run-samsa.js';
import { waitFor } from './wait-for.js';

const run = promisify(execFile);

export interface Ack {
  partition: number;
  offset: number;
  /** Position in production order (the number in the value "prefix-seq"). */
  seq: number;
  value: string;
  /** Wall-clock ms when the delivery report arrived. */
  at: number;
  /** The record's timestamp: wall-clock ms when it was produced. */
  producedAt: number;
}

export interface StreamingProducerOptions {
  bootstrap: string;
  topic: string;
  partitions: number;
  /** Records per second over all partitions. */
  rate: number;
  prefix?: string;
  /** More librdkafka settings, `key=value`. */
  settings?: string[];
  /** Append the client's stderr (librdkafka's log) to this file too. */
  logFile?: string;
}

/**
 * test/compat/clients/produce_stream.py as a child process: acks=all, enable.idempotence=true,
 * record i to partition i % partitions; every delivery report is recorded as it arrives.
 */
export class StreamingProducer {
  readonly acks: Ack[] = [];
  readonly errors: string[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly done: Promise<{ produced: number; unflushed: number }>;
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    logFile: string | undefined,
  ) {
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-8000);
      if (logFile) fs.appendFileSync(logFile, chunk);
    });
    let summary: { produced: number; unflushed: number } | undefined;
    const lines = readline.createInterface({ input: child.stdout!, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', (line) => {
      const [kind, ...rest] = line.split(' ');
      if (kind === 'A') {
        const [partition, offset, value, at, producedAt] = rest;
        const seq = Number(value!.slice(value!.lastIndexOf('-') + 1));
        this.acks.push({
          partition: Number(partition),
          offset: Number(offset),
          seq,
          value: value!,
          at: Number(at),
          producedAt: Number(producedAt),
        });
        for (const listener of this.listeners) listener();
      } else if (kind === 'E') {
        this.errors.push(rest.join(' '));
      } else if (kind === 'D') {
        summary = JSON.parse(rest.join(' ')) as { produced: number; unflushed: number };
      }
    });
    this.done = new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) =>
        summary
          ? resolve(summary)
          : reject(new Error(`produce_stream.py exited ${code} without a summary\n${this.stderr}`)),
      );
    });
    // Killed without stop(): nobody waits for the summary.
    this.done.catch(() => {});
  }

  static start(options: StreamingProducerOptions): StreamingProducer {
    const child = spawn(
      DEBIAN_PYTHON,
      [
        path.join(compatClientsDir, 'produce_stream.py'),
        options.topic,
        String(options.partitions),
        String(options.rate),
        options.prefix ?? 'r',
        ...(options.settings ?? []),
      ],
      { env: { ...process.env, BOOTSTRAP: options.bootstrap }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    return new StreamingProducer(child, options.logFile);
  }

  /**
   * The first acknowledgement of `partition` for a record produced after `since` (wall-clock ms).
   * Counting by production time, not arrival, leaves out answers the old leader had already sent
   * when it was killed or stopped; acknowledgements of a partition arrive in production order.
   */
  nextAck(partition: number, since: number, timeoutMs = 60_000): Promise<Ack> {
    return new Promise((resolve, reject) => {
      let from = 0;
      const check = () => {
        for (; from < this.acks.length; from++) {
          const ack = this.acks[from]!;
          if (ack.partition !== partition || ack.producedAt <= since) continue;
          this.listeners.delete(check);
          clearTimeout(timer);
          resolve(ack);
          return;
        }
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(
          new Error(`no acknowledgement of partition ${partition} within ${timeoutMs} ms\n${this.stderr}`),
        );
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /** Closes the producer's stdin: it stops producing, flushes and exits. */
  stop(): Promise<{ produced: number; unflushed: number }> {
    this.child.stdin!.end();
    return this.done;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

export interface PartitionZkState {
  leader: number;
  leader_epoch: number;
  isr: number[];
}

export async function partitionState(
  zk: ZkClient,
  topic: string,
  partition: number,
): Promise<PartitionZkState> {
  const node = await zk.get(`/brokers/topics/${topic}/partitions/${partition}/state`);
  if (!node) throw new Error(`no state for ${topic}-${partition}`);
  return JSON.parse(node.data.toString()) as PartitionZkState;
}

/** Waits until every partition has a live leader and all of `replicas` in its ISR. */
export async function waitForFullIsr(
  zk: ZkClient,
  topic: string,
  partitions: number,
  replicas: number,
  timeoutMs = 60_000,
): Promise<void> {
  await waitFor(
    async () => {
      for (let p = 0; p < partitions; p++) {
        const s = await partitionState(zk, topic, p);
        if (s.leader < 0 || s.isr.length < replicas) return false;
      }
      return true;
    },
    {
      timeoutMs,
      intervalMs: 200,
      description: `every partition of ${topic} with ${replicas} in-sync replicas`,
    },
  );
}

export interface RoundReport {
  kind: 'kill' | 'pause' | 'restart';
  victim: number;
  /** kill -9 / SIGSTOP → the producer's next acknowledged record of the partition. */
  failoverMs?: number;
  /** Until the victim was back in every ISR. */
  recoveredMs: number;
}

/** Broker settings for quick rounds: short sessions, quick ISR shrink and fetch retries. */
export function failoverBrokerConfig(sessionTimeoutMs: number): Record<string, string> {
  return {
    'zookeeper.session.timeout.ms': String(sessionTimeoutMs),
    'replica.lag.time.max.ms': String(Math.max(3000, sessionTimeoutMs)),
    'replica.fetch.backoff.ms': '200',
    'replica.fetch.wait.max.ms': '200',
  };
}

/**
 * librdkafka waits out its requests in flight to a stopped broker before an idempotent producer
 * moves on (socket.timeout.ms, 60 s by default): shorter, so that a SIGSTOP round is quick.
 */
export const FAILOVER_PRODUCER_SETTINGS: readonly string[] = [
  'socket.timeout.ms=10000',
  'request.timeout.ms=5000',
];

export interface StartFailoverOptions {
  sessionTimeoutMs: number;
  partitions: number;
  /** Producer records per second. */
  rate: number;
  topic?: string;
  /** Brokers' settings over failoverBrokerConfig. */
  config?: Record<string, string>;
  producerLogFile?: string;
  /** Producer settings over FAILOVER_PRODUCER_SETTINGS. */
  producerSettings?: string[];
}

/**
 * Three broker processes over a fresh ZooKeeper (the real controller), an RF 3 topic with
 * min.insync.replicas=2 and every ISR full, and the streaming producer started on it.
 */
export async function startFailoverScenario(
  options: StartFailoverOptions,
): Promise<FailoverScenario & { cleanup(): Promise<void> }> {
  const cluster = await startCluster({
    brokers: 3,
    config: { ...failoverBrokerConfig(options.sessionTimeoutMs), ...options.config },
  });
  let zk: ZkClient | undefined;
  let producer: StreamingProducer | undefined;
  const cleanup = async () => {
    producer?.kill();
    zk?.close();
    await cluster.cleanup();
  };
  try {
    zk = await zkReader(cluster);
    const topic = options.topic ?? 'failover';
    const created = await runSamsa([
      'topic',
      'create',
      topic,
      '-p',
      String(options.partitions),
      '-r',
      '3',
      '-c',
      'min.insync.replicas=2',
      '--brokers',
      cluster.bootstrap(),
    ]);
    if (created.code !== 0) throw new Error(`topic create failed: ${created.stderr}`);
    await waitForFullIsr(zk, topic, options.partitions, 3);
    producer = StreamingProducer.start({
      bootstrap: cluster.bootstrap(),
      topic,
      partitions: options.partitions,
      rate: options.rate,
      settings: [...FAILOVER_PRODUCER_SETTINGS, ...(options.producerSettings ?? [])],
      logFile: options.producerLogFile,
    });
    // Some records acknowledged before anything fails.
    await producer.nextAck(0, 0);
    const scenario = {
      cluster,
      zk,
      producer,
      topic,
      partitions: options.partitions,
      sessionTimeoutMs: options.sessionTimeoutMs,
      cleanup: async () => {
        scenario.producer.kill();
        await cleanup();
      },
    };
    return scenario;
  } catch (error) {
    await cleanup();
    throw error;
  }
}

export interface FailoverScenario {
  cluster: TestCluster;
  zk: ZkClient;
  /** Replaceable between rounds (cleanup kills the one in place). */
  producer: StreamingProducer;
  topic: string;
  partitions: number;
  /** The partition whose leader the rounds go after. */
  partition?: number;
  sessionTimeoutMs: number;
}

/** kill -9 of the partition's leader; wait for the next acknowledgement; restart it; full ISR again. */
export async function killLeaderRound(s: FailoverScenario): Promise<RoundReport> {
  const partition = s.partition ?? 0;
  const start = Date.now();
  const victim = (await partitionState(s.zk, s.topic, partition)).leader;
  const broker = s.cluster.brokers.get(victim)!;
  const killedAt = Date.now();
  await broker.kill('SIGKILL');
  s.cluster.brokers.delete(victim);
  const ack = await s.producer.nextAck(partition, killedAt, s.sessionTimeoutMs + 60_000);
  await s.cluster.startBroker(victim);
  await waitForFullIsr(s.zk, s.topic, s.partitions, 3);
  return { kind: 'kill', victim, failoverMs: ack.at - killedAt, recoveredMs: Date.now() - start };
}

/**
 * SIGSTOP of the partition's leader until its ZooKeeper session has expired and another leader
 * took over, SIGCONT, and wait for it to come back as a follower in every ISR.
 */
export async function pauseLeaderRound(s: FailoverScenario): Promise<RoundReport> {
  const partition = s.partition ?? 0;
  const start = Date.now();
  const victim = (await partitionState(s.zk, s.topic, partition)).leader;
  const broker = s.cluster.brokers.get(victim)!;
  const stoppedAt = Date.now();
  process.kill(broker.pid, 'SIGSTOP');
  let failoverMs: number;
  try {
    await waitFor(async () => (await partitionState(s.zk, s.topic, partition)).leader !== victim, {
      timeoutMs: s.sessionTimeoutMs + 60_000,
      intervalMs: 100,
      description: `a new leader for ${s.topic}-${partition} while broker ${victim} is stopped`,
    });
    failoverMs = (await s.producer.nextAck(partition, stoppedAt, 60_000)).at - stoppedAt;
    // Paused well past the session timeout: its session is gone for certain.
    const resumeAt = stoppedAt + s.sessionTimeoutMs * 1.5;
    if (Date.now() < resumeAt) await new Promise((r) => setTimeout(r, resumeAt - Date.now()));
  } finally {
    process.kill(broker.pid, 'SIGCONT');
  }
  const resumedAt = Date.now();
  await waitForFullIsr(s.zk, s.topic, s.partitions, 3);
  const recoveredMs = Date.now() - start;
  // Registered again in a new session, it must stay unfenced past another session timeout (a
  // fence left armed by the expired session once took it out of service for good).
  const settled = resumedAt + s.sessionTimeoutMs + 1000;
  if (Date.now() < settled) await new Promise((r) => setTimeout(r, settled - Date.now()));
  const output = broker.output();
  const registered = output.lastIndexOf('"msg":"registered broker in ZooKeeper"');
  if (registered >= 0 && output.indexOf('"msg":"fenced', registered) >= 0) {
    throw new Error(`broker ${victim} fenced itself after registering again\n${output}`);
  }
  return { kind: 'pause', victim, failoverMs, recoveredMs };
}

/** SIGTERM (controlled shutdown) of `victim` (default: the controller) and start it again. */
export async function restartRound(s: FailoverScenario, victim?: number): Promise<RoundReport> {
  const start = Date.now();
  const id = victim ?? JSON.parse((await s.zk.get('/controller'))!.data.toString()).brokerid;
  await s.cluster.brokers.get(id)!.kill('SIGTERM');
  s.cluster.brokers.delete(id);
  await s.cluster.startBroker(id);
  await waitForFullIsr(s.zk, s.topic, s.partitions, 3);
  return { kind: 'restart', victim: id, recoveredMs: Date.now() - start };
}

/** Partition states and every broker's recent log, to explain a failed round. */
export async function describeFailure(s: FailoverScenario): Promise<string> {
  const lines: string[] = [];
  for (let p = 0; p < s.partitions; p++) {
    lines.push(`${s.topic}-${p}: ${JSON.stringify(await partitionState(s.zk, s.topic, p).catch(String))}`);
  }
  for (const [id, broker] of s.cluster.brokers) lines.push(`=== broker ${id}\n${broker.output()}`);
  return lines.join('\n');
}

export interface ConsumedRecord {
  offset: number;
  value: string;
}

/** Every partition of `topic` as kcat reads it up to the high watermark. */
export async function readBack(bootstrap: string, topic: string): Promise<Map<number, ConsumedRecord[]>> {
  const { stdout } = await run(
    'kcat',
    ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p %o %s\\n'],
    { timeout: 120_000, maxBuffer: 1 << 28 },
  );
  const out = new Map<number, ConsumedRecord[]>();
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const [p, offset, value] = line.split(' ');
    const list = out.get(Number(p)) ?? [];
    list.push({ offset: Number(offset), value: value! });
    out.set(Number(p), list);
  }
  return out;
}

/**
 * What is wrong with the read-back log, as messages (none = all is well): every acknowledged
 * record at the offset its acknowledgement named, no value twice, and each partition in production
 * order.
 */
export function checkAcknowledged(acks: readonly Ack[], consumed: Map<number, ConsumedRecord[]>): string[] {
  const problems: string[] = [];
  const where = new Map<string, { partition: number; offset: number }>();
  for (const [partition, records] of consumed) {
    let lastSeq = -1;
    for (const { offset, value } of records) {
      if (where.has(value))
        problems.push(`${value} twice: ${JSON.stringify(where.get(value))} and ${partition}@${offset}`);
      where.set(value, { partition, offset });
      const seq = Number(value.slice(value.lastIndexOf('-') + 1));
      if (seq <= lastSeq)
        problems.push(`partition ${partition} out of order: ${value} at ${offset} after seq ${lastSeq}`);
      lastSeq = seq;
    }
  }
  for (const ack of acks) {
    const found = where.get(ack.value);
    if (!found) problems.push(`acknowledged ${ack.value} (${ack.partition}@${ack.offset}) missing`);
    else if (found.partition !== ack.partition || found.offset !== ack.offset)
      problems.push(
        `acknowledged ${ack.value} at ${ack.partition}@${ack.offset}, read at ${JSON.stringify(found)}`,
      );
  }
  return problems;
}

/** A partition log's batches: base offset, last offset, leader epoch, record count, CRC. */
export function batchList(dataDir: string, topic: string, partition: number): string[] {
  return [...batchesIn(logBytes(dataDir, topic, partition))].map(
    (b) => `${b.baseOffset}+${b.recordCount} e${b.partitionLeaderEpoch} crc ${b.crc}`,
  );
}

/**
 * Waits until every replica's log of every partition holds the same batches, then returns where
 * they still differ byte for byte (none = converged).
 */
export async function waitForConvergence(
  cluster: TestCluster,
  topic: string,
  partitions: number,
  timeoutMs = 60_000,
): Promise<string[]> {
  const dirs = [...cluster.brokers.entries()].map(([id, b]) => ({ id, dir: b.dataDir }));
  const differences = () => {
    const out: string[] = [];
    for (let p = 0; p < partitions; p++) {
      const lists = dirs.map(({ id, dir }) => ({ id, batches: batchList(dir, topic, p) }));
      const first = lists[0]!;
      for (const other of lists.slice(1)) {
        if (other.batches.join('|') !== first.batches.join('|')) {
          const i = first.batches.findIndex((b, j) => other.batches[j] !== b);
          out.push(
            `partition ${p}: broker ${first.id} has ${first.batches.length} batches, broker ${other.id} ${other.batches.length}; first difference at ${i}: ${first.batches[i]} vs ${other.batches[i]}`,
          );
        }
      }
    }
    return out;
  };
  try {
    await waitFor(() => differences().length === 0, { timeoutMs, intervalMs: 250, description: 'converged' });
  } catch {
    return differences();
  }
  const bytes: string[] = [];
  for (let p = 0; p < partitions; p++) {
    const logs = dirs.map(({ dir }) => logBytes(dir, topic, p));
    if (!logs.every((l) => l.equals(logs[0]!))) bytes.push(`partition ${p}: same batches, different bytes`);
  }
  return bytes;
}
