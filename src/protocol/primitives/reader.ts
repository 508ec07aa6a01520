import { SamsaError } from '../../util/errors.js';

/**
 * A malformed frame: a read past the end, a negative length other than the -1 that means null, an
 * overlong varint. The broker answers such a request as Kafka does (INVALID_REQUEST, or it closes
 * the connection); it never surfaces as a RangeError.
 */
export class ProtocolDecodeError extends SamsaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_REQUEST', message, options);
  }
}

/**
 * Reads Kafka's primitive types (https://kafka.apache.org/protocol#protocol_types) from a Buffer,
 * big-endian, advancing `offset`. Every read is bounds-checked against `end` first. Strings are
 * decoded; bytes and records are returned as slices of the underlying Buffer (no copy), so they stay
 * valid only as long as the frame they came from is not reused.
 */
export class Reader {
  readonly buf: Buffer;
  offset: number;
  readonly end: number;

  constructor(buf: Buffer, offset = 0, end = buf.length) {
    if (offset < 0 || end > buf.length || offset > end) {
      throw new ProtocolDecodeError(`Invalid reader bounds [${offset}, ${end}) over ${buf.length} bytes`);
    }
    this.buf = buf;
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  /** Throws unless `n` more bytes are available. */
  ensure(n: number): void {
    if (n > this.end - this.offset) {
      throw new ProtocolDecodeError(
        `Truncated message: need ${n} bytes at offset ${this.offset}, ${this.end - this.offset} left`,
      );
    }
  }

  skip(n: number): void {
    if (n < 0) throw new ProtocolDecodeError(`Cannot skip ${n} bytes`);
    this.ensure(n);
    this.offset += n;
  }

  int8(): number {
    this.ensure(1);
    return this.buf.readInt8(this.offset++);
  }

  uint8(): number {
    this.ensure(1);
    return this.buf[this.offset++]!;
  }

  bool(): boolean {
    this.ensure(1);
    return this.buf[this.offset++] !== 0;
  }

  int16(): number {
    this.ensure(2);
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  uint16(): number {
    this.ensure(2);
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    this.ensure(4);
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  uint32(): number {
    this.ensure(4);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  int64(): bigint {
    this.ensure(8);
    const v = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  float64(): number {
    this.ensure(8);
    const v = this.buf.readDoubleBE(this.offset);
    this.offset += 8;
    return v;
  }

  /** UNSIGNED_VARINT: at most 5 bytes, value in [0, 2^32) (ByteUtils.readUnsignedVarint). */
  uvarint(): number {
    const buf = this.buf;
    let value = 0;
    let shift = 0;
    let pos = this.offset;
    for (;;) {
      if (pos >= this.end) throw new ProtocolDecodeError(`Truncated varint at offset ${this.offset}`);
      const b = buf[pos++]!;
      if (shift === 28) {
        // Fifth byte: it must end the varint; bits beyond 32 are dropped, as ByteUtils does.
        if (b & 0x80) throw new ProtocolDecodeError(`Varint too long at offset ${this.offset}`);
        value += (b & 0x0f) * 0x10000000;
        break;
      }
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
    }
    this.offset = pos;
    return value;
  }

  /** VARINT: zig-zag encoded int32. */
  varint(): number {
    const u = this.uvarint();
    return (u >>> 1) ^ -(u & 1);
  }

  /** VARLONG: zig-zag encoded int64, at most 10 bytes. */
  varlong(): bigint {
    const buf = this.buf;
    const start = this.offset;
    let pos = start;
    // Up to 7 bytes (49 bits) accumulate exactly in a double; longer values switch to bigint.
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      if (pos >= this.end) throw new ProtocolDecodeError(`Truncated varlong at offset ${start}`);
      const b = buf[pos++]!;
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        this.offset = pos;
        return BigInt(value % 2 === 0 ? value / 2 : -(value + 1) / 2);
      }
      scale *= 128;
    }
    let big = BigInt(value);
    let shift = 49n;
    for (let i = 7; ; i++) {
      if (i >= 10) throw new ProtocolDecodeError(`Varlong too long at offset ${start}`);
      if (pos >= this.end) throw new ProtocolDecodeError(`Truncated varlong at offset ${start}`);
      const b = buf[pos++]!;
      big |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7n;
    }
    this.offset = pos;
    big = BigInt.asUintN(64, big);
    return BigInt.asIntN(64, (big >> 1n) ^ -(big & 1n));
  }

  /** UUID: 16 bytes, returned as a slice. */
  uuid(): Buffer {
    return this.slice(16);
  }

  /** `n` raw bytes as a slice of the underlying buffer. */
  slice(n: number): Buffer {
    this.ensure(n);
    const s = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return s;
  }

  private utf8(n: number): string {
    this.ensure(n);
    const s = this.buf.toString('utf8', this.offset, this.offset + n);
    this.offset += n;
    return s;
  }

  /** STRING: int16 length, then UTF-8 bytes. */
  string(): string {
    const n = this.int16();
    if (n < 0) throw new ProtocolDecodeError(`Negative string length ${n} for a non-nullable string`);
    return this.utf8(n);
  }

  /** NULLABLE_STRING: length -1 is null. */
  nullableString(): string | null {
    const n = this.int16();
    if (n === -1) return null;
    if (n < 0) throw new ProtocolDecodeError(`Invalid string length ${n}`);
    return this.utf8(n);
  }

  /** COMPACT_STRING: unsigned varint length+1, then UTF-8 bytes. */
  compactString(): string {
    const n = this.uvarint() - 1;
    if (n < 0) throw new ProtocolDecodeError('Null compact string for a non-nullable string');
    return this.utf8(n);
  }

  /** COMPACT_NULLABLE_STRING: length+1 of 0 is null. */
  compactNullableString(): string | null {
    const n = this.uvarint() - 1;
    return n < 0 ? null : this.utf8(n);
  }

  /** BYTES: int32 length, then the bytes (a slice). */
  bytes(): Buffer {
    const n = this.int32();
    if (n < 0) throw new ProtocolDecodeError(`Negative bytes length ${n} for non-nullable bytes`);
    return this.slice(n);
  }

  nullableBytes(): Buffer | null {
    const n = this.int32();
    if (n === -1) return null;
    if (n < 0) throw new ProtocolDecodeError(`Invalid bytes length ${n}`);
    return this.slice(n);
  }

  compactBytes(): Buffer {
    const n = this.uvarint() - 1;
    if (n < 0) throw new ProtocolDecodeError('Null compact bytes for non-nullable bytes');
    return this.slice(n);
  }

  compactNullableBytes(): Buffer | null {
    const n = this.uvarint() - 1;
    return n < 0 ? null : this.slice(n);
  }

  /**
   * ARRAY length: int32, -1 is null (returned as -1). A count larger than the bytes left cannot be
   * honest (every element takes at least a byte in practice), so it is rejected before any
   * allocation, as Kafka's ArrayOf does.
   */
  arrayLength(): number {
    const n = this.int32();
    if (n < -1) throw new ProtocolDecodeError(`Invalid array length ${n}`);
    if (n > this.end - this.offset) {
      throw new ProtocolDecodeError(`Array of ${n} elements but only ${this.end - this.offset} bytes left`);
    }
    return n;
  }

  /** COMPACT_ARRAY length: unsigned varint N+1, 0 is null (returned as -1). */
  compactArrayLength(): number {
    const n = this.uvarint() - 1;
    if (n > this.end - this.offset) {
      throw new ProtocolDecodeError(`Array of ${n} elements but only ${this.end - this.offset} bytes left`);
    }
    return n;
  }

  /** Skips a whole tagged-field section (KIP-482): count, then (tag, size, bytes) per field. */
  skipTaggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.skip(this.uvarint());
    }
  }
}
