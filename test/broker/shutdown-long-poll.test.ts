import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeResponseFrame, encodeRequestFrame } from '../../src/protocol/header.js';
import { Fetch } from '../../src/protocol/messages/fetch.js';
import { startBrokerProcess } from '../helpers/broker.js';
import { RawClient } from './raw-client.js';

const FETCH_VERSION = 11;
const MAX_WAIT_MS = 2 ** 31 - 1;

function longPollFrame(correlationId: number, topics: object[]): Buffer {
  return encodeRequestFrame(
    Fetch.request,
    FETCH_VERSION,
    { correlationId, clientId: 'long-poll' },
    {
      replicaId: -1,
      maxWaitMs: MAX_WAIT_MS,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics,
      forgottenTopicsData: [],
      rackId: '',
    },
  );
}

describe('shutdown with long polls outstanding', { timeout: 60_000 }, () => {
  it('answers a Fetch with no partitions and max_wait 2^31-1 at once on SIGTERM, and exits', async () => {
    // With a 60 s drain allowance, an unanswered fetch would hold the process far past the bound below.
    const broker = await startBrokerProcess({ config: { 'shutdown.timeout.ms': '60000' } });
    try {
      const client = await RawClient.open(broker.bootstrap);
      client.send(longPollFrame(7, []));
      await assert.rejects(client.nextFrame(500), /timed out/, 'the fetch is a long poll: no answer yet');

      const exitedWithin = (ms: number) =>
        Promise.race([
          broker.exited,
          new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref()),
        ]);
      process.kill(broker.pid, 'SIGTERM');
      const response = await client.nextFrame(15_000).catch(() => undefined);
      const status = await exitedWithin(15_000);
      assert.notEqual(status, 'timeout', `broker still running 15 s after SIGTERM\n${broker.output()}`);
      assert.ok(response, `no Fetch response before the connection closed\n${broker.output()}`);
      const decoded = decodeResponseFrame(Fetch.response, FETCH_VERSION, response);
      assert.equal(decoded.correlationId, 7);
      assert.equal(decoded.body.errorCode, 0);
      assert.deepEqual(decoded.body.responses, []);
      assert.ok(await client.waitForClose(5_000), 'connection closed by the stopped broker');
      assert.deepEqual(status, { code: 0, signal: null }, broker.output());
      assert.match(broker.output(), /"msg":"stopped"/);
      assert.doesNotMatch(broker.output(), /still running after stop/);
    } finally {
      await broker.stop();
    }
  });
});
