import { ErrorCode, errorCodeOf } from '../../protocol/errors.js';
import { SamsaError } from '../../util/errors.js';

/** The Kafka error code to answer for an error a service threw. */
export function errorCodeFor(error: unknown): number {
  if (error instanceof SamsaError) return errorCodeOf(error.kafkaError);
  return ErrorCode.UNKNOWN_SERVER_ERROR;
}

/** The message to return beside the code (where the response has an error message field). */
export function errorMessageFor(error: unknown): string | null {
  return error instanceof Error ? error.message : null;
}
