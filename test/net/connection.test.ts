import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import type { ConnectionInfo, FrameProcessor } from '../../src/net/connection.js';
import { CloseConnectionError } from '../../src/net/connection.js';
import { Listener, plaintextSecurity } from '../../src/net/listener.js';
import { silentLogger } from '../../src/util/logger.js';
import { waitFor } from '../helpers/wait-for.js';

/** Answers each frame with its first 4 bytes (the request's sequence number), when released. */
class HeldProcessor implements FrameProcessor {
  readonly received: number[] = [];
  private readonly pending: (() => void)[] = [];
  hold = true;

  process(frame: Buffer, _connection: ConnectionInfo): Promise<Buffer | null> | Buffer | null {
    const seq = frame.readInt32BE(0);
    if (seq < 0) throw new CloseConnectionError('negative sequence');
    this.received.push(seq);
    const response = Buffer.alloc(8);
    response.writeInt32BE(4, 0);
    response.writeInt32BE(seq, 4);
    if (!this.hold) return response;
    return new Promise((resolve) => this.pending.push(() => resolve(response)));
  }

  /** Releases held requests in reverse order, so ordering must be restored by the connection. */
  releaseAll(): void {
    this.hold = false;
    const pending = this.pending.splice(0);
    for (const release of pending.reverse()) release();
  }
}

function frame(seq: number, size: number): Buffer {
  const b = Buffer.alloc(4 + size);
  b.writeInt32BE(size, 0);
  b.writeInt32BE(seq, 4);
  return b;
}

async function open(port: number): Promise<{ socket: Socket; responses: number[] }> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise((resolve) => socket.once('connect', resolve));
  const responses: number[] = [];
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 8) {
      responses.push(buffered.readInt32BE(4));
      buffered = buffered.subarray(8);
    }
  });
  return { socket, responses };
}

describe('Connection', () => {
  const listeners: Listener[] = [];
  after(async () => {
    for (const l of listeners) await l.close(100);
  });

  async function listen(processor: FrameProcessor, perConnection: number, overall: number) {
    const listener = new Listener(processor, {
      name: 'PLAINTEXT',
      security: plaintextSecurity(),
      host: '127.0.0.1',
      port: 0,
      maxFrameBytes: 1 << 20,
      maxInflightBytesPerConnection: perConnection,
      maxInflightBytes: overall,
      logger: silentLogger(),
    });
    listeners.push(listener);
    return listener.listen();
  }

  it('stops reading while unanswered bytes exceed the per-connection limit, then answers in order', async () => {
    const processor = new HeldProcessor();
    const port = await listen(processor, 100_000, 1 << 30);
    const client = await open(port);
    const total = 200;
    for (let i = 0; i < total; i++) client.socket.write(frame(i, 10_000));
    await waitFor(() => processor.received.length >= 10, { description: 'first requests' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(
      processor.received.length < 40,
      `read ${processor.received.length} requests of 10 kB past a 100 kB limit`,
    );
    processor.releaseAll();
    await waitFor(() => client.responses.length === total, { description: 'all responses' });
    assert.deepEqual(
      client.responses,
      Array.from({ length: total }, (_, i) => i),
    );
    client.socket.destroy();
  });

  it('bounds unanswered bytes across connections', async () => {
    const processor = new HeldProcessor();
    const port = await listen(processor, 1 << 30, 150_000);
    const a = await open(port);
    const b = await open(port);
    for (let i = 0; i < 100; i++) {
      a.socket.write(frame(i, 10_000));
      b.socket.write(frame(1000 + i, 10_000));
    }
    await waitFor(() => processor.received.length >= 15, { description: 'first requests' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(
      processor.received.length < 50,
      `read ${processor.received.length} requests past a 150 kB budget`,
    );
    processor.releaseAll();
    await waitFor(() => a.responses.length === 100 && b.responses.length === 100, {
      description: 'all responses on both connections',
    });
    a.socket.destroy();
    b.socket.destroy();
  });

  it('closes only the offending connection when a request cannot be processed', async () => {
    const processor = new HeldProcessor();
    processor.hold = false;
    const port = await listen(processor, 1 << 20, 1 << 20);
    const good = await open(port);
    const bad = await open(port);
    const closed = new Promise((resolve) => bad.socket.once('close', resolve));
    bad.socket.write(frame(-1, 8));
    await closed;
    good.socket.write(frame(7, 8));
    await waitFor(() => good.responses.length === 1, { description: 'response on the healthy connection' });
    assert.deepEqual(good.responses, [7]);
    good.socket.destroy();
  });
});
