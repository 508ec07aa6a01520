/**
 * JSON output for `--format json`. Offsets and timestamps are bigints inside Samsa; they are printed
 * as JSON numbers while exact (|n| < 2^53, which covers every real offset) and as strings beyond.
 */

export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, jsonReplacer, indent);
}

/** One value per line (JSON Lines), for streams such as `samsa consume --format json`. */
export function jsonLine(value: unknown): string {
  return `${toJson(value)}\n`;
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  // Buffers reach the replacer already converted by their toJSON().
  if (isSerializedBuffer(value)) return Buffer.from(value.data).toString('utf8');
  return value;
}

function isSerializedBuffer(value: unknown): value is { type: 'Buffer'; data: number[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  );
}
