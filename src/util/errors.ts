/**
 * Errors raised by Samsa's services. Each carries a Kafka error name from `protocol/errors.ts`
 * (e.g. `CORRUPT_MESSAGE`) so a handler can answer a client with the matching code without the
 * service knowing anything about the wire.
 */
export class SamsaError extends Error {
  /** Kafka's error name, as in Errors.java (`OFFSET_OUT_OF_RANGE`, `UNKNOWN_TOPIC_OR_PARTITION`, ...). */
  readonly kafkaError: string;

  constructor(kafkaError: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.kafkaError = kafkaError;
  }
}

export class CorruptRecordError extends SamsaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CORRUPT_MESSAGE', message, options);
  }
}

export class InvalidRecordError extends SamsaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_RECORD', message, options);
  }
}

export class RecordTooLargeError extends SamsaError {
  constructor(message: string) {
    super('MESSAGE_TOO_LARGE', message);
  }
}

export class OffsetOutOfRangeError extends SamsaError {
  constructor(message: string) {
    super('OFFSET_OUT_OF_RANGE', message);
  }
}

export class UnknownTopicOrPartitionError extends SamsaError {
  constructor(message: string) {
    super('UNKNOWN_TOPIC_OR_PARTITION', message);
  }
}

export class InvalidTopicError extends SamsaError {
  constructor(message: string) {
    super('INVALID_TOPIC_EXCEPTION', message);
  }
}

export class TopicExistsError extends SamsaError {
  constructor(message: string) {
    super('TOPIC_ALREADY_EXISTS', message);
  }
}

export class InvalidConfigError extends SamsaError {
  constructor(message: string) {
    super('INVALID_CONFIG', message);
  }
}

export class KafkaStorageError extends SamsaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('KAFKA_STORAGE_ERROR', message, options);
  }
}

/**
 * errno codes of a failed file-system call: the disk is full, read-only or failing, or the data
 * dir is not what it should be. Kafka turns every IOException of a log into KafkaStorageException.
 */
const DISK_ERROR_CODES = new Set([
  'ENOSPC',
  'EDQUOT',
  'EIO',
  'EROFS',
  'EFBIG',
  'EMFILE',
  'ENFILE',
  'ENOENT',
  'ENOTDIR',
  'EISDIR',
  'EACCES',
  'EPERM',
  'EBADF',
  'ESTALE',
]);

/** True for an error thrown by a node:fs call for one of the reasons above. */
export function isDiskError(error: unknown): boolean {
  const e = error as NodeJS.ErrnoException | null;
  return (
    e instanceof Error &&
    typeof e.code === 'string' &&
    typeof e.syscall === 'string' &&
    DISK_ERROR_CODES.has(e.code)
  );
}
