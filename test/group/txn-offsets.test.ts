import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_GROUP_COORDINATOR_CONFIG, GroupCoordinator } from '../../src/group/group-coordinator.js';
import { GROUP_METADATA_TOPIC_NAME, PartitionLogOffsetsLog } from '../../src/group/offsets-log.js';
import { Log } from '../../src/storage/log.js';
import { DEFAULT_LOG_CONFIG, logConfigFrom } from '../../src/storage/log-config.js';
import { LocalTxnMarkerWriter } from '../../src/txn/transaction-marker-writer.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';

// TxnOffsetCommit: offsets written in a producer's transaction are invisible until its COMMIT
// marker reaches the group's __consumer_offsets partition, dropped on ABORT, and the same holds
// when the partition is replayed after a restart (Kafka's handleTxnCompletion / loadGroupsAndOffsets).
describe('transactional offset commits', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-txn-offsets-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const config = logConfigFrom(DEFAULT_LOG_CONFIG, { 'cleanup.policy': 'compact' });
  const clock = new ManualClock();

  function openAll(): Map<number, Log> {
    const logs = new Map<number, Log>();
    for (let p = 0; p < 3; p++) {
      const log = Log.open({
        dir: path.join(dir, `${GROUP_METADATA_TOPIC_NAME}-${p}`),
        topic: GROUP_METADATA_TOPIC_NAME,
        partition: p,
        config,
        logger: silentLogger(),
        clock,
      });
      logs.set(p, log);
    }
    return logs;
  }

  async function coordinatorOver(logs: Map<number, Log>) {
    const c = new GroupCoordinator({
      config: { ...DEFAULT_GROUP_COORDINATOR_CONFIG, offsetsTopicNumPartitions: 3 },
      offsetsLog: new PartitionLogOffsetsLog((p) => logs.get(p)!, clock),
      clock,
    });
    await c.startup();
    const markers = new LocalTxnMarkerWriter({
      logFor: (_topic, p) => logs.get(p)!,
      onOffsetsTxnCompleted: (producerId, partitions, committed) =>
        c.handleTxnCompletion(producerId, partitions, committed),
      clock,
      logger: silentLogger(),
    });
    const end = (producerId: bigint, committed: boolean) =>
      markers.writeMarkers({
        producerId,
        producerEpoch: 0,
        coordinatorEpoch: 0,
        committed,
        partitions: [{ topic: GROUP_METADATA_TOPIC_NAME, partition: c.partitionFor('g') }],
      });
    return { c, end };
  }

  const commit = (c: GroupCoordinator, producerId: bigint, offset: bigint, partition = 0) =>
    c.commitTransactionalOffsets({
      groupId: 'g',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      producerId,
      producerEpoch: 0,
      partitions: [{ topic: 't', partition, offset, leaderEpoch: -1, metadata: '' }],
    });

  const offsetOf = (c: GroupCoordinator, partition: number) =>
    c.fetchOffsets('g', [{ topic: 't', partition }]).partitions[0]!.offset;

  it('answers UNSTABLE_OFFSET_COMMIT to stable fetches while a transaction holds an offset', async () => {
    const logs = openAll();
    const { c, end } = await coordinatorOver(logs);
    const stable = (partition: number) =>
      c.fetchOffsets('g', [{ topic: 't', partition }], true).partitions[0]!;
    assert.equal((await commit(c, 41n, 7n, 2))[0]?.error, 'NONE');
    assert.deepEqual(
      { error: stable(2).error, offset: stable(2).offset },
      { error: 'UNSTABLE_OFFSET_COMMIT', offset: -1n },
    );
    assert.equal(stable(1).error, 'NONE', 'other partitions are stable');
    assert.equal(offsetOf(c, 2), -1n, 'a fetch that does not ask for stability sees the last commit');
    await end(41n, true);
    assert.deepEqual({ error: stable(2).error, offset: stable(2).offset }, { error: 'NONE', offset: 7n });
    c.shutdown();
  });

  it('shows offsets only after the commit marker, never after an abort, also after a restart', async () => {
    const logs = openAll();
    const { c, end } = await coordinatorOver(logs);
    assert.equal((await commit(c, 7n, 10n))[0]!.error, 'NONE');
    assert.equal(offsetOf(c, 0), -1n, 'pending until the transaction commits');
    await end(7n, true);
    assert.equal(offsetOf(c, 0), 10n);

    await commit(c, 8n, 99n);
    await end(8n, false);
    assert.equal(offsetOf(c, 0), 10n, 'an aborted transaction leaves the offset');

    await commit(c, 9n, 50n, 1); // still open at the restart
    c.shutdown();
    for (const l of logs.values()) l.close();

    const reopened = openAll();
    const again = await coordinatorOver(reopened);
    assert.equal(offsetOf(again.c, 0), 10n, 'replay applies the commit and skips the abort');
    assert.equal(offsetOf(again.c, 1), -1n, 'the open transaction is still pending');
    await again.end(9n, true);
    assert.equal(offsetOf(again.c, 1), 50n);
    again.c.shutdown();
    for (const l of reopened.values()) l.close();
  });

  it('refuses a transactional commit from a fenced producer epoch', async () => {
    const logs = openAll();
    const { c } = await coordinatorOver(logs);
    const at = (epoch: number) =>
      c.commitTransactionalOffsets({
        groupId: 'g',
        generationId: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1,
        producerId: 20n,
        producerEpoch: epoch,
        partitions: [{ topic: 't', partition: 2, offset: 1n, leaderEpoch: -1, metadata: '' }],
      });
    assert.equal((await at(3))[0]!.error, 'NONE');
    assert.equal((await at(2))[0]!.error, 'INVALID_PRODUCER_EPOCH');
    c.shutdown();
    for (const l of logs.values()) l.close();
  });
});
