/**
 * Errors the client raises. Each is a `SamsaError` carrying a Kafka error name, so callers (the CLI)
 * print `UNKNOWN_TOPIC_OR_PARTITION: ...` whether the broker answered with an error code or the
 * connection failed before it could.
 */
import { errorMessageOf, errorNameOf, isRetriableError } from '../protocol/errors.js';
import { SamsaError } from '../util/errors.js';

/** An error code a broker returned, with where it applies (topic, partition, resource). */
export class KafkaResponseError extends SamsaError {
  readonly errorCode: number;
  readonly retriable: boolean;

  constructor(errorCode: number, message: string) {
    super(errorNameOf(errorCode), message);
    this.errorCode = errorCode;
    this.retriable = isRetriableError(errorCode);
  }
}

/** The socket could not be opened or was closed under an in-flight request (Kafka's NetworkException). */
export class ConnectionError extends SamsaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NETWORK_EXCEPTION', message, options);
  }
}

/** No response within the request timeout; the connection is closed, as Kafka's NetworkClient does. */
export class RequestTimeoutError extends SamsaError {
  constructor(message: string) {
    super('REQUEST_TIMED_OUT', message);
  }
}

/** The broker does not serve an API (or no version both sides know). */
export class UnsupportedApiError extends SamsaError {
  constructor(message: string) {
    super('UNSUPPORTED_VERSION', message);
  }
}

/** Throws a `KafkaResponseError` unless `errorCode` is NONE (0). `where` names the topic/partition. */
export function throwIfError(errorCode: number, where: string, errorMessage?: string | null): void {
  if (errorCode !== 0) throw responseError(errorCode, where, errorMessage);
}

/** The error for a non-zero code, with the broker's message or else Kafka's default one. */
export function responseError(
  errorCode: number,
  where: string,
  errorMessage?: string | null,
): KafkaResponseError {
  const detail = errorMessage || errorMessageOf(errorCode);
  return new KafkaResponseError(errorCode, `${where}: ${detail}`);
}

/** True for errors worth a metadata refresh and a retry (leader moved, topic still being created). */
export function isRetriable(error: unknown): boolean {
  if (error instanceof KafkaResponseError) return error.retriable;
  return error instanceof ConnectionError || error instanceof RequestTimeoutError;
}
