import { ErrorCode, errorCodeOf } from '../../protocol/errors.js';
import { isDiskError } from '../../util/disk-errors.js';
import { SamsaError } from '../../util/errors.js';

/** The Kafka error code to answer for an error a service threw. */
export function errorCodeFor(error: unknown): number {
  if (error instanceof SamsaError) return errorCodeOf(error.kafkaError);
  // A failed read, write, fsync or rename of the data dir (disk full, I/O error, read-only).
  if (isDiskError(error)) return ErrorCode.KAFKA_STORAGE_ERROR;
  return ErrorCode.UNKNOWN_SERVER_ERROR;
}

/** The message to return beside the code (where the response has an error message field). */
export function errorMessageFor(error: unknown): string | null {
  return error instanceof Error ? error.message : null;
}
