import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Connection } from '../../src/client/connection.js';
import { ApiKey } from '../../src/protocol/api-keys.js';
import { Metadata } from '../../src/protocol/messages/index.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';

/** A TCP server that records the frames it receives and answers each with `reply(frame)` (or nothing). */
async function fakeBroker(reply: (frame: Buffer, index: number) => Buffer | undefined) {
  const frames: Buffer[] = [];
  const server = net.createServer((socket) => {
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
        const size = buffered.readInt32BE(0);
        const frame = buffered.subarray(4, 4 + size);
        buffered = buffered.subarray(4 + size);
        frames.push(frame);
        const answer = reply(frame, frames.length - 1);
        if (answer) socket.write(sized(answer));
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, frames, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function sized(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

describe('Connection against a fake broker', () => {
  it('opens with an ApiVersions v3 request laid out as KIP-511 specifies', async () => {
    const fake = await fakeBroker(() => undefined);
    const connecting = Connection.connect({
      host: '127.0.0.1',
      port: fake.port,
      clientId: 'cli',
      requestTimeoutMs: 300,
    });
    await assert.rejects(connecting, { kafkaError: 'REQUEST_TIMED_OUT' });
    const version = Buffer.from(Connection.softwareVersion, 'utf8');
    // Request header v2: apiKey 18, apiVersion 3, correlationId 0, clientId int16 "cli", no tags;
    // body: compact strings clientSoftwareName "samsa" and clientSoftwareVersion, no tags.
    const expected = Buffer.concat([
      Buffer.from([0x00, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]),
      Buffer.from('cli'),
      Buffer.from([0x00, 0x06]),
      Buffer.from('samsa'),
      Buffer.from([version.length + 1]),
      version,
      Buffer.from([0x00]),
    ]);
    assert.deepEqual(fake.frames[0], expected);
    await fake.close();
  });

  it('retries ApiVersions at the version the broker lists after UNSUPPORTED_VERSION', async () => {
    const fake = await fakeBroker((frame, index) => {
      const correlationId = frame.readInt32BE(4);
      const header = Buffer.alloc(4);
      header.writeInt32BE(correlationId);
      if (index === 0) {
        // v0 layout: errorCode 35, apiKeys [ {18, 0, 2} ]
        return Buffer.concat([header, Buffer.from([0x00, 0x23, 0, 0, 0, 1, 0x00, 0x12, 0, 0, 0, 2])]);
      }
      // v2 layout: errorCode 0, apiKeys [ {18,0,2}, {3,0,9} ], throttleTimeMs 0
      return Buffer.concat([
        header,
        Buffer.from([0, 0, 0, 0, 0, 2, 0x00, 0x12, 0, 0, 0, 2, 0x00, 0x03, 0, 0, 0, 9, 0, 0, 0, 0]),
      ]);
    });
    const connection = await Connection.connect({
      host: '127.0.0.1',
      port: fake.port,
      requestTimeoutMs: 2_000,
    });
    assert.equal(fake.frames.length, 2);
    assert.equal(fake.frames[1]!.readInt16BE(0), ApiKey.ApiVersions);
    assert.equal(fake.frames[1]!.readInt16BE(2), 2);
    assert.equal(connection.versionFor(Metadata), 9);
    assert.throws(() => connection.versionFor({ ...Metadata, apiKey: ApiKey.Produce, name: 'Produce' }), {
      kafkaError: 'UNSUPPORTED_VERSION',
    });
    connection.close();
    await fake.close();
  });

  it('fails with NETWORK_EXCEPTION when nothing listens', async () => {
    const fake = await fakeBroker(() => undefined);
    await fake.close();
    await assert.rejects(Connection.connect({ host: '127.0.0.1', port: fake.port }), {
      kafkaError: 'NETWORK_EXCEPTION',
    });
  });
});

describe('Connection against a broker', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startBroker();
  });
  after(() => broker.cleanup());

  it('negotiates the highest version both sides support and pipelines requests', async () => {
    const [host, port] = broker.bootstrap.split(':');
    const connection = await Connection.connect({ host: host!, port: Number(port) });
    assert.equal(connection.versionFor(Metadata), 12);
    // Twenty requests in flight at once, answered in order on one socket.
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        connection.send(Metadata, { topics: [], allowAutoTopicCreation: false }),
      ),
    );
    assert.equal(answers.length, 20);
    for (const a of answers) assert.equal(a.brokers.length, 1);
    connection.close();
    await assert.rejects(connection.send(Metadata, { topics: [] }), { kafkaError: 'NETWORK_EXCEPTION' });
  });
});
