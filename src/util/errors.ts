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
