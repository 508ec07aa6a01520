import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorCodeOf } from '../../src/protocol/errors.js';
import { AddPartitionsToTxn } from '../../src/protocol/messages/add-partitions-to-txn.js';
import { CreateTopics } from '../../src/protocol/messages/create-topics.js';
import { DescribeProducers } from '../../src/protocol/messages/describe-producers.js';
import { DescribeTransactions } from '../../src/protocol/messages/describe-transactions.js';
import { EndTxn } from '../../src/protocol/messages/end-txn.js';
import { Fetch } from '../../src/protocol/messages/fetch.js';
import { InitProducerId } from '../../src/protocol/messages/init-producer-id.js';
import { ListOffsets } from '../../src/protocol/messages/list-offsets.js';
import { ListTransactions } from '../../src/protocol/messages/list-transactions.js';
import { Produce } from '../../src/protocol/messages/produce.js';
import { WriteTxnMarkers } from '../../src/protocol/messages/write-txn-markers.js';
import { computeAttributes } from '../../src/protocol/records/record-batch.js';
import { encodeRecordBatch } from '../../src/protocol/records/records.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from './raw-client.js';

const TOPIC = 'txn-wire';
const code = errorCodeOf;

function producerBatch(
  producerId: bigint,
  epoch: number,
  baseSequence: number,
  count: number,
  transactional = false,
) {
  return encodeRecordBatch(
    Array.from({ length: count }, (_, i) => ({
      key: null,
      value: Buffer.from(`r${baseSequence + i}`),
      headers: [],
      timestamp: BigInt(Date.now()),
    })),
    { producerId, producerEpoch: epoch, baseSequence, attributes: computeAttributes({ transactional }) },
  );
}

function produce(records: Buffer, partition = 0, transactionalId: string | null = null) {
  return {
    transactionalId,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: TOPIC, partitionData: [{ index: partition, records }] }],
  };
}

