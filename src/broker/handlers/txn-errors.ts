import { errorCodeOf } from '../../protocol/errors.js';

/**
 * The error code of a transaction API answer. Clients that predate PRODUCER_FENCED (KIP-588) get
 * INVALID_PRODUCER_EPOCH, which they handle the same way (KafkaApis does this per API:
 * InitProducerId below v4, AddPartitionsToTxn/AddOffsetsToTxn/EndTxn/TxnOffsetCommit below v2).
 */
export function txnErrorCode(error: string, version: number, fencedFromVersion: number): number {
  if (error === 'PRODUCER_FENCED' && version < fencedFromVersion)
    return errorCodeOf('INVALID_PRODUCER_EPOCH');
  return errorCodeOf(error);
}
