import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../src/protocol/errors.js';
import { decodeResponseFrame, encodeRequestFrame } from '../../src/protocol/header.js';
import { FindCoordinator } from '../../src/protocol/messages/find-coordinator.js';
import { JoinGroup } from '../../src/protocol/messages/join-group.js';
import { startBrokerProcess } from '../helpers/broker.js';
import { RawClient } from './raw-client.js';

const JOIN_VERSION = 5;
const GROUP = 'shutdown-join';

function joinBody(memberId: string) {
  return {
    groupId: GROUP,
    sessionTimeoutMs: 30_000,
    // Far longer than the test allows: a join parked for it would hold the shutdown.
    rebalanceTimeoutMs: 120_000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]) }],
  };
}

async function joinAsNewMember(client: RawClient) {
  let res = await client.request(JoinGroup, JOIN_VERSION, joinBody(''));
  if (res.errorCode === ErrorCode.MEMBER_ID_REQUIRED)
    res = await client.request(JoinGroup, JOIN_VERSION, joinBody(res.memberId));
  return res;
}

describe('shutdown with a JoinGroup waiting for a rebalance', { timeout: 90_000 }, () => {
  it('answers the waiting join NOT_COORDINATOR at once on SIGTERM, and exits', async () => {
    const broker = await startBrokerProcess({ config: { 'shutdown.timeout.ms': '60000' } });
    try {
      const first = await RawClient.open(broker.bootstrap);
      const second = await RawClient.open(broker.bootstrap);
      const coordinator = await first.request(FindCoordinator, 1, { key: GROUP, keyType: 0 });
      assert.equal(coordinator.errorCode, ErrorCode.NONE);
      // The first member gets generation 1 and never rejoins: the second's join waits for it.
      const leader = await joinAsNewMember(first);
      assert.equal(leader.errorCode, ErrorCode.NONE);
      const pending = await second.request(JoinGroup, JOIN_VERSION, joinBody(''));
      assert.equal(pending.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
      second.send(
        encodeRequestFrame(
          JoinGroup.request,
          JOIN_VERSION,
          { correlationId: 42, clientId: 'waiting-member' },
          joinBody(pending.memberId),
        ),
      );
      await assert.rejects(second.nextFrame(1000), /timed out/, 'the join waits for the rebalance');

      const sentAt = Date.now();
      process.kill(broker.pid, 'SIGTERM');
      const frame = await second.nextFrame(15_000).catch(() => undefined);
      const status = await Promise.race([
        broker.exited,
        new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref()),
      ]);
      const exitMs = Date.now() - sentAt;
      assert.notEqual(status, 'timeout', `broker still running 15 s after SIGTERM\n${broker.output()}`);
      assert.ok(frame, `no JoinGroup response before the connection closed\n${broker.output()}`);
      const decoded = decodeResponseFrame(JoinGroup.response, JOIN_VERSION, frame);
      assert.equal(decoded.correlationId, 42);
      assert.equal(decoded.body.errorCode, ErrorCode.NOT_COORDINATOR);
      assert.deepEqual(status, { code: 0, signal: null }, broker.output());
      assert.ok(exitMs < 15_000, `exited ${exitMs} ms after SIGTERM`);
      first.close();
      second.close();
    } finally {
      await broker.stop();
    }
  });
});