function fetchBody(partition: number, isolationLevel: number) {
  return {
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel,
    topics: [{ topic: TOPIC, partitions: [{ partition, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
  };
}

describe('idempotence and transaction APIs on the wire', () => {
  let broker: TestBroker;
  let client: RawClient;

  before(async () => {
    broker = await startBroker();
    client = await RawClient.open(broker.bootstrap);
    const created = await client.request(CreateTopics, 4, {
      topics: [{ name: TOPIC, numPartitions: 4, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
    });
    assert.equal(created.topics[0].errorCode, 0);
  });

  after(async () => {
    client?.close();
    await broker?.cleanup();
  });

  async function initProducerId(transactionalId: string | null, version = 4, timeoutMs = 60_000) {
    return client.request(InitProducerId, version, { transactionalId, transactionTimeoutMs: timeoutMs });
  }

  async function addPartitions(version: number, id: string, pid: bigint, epoch: number, topics: object[]) {
    const res = await client.request(AddPartitionsToTxn, version, {
      v3AndBelowTransactionalId: id,
      v3AndBelowProducerId: pid,
      v3AndBelowProducerEpoch: epoch,
      v3AndBelowTopics: topics,
    });
    return res.resultsByTopicV3AndBelow.flatMap((t: any) =>
      t.resultsByPartition.map((p: any) => [t.name, p.partitionIndex, p.partitionErrorCode]),
    );
  }

  it('acknowledges a duplicate batch with its first offset and refuses bad sequences and epochs', async () => {
    const { producerId, errorCode } = await initProducerId(null);
    assert.equal(errorCode, 0);
    const first = await client.request(Produce, 7, produce(producerBatch(producerId, 0, 0, 3)));
    assert.equal(first.responses[0].partitionResponses[0].errorCode, 0);
    const retry = await client.request(Produce, 7, produce(producerBatch(producerId, 0, 0, 3)));
    assert.equal(retry.responses[0].partitionResponses[0].errorCode, 0);
    assert.equal(
      retry.responses[0].partitionResponses[0].baseOffset,
      first.responses[0].partitionResponses[0].baseOffset,
    );
    const gap = await client.request(Produce, 7, produce(producerBatch(producerId, 0, 7, 1)));
    assert.equal(gap.responses[0].partitionResponses[0].errorCode, code('OUT_OF_ORDER_SEQUENCE_NUMBER'));
    await client.request(Produce, 7, produce(producerBatch(producerId, 1, 0, 1)));
    const stale = await client.request(Produce, 7, produce(producerBatch(producerId, 0, 3, 1)));
    assert.equal(stale.responses[0].partitionResponses[0].errorCode, code('INVALID_PRODUCER_EPOCH'));
    const unknown = await client.request(Produce, 7, produce(producerBatch(987_654n, 0, 5, 1)));
    assert.equal(unknown.responses[0].partitionResponses[0].errorCode, code('UNKNOWN_PRODUCER_ID'));
  });

  it("answers Kafka's errors for bad transactional requests", async () => {
    assert.equal((await initProducerId('bad', 4, 1_000_000)).errorCode, code('INVALID_TRANSACTION_TIMEOUT'));
    const endUnknown = await client.request(EndTxn, 3, {
      transactionalId: 'nobody',
      producerId: 1n,
      producerEpoch: 0,
      committed: true,
    });
    assert.equal(endUnknown.errorCode, code('INVALID_PRODUCER_ID_MAPPING'));

    const a = await initProducerId('bad');
    const noTxn = await client.request(EndTxn, 3, {
      transactionalId: 'bad',
      producerId: a.producerId,
      producerEpoch: a.producerEpoch,
      committed: true,
    });
    assert.equal(noTxn.errorCode, code('INVALID_TXN_STATE'));

    // A topic that does not exist: it gets UNKNOWN_TOPIC_OR_PARTITION and nothing else is attempted.
    assert.deepEqual(
      await addPartitions(3, 'bad', a.producerId, a.producerEpoch, [
        { name: TOPIC, partitions: [0] },
        { name: 'no-such-topic', partitions: [0] },
      ]),
      [
        [TOPIC, 0, code('OPERATION_NOT_ATTEMPTED')],
        ['no-such-topic', 0, code('UNKNOWN_TOPIC_OR_PARTITION')],
      ],
    );

    // A newer instance fences the old epoch: PRODUCER_FENCED from v2, INVALID_PRODUCER_EPOCH before.
    await initProducerId('bad');
    const topics = [{ name: TOPIC, partitions: [0] }];
    assert.deepEqual(await addPartitions(3, 'bad', a.producerId, a.producerEpoch, topics), [
      [TOPIC, 0, code('PRODUCER_FENCED')],
    ]);
    assert.deepEqual(await addPartitions(1, 'bad', a.producerId, a.producerEpoch, topics), [
      [TOPIC, 0, code('INVALID_PRODUCER_EPOCH')],
    ]);
  });

  /** ListOffsets v2 of `partition`: its latest offset, and the offset for timestamp 0. */
  async function listOffsets(partition: number, isolationLevel: number) {
    const at = async (timestamp: bigint) => {
      const res = await client.request(ListOffsets, 2, {
        replicaId: -1,
        isolationLevel,
        topics: [{ name: TOPIC, partitions: [{ partitionIndex: partition, timestamp }] }],
      });
      const answer = res.topics[0].partitions[0];
      assert.equal(answer.errorCode, 0);
      return answer.offset as bigint;
    };
    return { latest: await at(-1n), byTime: await at(0n) };
  }

  it('serves read_committed up to the LSO and lists aborted transactions', async () => {
    const p = await initProducerId('wire-txn');
    assert.deepEqual(
      await addPartitions(3, 'wire-txn', p.producerId, p.producerEpoch, [{ name: TOPIC, partitions: [1] }]),
      [[TOPIC, 1, 0]],
    );
    const sent = await client.request(
      Produce,
      7,
      produce(producerBatch(p.producerId, p.producerEpoch, 0, 4, true), 1, 'wire-txn'),
    );
    assert.equal(sent.responses[0].partitionResponses[0].errorCode, 0);

    const open = await client.request(Fetch, 11, fetchBody(1, 1));
    const openPartition = open.responses[0].partitions[0];
    assert.equal(openPartition.highWatermark, 4n);
    assert.equal(openPartition.lastStableOffset, 0n);
    assert.equal(openPartition.records.length, 0, 'read_committed stops at the LSO');
    // ListOffsets: latest is the LSO for read_committed and the high watermark otherwise; a
    // timestamp lookup never answers an offset a read_committed consumer could not fetch.
    const listed0 = await listOffsets(1, 0);
    const listed1 = await listOffsets(1, 1);
    assert.deepEqual([listed0.latest, listed1.latest], [4n, 0n]);
    assert.deepEqual([listed0.byTime, listed1.byTime], [0n, -1n]);
    const uncommitted = await client.request(Fetch, 11, fetchBody(1, 0));
    assert.ok(uncommitted.responses[0].partitions[0].records.length > 0);
    assert.equal(uncommitted.responses[0].partitions[0].abortedTransactions, null);

    const described = await client.request(DescribeTransactions, 0, { transactionalIds: ['wire-txn'] });
    assert.equal(described.transactionStates[0].transactionState, 'Ongoing');
    assert.deepEqual(described.transactionStates[0].topics, [{ topic: TOPIC, partitions: [1] }]);
    const listed = await client.request(ListTransactions, 1, {
      stateFilters: ['Ongoing'],
      producerIdFilters: [],
      durationFilter: -1n,
    });
    assert.deepEqual(
      listed.transactionStates.map((s: any) => s.transactionalId),
      ['wire-txn'],
    );
    const producers = await client.request(DescribeProducers, 0, {
      topics: [{ name: TOPIC, partitionIndexes: [1] }],
    });
    assert.deepEqual(
      producers.topics[0].partitions[0].activeProducers.map((x: any) => [
        x.producerId,
        x.lastSequence,
        x.currentTxnStartOffset,
      ]),
      [[p.producerId, 3, 0n]],
    );

    const aborted = await client.request(EndTxn, 3, {
      transactionalId: 'wire-txn',
      producerId: p.producerId,
      producerEpoch: p.producerEpoch,
      committed: false,
    });
    assert.equal(aborted.errorCode, 0);
    const after = (await client.request(Fetch, 11, fetchBody(1, 1))).responses[0].partitions[0];
    assert.equal(after.lastStableOffset, 5n, 'the ABORT marker at offset 4 ends the transaction');
    assert.deepEqual(after.abortedTransactions, [{ producerId: p.producerId, firstOffset: 0n }]);
    assert.ok(after.records.length > 0);
    assert.equal((await listOffsets(1, 1)).latest, 5n);
  });

  it('writes markers for WriteTxnMarkers, with Kafka’s errors for bad ones', async () => {
    const marker = (producerId: bigint, producerEpoch: number, topic: string, partition: number) => ({
      markers: [
        {
          producerId,
          producerEpoch,
          transactionResult: true,
          topics: [{ name: topic, partitionIndexes: [partition] }],
          coordinatorEpoch: 0,
        },
      ],
    });
    const errorOf = (res: any) => res.markers[0].topics[0].partitions[0].errorCode;
    // A producer the partition has no record of: written, nothing changes (as in Kafka).
    assert.equal(errorOf(await client.request(WriteTxnMarkers, 1, marker(424_242n, 0, TOPIC, 2))), 0);
    assert.equal(
      errorOf(await client.request(WriteTxnMarkers, 1, marker(1n, 0, 'no-such-topic', 0))),
      code('UNKNOWN_TOPIC_OR_PARTITION'),
    );
    await client.request(Produce, 7, produce(producerBatch(55n, 3, 0, 1), 3));
    assert.equal(
      errorOf(await client.request(WriteTxnMarkers, 1, marker(55n, 2, TOPIC, 3))),
      code('INVALID_PRODUCER_EPOCH'),
    );
  });
});
