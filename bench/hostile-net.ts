/**
 * Peak RSS and longest event-loop stall of a broker process under hostile network input: frames sent
 * but for their last byte, a header trickled byte by byte, 300 idle connections, a long poll at
 * shutdown, a connection flood and mutated requests. Compare builds with --samsa.
 *
 *   node dist/bench/hostile-net.js [--samsa <other checkout>/bin/samsa] [--only name,...]
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { encodeRequestFrame } from '../src/protocol/header.js';
import { Fetch } from '../src/protocol/messages/fetch.js';
import { answersApiVersions, RawClient } from '../test/broker/raw-client.js';
import { type BrokerProcess, startBrokerProcess } from '../test/helpers/broker.js';
import { capturedRequests, mutateFrame, seededRandom } from '../test/helpers/frame-mutator.js';
import { makeTempDir } from '../test/helpers/temp-dir.js';

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const probePath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'loop-probe.js');

interface Probe {
  maxDelayMs: number;
  peakRssBytes: number;
}

interface Scenario {
  readonly name: string;
  readonly config?: Record<string, string>;
  /** Runs the attack; returns what it observed besides memory and stalls. */
  run(broker: BrokerProcess): Promise<string>;
}

function socketTo(port: number, localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    socket.on('error', () => {});
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

const isClosed = (s: Socket) => s.destroyed || s.readyState === 'closed';

async function sentinel(broker: BrokerProcess, timeoutMs: number): Promise<boolean> {
  const client = await RawClient.open(broker.bootstrap).catch(() => undefined);
  if (!client) return false;
  const ok = await answersApiVersions(client, 42, timeoutMs);
  client.close();
  return ok;
}

const scenarios: Scenario[] = [
  {
    name: 'partial-frames',
    async run(broker) {
      const size = 100 * MiB;
      const frame = Buffer.alloc(size - 1 + 4, 1);
      frame.writeInt32BE(size, 0);
      const sockets = await Promise.all(Array.from({ length: 30 }, () => socketTo(broker.port)));
      for (const s of sockets) s.write(frame);
      await sleep(8_000);
      const answered = await sentinel(broker, 2_000);
      const closed = sockets.filter(isClosed).length;
      for (const s of sockets) s.destroy();
      return `30 x 100 MiB less 1 byte; after 8 s: ${closed} closed by broker, new client answered within 2 s: ${answered}`;
    },
  },
  {
    name: 'trickled-header',
    async run(broker) {
      const socket = await socketTo(broker.port);
      const header = Buffer.alloc(4);
      header.writeInt32BE(100 * MiB, 0);
      const started = Date.now();
      for (let i = 0; !isClosed(socket) && Date.now() - started < 40_000; i++) {
        socket.write(i < 4 ? header.subarray(i, i + 1) : Buffer.from([0]));
        await sleep(500);
      }
      const closed = isClosed(socket);
      socket.destroy();
      return closed
        ? `closed by broker after ${((Date.now() - started) / 1000).toFixed(1)} s`
        : 'still open after 40 s';
    },
  },
  {
    name: 'idle-300',
    config: { 'connections.max.idle.ms': '3000' },
    async run(broker) {
      const sockets: Socket[] = [];
      for (let i = 0; i < 300; i++) sockets.push(await socketTo(broker.port));
      await sleep(12_000);
      const closed = sockets.filter(isClosed).length;
      for (const s of sockets) s.destroy();
      return `connections.max.idle.ms=3000, held 12 s: ${closed}/300 closed by broker`;
    },
  },
  {
    name: 'flood',
    config: { 'max.connections.per.ip': '200' },
    async run(broker) {
      const sockets = await Promise.all(
        Array.from({ length: 2000 }, () => socketTo(broker.port, '127.0.0.2').catch(() => undefined)),
      );
      const frame = encodeRequestFrame(
        Fetch.request,
        0,
        { correlationId: 1, clientId: 'x' },
        {
          replicaId: -1,
          maxWaitMs: 0,
          minBytes: 0,
          topics: [],
        },
      );
      for (const s of sockets) s?.write(frame);
      await sleep(2_000);
      const answered = await sentinel(broker, 5_000);
      const open = sockets.filter((s) => s && !isClosed(s)).length;
      for (const s of sockets) s?.destroy();
      return `2000 connections from 127.0.0.2: ${open} still open after 2 s, client from 127.0.0.1 answered: ${answered}`;
    },
  },
  {
    name: 'fuzz',
    config: { 'auto.create.topics.enable': 'false' },
    async run(broker) {
      const seeds = capturedRequests().filter((r) => !/CreateTopics|DeleteTopics/.test(r.name));
      const random = seededRandom(20261201);
      let client = await RawClient.open(broker.bootstrap);
      let fresh = 0;
      for (let i = 0; i < 3000; i++) {
        client.send(mutateFrame(seeds[Math.floor(random() * seeds.length)]!.frame, seeds, random));
        if (await answersApiVersions(client, 1_000_000 + i, 200)) continue;
        client.close();
        client = await RawClient.open(broker.bootstrap);
        fresh++;
        if (!(await answersApiVersions(client, 2_000_000 + i, 10_000)))
          return `broker stopped answering at frame ${i}`;
      }
      client.close();
      return `3000 mutated frames (seed 20261201): answered throughout, ${fresh} fresh connections`;
    },
  },
];

async function longPollShutdown(samsaBin: string | undefined): Promise<string> {
  const probe = makeTempDir('samsa-probe-');
  const broker = await startBrokerProcess({ samsaBin });
  try {
    const client = await RawClient.open(broker.bootstrap);
    client.send(
      encodeRequestFrame(
        Fetch.request,
        11,
        { correlationId: 1, clientId: 'long-poll' },
        {
          replicaId: -1,
          maxWaitMs: 2 ** 31 - 1,
          minBytes: 1,
          maxBytes: MiB,
          isolationLevel: 0,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [],
          forgottenTopicsData: [],
          rackId: '',
        },
      ),
    );
    await sleep(500);
    const started = Date.now();
    process.kill(broker.pid, 'SIGTERM');
    const exited = await Promise.race([broker.exited.then(() => true), sleep(40_000).then(() => false)]);
    client.close();
    return exited
      ? `exited ${((Date.now() - started) / 1000).toFixed(1)} s after SIGTERM`
      : 'still running 40 s after SIGTERM';
  } finally {
    await broker.kill('SIGKILL');
    probe.cleanup();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { samsa: { type: 'string' }, only: { type: 'string' } } });
  const only = values.only?.split(',');
  const rows: string[] = [];
  for (const scenario of scenarios) {
    if (only && !only.includes(scenario.name)) continue;
    const probeDir = makeTempDir('samsa-probe-');
    const probeFile = path.join(probeDir.path, 'probe.json');
    const broker = await startBrokerProcess({
      samsaBin: values.samsa,
      nodeArgs: ['--import', probePath],
      env: { SAMSA_LOOP_PROBE: probeFile },
      config: scenario.config,
    });
    try {
      await sleep(300);
      process.kill(broker.pid, 'SIGUSR2');
      await sleep(200);
      const observed = await scenario.run(broker);
      await sleep(300);
      const probe = JSON.parse(readFileSync(probeFile, 'utf8')) as Probe;
      rows.push(
        `${scenario.name.padEnd(16)} peak RSS ${(probe.peakRssBytes / MiB).toFixed(0).padStart(5)} MiB  ` +
          `longest stall ${probe.maxDelayMs.toFixed(0).padStart(5)} ms  ${observed}`,
      );
      console.log(rows.at(-1));
    } finally {
      await broker.kill('SIGKILL');
      probeDir.cleanup();
    }
  }
  if (!only || only.includes('long-poll-shutdown')) {
    rows.push(`long-poll-shutdown ${await longPollShutdown(values.samsa)}`);
    console.log(rows.at(-1));
  }
}

await main();
