import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import type { ConnectionInfo, FrameProcessor } from '../../src/net/connection.js';
import type { ConnectionQuotaLimits } from '../../src/net/connection-quotas.js';
import { UNLIMITED_CONNECTIONS } from '../../src/net/connection-quotas.js';
import { Listener, type ListenerOptions, plaintextSecurity } from '../../src/net/listener.js';
import { silentLogger } from '../../src/util/logger.js';
import { waitFor } from '../helpers/wait-for.js';

/** Echoes each frame's first 4 bytes back as an 8-byte response. */
const echo: FrameProcessor = {
  process(frame: Buffer, _connection: ConnectionInfo): Buffer {
    const response = Buffer.alloc(8);
    response.writeInt32BE(4, 0);
    frame.copy(response, 4, 0, 4);
    return response;
  },
};

function frame(seq: number, size = 8): Buffer {
  const b = Buffer.alloc(4 + size);
  b.writeInt32BE(size, 0);
  b.writeInt32BE(seq, 4);
  return b;
}

interface Client {
  socket: Socket;
  responses: number[];
  closed: boolean;
}

function open(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const client: Client = { socket, responses: [], closed: false };
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 8) {
        client.responses.push(buffered.readInt32BE(4));
        buffered = buffered.subarray(8);
      }
    });
    socket.on('close', () => {
      client.closed = true;
    });
    socket.on('error', () => {});
    socket.once('connect', () => resolve(client));
    socket.once('error', reject);
  });
}

describe('Listener limits', { timeout: 60_000 }, () => {
  const listeners: Listener[] = [];
  const clients: Client[] = [];
  after(async () => {
    for (const c of clients) c.socket.destroy();
    for (const l of listeners) await l.close(100);
  });

  async function listen(
    options: Omit<Partial<ListenerOptions>, 'quotas'> & { quotas?: Partial<ConnectionQuotaLimits> } = {},
  ) {
    const listener = new Listener(echo, {
      name: 'PLAINTEXT',
      security: plaintextSecurity(),
      host: '127.0.0.1',
      port: 0,
      maxFrameBytes: 1 << 20,
      maxInflightBytesPerConnection: 1 << 20,
      maxInflightBytes: 1 << 30,
      logger: silentLogger(),
      ...options,
      quotas: { ...UNLIMITED_CONNECTIONS, ...options.quotas },
    });
    listeners.push(listener);
    return { listener, port: await listener.listen() };
  }

  async function track(port: number): Promise<Client> {
    const c = await open(port);
    clients.push(c);
    return c;
  }

  it('closes 300 idle connections after connections.max.idle.ms, and keeps one sending requests', async () => {
    const { listener, port } = await listen({ idleTimeoutMs: 400 });
    const idle = await Promise.all(Array.from({ length: 300 }, () => track(port)));
    const busy = await track(port);
    let seq = 0;
    const ticker = setInterval(() => busy.socket.write(frame(seq++)), 100);
    try {
      await waitFor(() => idle.every((c) => c.closed), {
        timeoutMs: 20_000,
        description: 'idle ones closed',
      });
      assert.equal(busy.closed, false, 'a connection with a request every 100 ms is not idle');
      assert.equal(listener.connectionCount, 1);
      assert.ok(busy.responses.length > 0);
    } finally {
      clearInterval(ticker);
    }
  });

  it('closes a connection whose frame is trickled, after socket.request.receive.timeout.ms', async () => {
    const { port } = await listen({ requestReceiveTimeoutMs: 500 });
    const slow = await track(port);
    const header = Buffer.alloc(4);
    header.writeInt32BE(512 * 1024, 0);
    let i = 0;
    // A 512 kB header then one byte every 50 ms: bytes keep arriving, the frame never completes.
    const ticker = setInterval(() => {
      if (!slow.closed) slow.socket.write(i < 4 ? header.subarray(i, i + 1) : Buffer.from([0]));
      i++;
    }, 50);
    try {
      await waitFor(() => slow.closed, { timeoutMs: 10_000, description: 'trickling connection closed' });
      assert.ok(i > 10, `closed after ${i} bytes, not at once`);
      const healthy = await track(port);
      healthy.socket.write(frame(5));
      await waitFor(() => healthy.responses.length === 1, { description: 'a healthy client is answered' });
    } finally {
      clearInterval(ticker);
    }
  });

  it('closes a connection beyond max.connections.per.ip at once and admits others', async () => {
    const { listener, port } = await listen({ quotas: { maxConnectionsPerIp: 3 } });
    const allowed = await Promise.all([track(port), track(port), track(port)]);
    await waitFor(() => listener.connectionCount === 3, { description: 'three connections' });
    const extra = await track(port);
    await waitFor(() => extra.closed, { description: 'the fourth connection closed' });
    for (const [i, c] of allowed.entries()) c.socket.write(frame(i));
    await waitFor(() => allowed.every((c) => c.responses.length === 1), {
      description: 'the three answered',
    });
    allowed[0]!.socket.destroy();
    await waitFor(() => listener.connectionCount === 2, { description: 'a slot freed' });
    const again = await track(port);
    again.socket.write(frame(9));
    await waitFor(() => again.responses.length === 1, { description: 'a new connection within the limit' });
  });

  it('makes a connection beyond max.connections wait for a slot', async () => {
    const { listener, port } = await listen({ quotas: { maxConnections: 2 } });
    const first = await track(port);
    await track(port);
    const third = await track(port);
    third.socket.write(frame(3));
    await waitFor(() => listener.waitingCount === 1, { description: 'third connection waiting' });
    assert.equal(listener.connectionCount, 2);
    assert.deepEqual(third.responses, [], 'a waiting connection is not read');
    first.socket.destroy();
    await waitFor(() => third.responses.length === 1, { description: 'third answered once a slot frees' });
    assert.equal(third.closed, false);
  });

  it('spaces new connections to max.connection.creation.rate', async () => {
    const { listener, port } = await listen({ quotas: { maxConnectionCreationRate: 5 } });
    const started = performance.now();
    const all = await Promise.all(Array.from({ length: 10 }, () => track(port)));
    for (const [i, c] of all.entries()) c.socket.write(frame(i));
    await waitFor(() => all.every((c) => c.responses.length === 1), { description: 'all ten answered' });
    // A burst of 5 is admitted at once; the other 5 at 5 per second.
    assert.ok(performance.now() - started >= 800, 'the second five waited for the rate');
    assert.equal(listener.connectionCount, 10);
  });

  it('keeps memory of frames being received within queued.max.request.bytes plus one frame', async () => {
    const limit = 1 << 20;
    const { listener, port } = await listen({ maxInflightBytes: limit, maxFrameBytes: 1 << 20 });
    const size = (1 << 20) - 100;
    const body = Buffer.alloc(size - 1);
    const header = Buffer.alloc(4);
    header.writeInt32BE(size, 0);
    const senders = await Promise.all(Array.from({ length: 10 }, () => track(port)));
    for (const c of senders) c.socket.write(Buffer.concat([header, body]));
    await waitFor(() => listener.bufferedRequestBytes >= limit, { description: 'budget filled' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(
      listener.bufferedRequestBytes <= limit + size,
      `${listener.bufferedRequestBytes} bytes reserved for frames being received`,
    );
    for (const c of senders) c.socket.destroy();
    await waitFor(() => listener.bufferedRequestBytes === 0, {
      description: 'reservations released on close',
    });
  });
});
