import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_GROUP_COORDINATOR_CONFIG, GroupCoordinator } from '../../src/group/group-coordinator.js';
import {
  GROUP_METADATA_TOPIC_NAME,
  offsetCommitRecord,
  PartitionLogOffsetsLog,
} from '../../src/group/offsets-log.js';
import { Log } from '../../src/storage/log.js';
import { DEFAULT_LOG_CONFIG, logConfigFrom } from '../../src/storage/log-config.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';

describe('PartitionLogOffsetsLog', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-offsets-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const config = logConfigFrom(DEFAULT_LOG_CONFIG, { 'cleanup.policy': 'compact' });
  const clock = new ManualClock();

  function openAll(): Map<number, Log> {
    const logs = new Map<number, Log>();
    for (let p = 0; p < 3; p++) {
      logs.set(
        p,
        Log.open({
          dir: path.join(dir, `${GROUP_METADATA_TOPIC_NAME}-${p}`),
          topic: GROUP_METADATA_TOPIC_NAME,
          partition: p,
          config,
          logger: silentLogger(),
          clock,
        }),
      );
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
    return c;
  }

  it('acknowledges commits once in the log and reloads them from the segment files after a restart', async () => {
    const logs = openAll();
    const c = await coordinatorOver(logs);
    const commit = (offset: bigint) =>
      c.commitOffsets({
        groupId: 'g',
        generationId: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1,
        partitions: [{ topic: 't', partition: 0, offset, leaderEpoch: 2, metadata: 'm' }],
      });
    assert.equal((await commit(5n))[0]?.error, 'NONE');
    assert.equal((await commit(6n))[0]?.error, 'NONE');
    const log = logs.get(c.partitionFor('g'))!;
    assert.equal(log.logEndOffset, 2n);
    assert.equal(log.highWatermark, 2n);
    c.shutdown();
    for (const l of logs.values()) {
      l.flush();
      l.close();
    }

    const reopened = openAll();
    const again = await coordinatorOver(reopened);
    assert.deepEqual(again.fetchOffsets('g', null).partitions, [
      { topic: 't', partition: 0, offset: 6n, leaderEpoch: 2, metadata: 'm', error: 'NONE' },
    ]);
    await again.deleteGroups(['g']);
    again.shutdown();
    for (const l of reopened.values()) l.close();

    const last = openAll();
    const third = await coordinatorOver(last);
    assert.equal(third.describeGroup('g').state, 'Dead');
    third.shutdown();
    for (const l of last.values()) l.close();
  });

  it('never lets records written under an earlier partition mapping replace newer ones', async () => {
    const logs = openAll();
    // "my-group".hashCode() is negative: Kafka's partition is 0; masking the sign bit gave 2,
    // where earlier builds wrote its commits. Partition 2 loads after 0.
    const offset = (o: bigint) => ({
      offset: o,
      leaderEpoch: -1,
      metadata: '',
      commitTimestampMs: 0,
      expireTimestampMs: -1,
    });
    const raw = new PartitionLogOffsetsLog((p) => logs.get(p)!, clock);
    await raw.append(2, [offsetCommitRecord('my-group', 't', 0, offset(5n))]);
    await raw.append(0, [offsetCommitRecord('my-group', 't', 0, offset(9n))]);
    const c = await coordinatorOver(logs);
    assert.equal(c.partitionFor('my-group'), 0);
    assert.equal(c.fetchOffsets('my-group', [{ topic: 't', partition: 0 }]).partitions[0]?.offset, 9n);
    c.shutdown();
    for (const l of logs.values()) l.close();
  });
});

describe('PartitionLogOffsetsLog batching', () => {
  /** A partition log that records each batch written and refuses batches over `maxBytes`. */
  function recordingLog(maxBytes: number) {
    const batches: number[] = [];
    let end = 0n;
    const log = {
      appendAsLeader(records: Buffer) {
        if (records.length > maxBytes) throw new Error(`batch of ${records.length} bytes is too large`);
        const count = records.readInt32BE(57);
        batches.push(count);
        end += BigInt(count);
        return {};
      },
      setHighWatermark() {},
      read() {
        return { records: Buffer.alloc(0) };
      },
      logStartOffset: 0n,
      get logEndOffset() {
        return end;
      },
    };
    return { log, batches };
  }

  const record = (valueBytes: number) => ({ key: Buffer.from('k'), value: Buffer.alloc(valueBytes) });

  it('writes the appends of one tick as one batch', async () => {
    const { log, batches } = recordingLog(1 << 20);
    const offsets = new PartitionLogOffsetsLog(() => log, new ManualClock());
    await Promise.all([0, 1, 2, 3, 4].map(() => offsets.append(0, [record(10)])));
    assert.deepEqual(batches, [5]);
    await offsets.append(0, [record(10)]);
    assert.deepEqual(batches, [5, 1]);
  });

  it('retries each append alone when the shared batch is refused, so only the oversized one fails', async () => {
    const { log, batches } = recordingLog(600);
    const offsets = new PartitionLogOffsetsLog(() => log, new ManualClock());
    const results = await Promise.allSettled([
      offsets.append(0, [record(100)]),
      offsets.append(0, [record(1000)]),
      offsets.append(0, [record(100)]),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(batches, [1, 1]);
  });
});
