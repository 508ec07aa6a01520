import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ErrorCode,
  errorCodeOf,
  errorMessageOf,
  errorNameOf,
  isRetriableError,
  KAFKA_ERRORS,
} from '../../src/protocol/errors.js';
import * as serviceErrors from '../../src/util/errors.js';

test('codes match Kafka Errors.java for the errors clients branch on', () => {
  assert.equal(ErrorCode.UNKNOWN_SERVER_ERROR, -1);
  assert.equal(ErrorCode.NONE, 0);
  assert.equal(ErrorCode.OFFSET_OUT_OF_RANGE, 1);
  assert.equal(ErrorCode.CORRUPT_MESSAGE, 2);
  assert.equal(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 3);
  assert.equal(ErrorCode.NOT_LEADER_OR_FOLLOWER, 6);
  assert.equal(ErrorCode.NOT_COORDINATOR, 16);
  assert.equal(ErrorCode.REBALANCE_IN_PROGRESS, 27);
  assert.equal(ErrorCode.UNSUPPORTED_VERSION, 35);
  assert.equal(ErrorCode.TOPIC_ALREADY_EXISTS, 36);
  assert.equal(ErrorCode.INVALID_REQUEST, 42);
  assert.equal(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 45);
  assert.equal(ErrorCode.KAFKA_STORAGE_ERROR, 56);
  assert.equal(ErrorCode.SASL_AUTHENTICATION_FAILED, 58);
  assert.equal(ErrorCode.MEMBER_ID_REQUIRED, 79);
  assert.equal(ErrorCode.INVALID_RECORD, 87);
  assert.equal(ErrorCode.PRODUCER_FENCED, 90);
  assert.equal(ErrorCode.UNKNOWN_TOPIC_ID, 100);
  assert.equal(ErrorCode.TRANSACTION_ABORTABLE, 120);
});

test('the table covers -1..127 with unique codes and names', () => {
  const codes = KAFKA_ERRORS.map((e) => e.code);
  assert.deepEqual(
    codes,
    Array.from({ length: 129 }, (_, i) => i - 1),
  );
  assert.equal(new Set(KAFKA_ERRORS.map((e) => e.name)).size, KAFKA_ERRORS.length);
});

test('lookups by name and code', () => {
  assert.equal(errorCodeOf('UNKNOWN_TOPIC_OR_PARTITION'), 3);
  assert.equal(errorCodeOf('NOT_LEADER_FOR_PARTITION'), 6, 'the pre-2.7 name of code 6');
  assert.equal(errorCodeOf('NO_SUCH_ERROR'), -1);
  assert.equal(errorNameOf(6), 'NOT_LEADER_OR_FOLLOWER');
  assert.equal(errorNameOf(9999), 'UNKNOWN_ERROR_CODE_9999');
  assert.equal(errorMessageOf(0), '');
  assert.equal(errorMessageOf(7), 'The request timed out.');
  assert.equal(isRetriableError(6), true);
  assert.equal(isRetriableError(36), false);
  assert.equal(isRetriableError(9999), false);
});

test('every error name services throw maps to a Kafka code', () => {
  for (const [name, ctor] of Object.entries(serviceErrors)) {
    if (name === 'SamsaError' || typeof ctor !== 'function') continue;
    const err = new (ctor as new (m: string) => serviceErrors.SamsaError)('x');
    assert.notEqual(errorCodeOf(err.kafkaError), -1, `${name} → ${err.kafkaError}`);
  }
});
