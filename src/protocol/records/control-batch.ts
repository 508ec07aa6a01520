import { InvalidRecordError } from '../../util/errors.js';
import { computeAttributes, NO_SEQUENCE, type RecordBatchView } from './record-batch.js';
import { decodeRecords, encodeRecordBatch } from './records.js';

/**
 * Control batches: transaction markers written by the broker, never by clients (Kafka's
 * `ControlRecordType`, `EndTransactionMarker`, `MemoryRecords.withEndTransactionMarker`).
 *
 * A marker is a v2 batch with the transactional and control attribute bits set, the producer id
 * and epoch of the transaction it ends, baseSequence -1, and exactly one record:
 * ```
 * key   => version int16 (0), type int16 (0 = ABORT, 1 = COMMIT)
 * value => version int16 (0), coordinatorEpoch int32
 * ```
 */

export enum ControlRecordType {
  ABORT = 0,
  COMMIT = 1,
}

export const CONTROL_RECORD_KEY_VERSION = 0;
export const END_TXN_MARKER_VALUE_VERSION = 0;

export interface EndTransactionMarker {
  readonly type: ControlRecordType.ABORT | ControlRecordType.COMMIT;
  readonly coordinatorEpoch: number;
}

export function encodeControlRecordKey(type: ControlRecordType): Buffer {
  const key = Buffer.allocUnsafe(4);
  key.writeInt16BE(CONTROL_RECORD_KEY_VERSION, 0);
  key.writeInt16BE(type, 2);
  return key;
}

export function encodeEndTxnMarkerValue(coordinatorEpoch: number): Buffer {
  const value = Buffer.allocUnsafe(6);
  value.writeInt16BE(END_TXN_MARKER_VALUE_VERSION, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return value;
}

/** One end-transaction marker batch (base offset 0; the log assigns the real one). */
export function encodeEndTxnMarkerBatch(options: {
  producerId: bigint;
  producerEpoch: number;
  marker: EndTransactionMarker;
  timestampMs: bigint;
  partitionLeaderEpoch?: number;
}): Buffer {
  return encodeRecordBatch(
    [
      {
        key: encodeControlRecordKey(options.marker.type),
        value: encodeEndTxnMarkerValue(options.marker.coordinatorEpoch),
        headers: [],
        timestamp: options.timestampMs,
      },
    ],
    {
      attributes: computeAttributes({ transactional: true, control: true }),
      producerId: options.producerId,
      producerEpoch: options.producerEpoch,
      baseSequence: NO_SEQUENCE,
      partitionLeaderEpoch: options.partitionLeaderEpoch ?? 0,
    },
  );
}

/** The end-transaction marker in a control batch, or null for other control records. */
export function decodeEndTxnMarker(batch: RecordBatchView): EndTransactionMarker | null {
  const records = decodeRecords(batch.buffer, batch.position);
  const record = records[0];
  if (record === undefined || record.key === null || record.key.length < 4) {
    throw new InvalidRecordError('control record without a valid key');
  }
  const type = record.key.readInt16BE(2);
  if (type !== ControlRecordType.ABORT && type !== ControlRecordType.COMMIT) return null;
  if (record.value === null || record.value.length < 6) {
    throw new InvalidRecordError('end transaction marker without a valid value');
  }
  return { type, coordinatorEpoch: record.value.readInt32BE(2) };
}
