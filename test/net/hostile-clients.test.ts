import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { answersApiVersions, RawClient } from '../broker/raw-client.js';
import { startBrokerProcess } from '../helpers/broker.js';
import { processMemory } from '../helpers/process-memory.js';
import { waitFor } from '../helpers/wait-for.js';

const MiB = 1024 * 1024;

/** kcat -L: a real client's metadata request; resolves with its exit code and output. */
function kcatMetadata(bootstrap: string, timeoutSeconds = 10): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('kcat', ['-b', bootstrap, '-L', '-m', String(timeoutSeconds)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

function rawSocket(port: number, localAddress?: string): Promise<{ socket: Socket; closed: () => boolean }> {
  return new Promise((resolve, reject) => {
    let closed = false;
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    socket.on('close', () => (closed = true));
    socket.on('error', () => {});
    socket.once('connect', () => resolve({ socket, closed: () => closed }));
    socket.once('error', reject);
  });
}

describe('hostile clients against a broker process', { timeout: 90_000 }, () => {
  it('40 frames sent but for their last byte stay within queued.max.request.bytes, small requests served meanwhile', async () => {
    const budget = 32 * MiB;
    const frameSize = 8 * MiB;
    const broker = await startBrokerProcess({
      config: {
        'queued.max.request.bytes': String(budget),
        'socket.request.max.bytes': String(frameSize),
        'socket.request.receive.timeout.ms': '500',
      },
    });
    const sockets: Socket[] = [];
    try {
      const baseline = processMemory(broker.pid).rssBytes;
      const frame = Buffer.alloc(frameSize - 1 + 4, 1);
      frame.writeInt32BE(frameSize, 0);
      const hogs = await Promise.all(Array.from({ length: 40 }, () => rawSocket(broker.port)));
      for (const h of hogs) {
        sockets.push(h.socket);
        h.socket.write(frame);
      }
      // Large frames take at most 7/8 of the budget: other clients' small requests still get in.
      const during = await RawClient.open(broker.bootstrap);
      assert.ok(await answersApiVersions(during, 1, 5_000), 'a client is answered during the attack');
      during.close();
      // Each wave of frames granted memory is closed after the receive timeout, making room for the next.
      await waitFor(() => hogs.every((h) => h.closed()), {
        timeoutMs: 60_000,
        description: 'every hog closed',
      });
      const memory = processMemory(broker.pid);
      const growth = memory.peakRssBytes - baseline;
      console.log(
        `40 x ${frameSize} B frames less one byte: peak RSS ${(memory.peakRssBytes / MiB).toFixed(0)} MiB, +${(growth / MiB).toFixed(0)} MiB`,
      );
      // Unbounded, the broker would hold 40 x 8 MiB = 320 MiB; the budget allows 32 MiB, and socket
      // reads copied into frames are garbage until the next collection.
      assert.ok(growth < 160 * MiB, `peak RSS grew by ${(growth / MiB).toFixed(1)} MiB\n${broker.output()}`);
      assert.match(broker.output(), /request not received within socket.request.receive.timeout.ms/);
      const client = await RawClient.open(broker.bootstrap);
      assert.ok(await answersApiVersions(client, 2, 5_000), 'a new client is answered');
      client.close();
    } finally {
      for (const s of sockets) s.destroy();
      await broker.stop();
    }
  });

  it('slow-loris and connection flood from one address: refused over max.connections.per.ip, the rest timed out, others served', async () => {
    const broker = await startBrokerProcess({
      config: {
        'max.connections.per.ip': '100',
        'max.connections.per.ip.overrides': '127.0.0.1:1000',
        'socket.request.receive.timeout.ms': '1000',
        'connections.max.idle.ms': '2000',
      },
    });
    const attackers: { socket: Socket; closed: () => boolean }[] = [];
    let ticker: NodeJS.Timeout | undefined;
    try {
      // 150 connections from 127.0.0.2: 100 are admitted, 50 closed at once.
      for (let i = 0; i < 150; i++) attackers.push(await rawSocket(broker.port, '127.0.0.2'));
      await waitFor(() => attackers.filter((a) => a.closed()).length >= 50, {
        description: 'connections over the per-address limit closed',
      });
      const header = Buffer.alloc(4);
      header.writeInt32BE(1024, 0);
      let sent = 0;
      // Each live attacker trickles a request header and body, one byte per 100 ms.
      ticker = setInterval(() => {
        for (const a of attackers)
          if (!a.closed()) a.socket.write(sent < 4 ? header.subarray(sent, sent + 1) : Buffer.from([0]));
        sent++;
      }, 100);
      // Another address is served meanwhile, by a real client.
      const during = await kcatMetadata(broker.bootstrap);
      assert.equal(during.code, 0, during.out);
      assert.match(during.out, /1 brokers:/);
      await waitFor(() => attackers.every((a) => a.closed()), {
        timeoutMs: 20_000,
        description: 'all attackers closed',
      });
      assert.ok(sent >= 10, 'attackers were closed by the timeout, not at once');
      assert.match(
        broker.output(),
        /rejected connection: address already has max.connections.per.ip connections/,
      );
      // The address is let in again once its connections are gone.
      const later = await RawClient.open(broker.bootstrap);
      assert.ok(await answersApiVersions(later, 2, 5_000));
      later.close();
      const after = await kcatMetadata(broker.bootstrap);
      assert.equal(after.code, 0, after.out);
    } finally {
      clearInterval(ticker);
      for (const a of attackers) a.socket.destroy();
      await broker.stop();
    }
  });

  it('at its file-descriptor limit, closes the longest-idle connection so that clients get in', async () => {
    const broker = await startBrokerProcess();
    const sockets: { socket: Socket; closed: () => boolean }[] = [];
    try {
      const limit = readdirSync(`/proc/${broker.pid}/fd`).length + 20;
      const prlimit = spawnSync('prlimit', [`--pid=${broker.pid}`, `--nofile=${limit}:${limit}`], {
        encoding: 'utf8',
      });
      assert.equal(prlimit.status, 0, prlimit.stderr);
      // Idle connections take every descriptor left; those past the limit are closed by the broker.
      for (let i = 0; i < 40; i++) sockets.push(await rawSocket(broker.port));
      await waitFor(() => sockets.some((s) => s.closed()), {
        description: 'connections past the limit closed',
      });
      const run = await kcatMetadata(broker.bootstrap, 20);
      assert.equal(run.code, 0, `${run.out}\n${broker.output()}`);
      assert.match(run.out, /1 brokers:/);
      assert.match(broker.output(), /out of file descriptors/);
      assert.ok(
        sockets.filter((s) => s.closed()).length > 20 - 8,
        'idle connections were closed to make room',
      );
    } finally {
      for (const s of sockets) s.socket.destroy();
      await broker.stop();
    }
  });
});
