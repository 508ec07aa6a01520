/**
 * Writes Kafka's primitive types into one growing Buffer, big-endian.
 *
 * One buffer, grown by doubling, rather than a size pass followed by a write pass: the schema walk is
 * the expensive part of encoding small messages, and for record-heavy messages (Produce, Fetch) each
 * records Buffer is copied in once, with amortised growth costing at most one more copy of what was
 * already written. `bench/codec.ts` measures it: a ProduceRequest with a 16 KiB records buffer encodes
 * at ~270k/s on a 2-core machine where a bare 16 KiB allocate-and-copy runs at ~370k/s, so the schema
 * walk and growth add little over the one copy that cannot be avoided. Size prefixes are written by
 * reserving the slot and patching it afterwards (`reserveInt32` / `patchInt32`).
 *
 * A gathering writer (`Writer.gathering()`, for response frames) does not copy large record buffers
 * at all: `bulk` keeps a reference and `chunks()` hands the frame out as the pieces between them
 * and the buffers themselves, which the socket writes back to back in one writev. A fetch response
 * of a megabyte of records then costs no allocation and no copy beyond the kernel's.
 */
export class Writer {
  buf: Buffer;
  /** Bytes in `buf`; `length` also counts the buffers `bulk` referenced. */
  offset = 0;
  /** Buffers referenced by `bulk`, each at the `buf` position it follows. */
  private spliced: { at: number; buffer: Buffer }[] | undefined;
  private splicedBytes = 0;

  constructor(
    initialCapacity = 256,
    /** Smallest buffer `bulk` references instead of copying; Infinity: always copy. */
    private readonly spliceMinBytes = Number.POSITIVE_INFINITY,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialCapacity));
  }

  /** A writer whose `bulk` references buffers of 8 KiB and more instead of copying them. */
  static gathering(initialCapacity = 256): Writer {
    return new Writer(initialCapacity, SPLICE_MIN_BYTES);
  }

  /** True when `bulk` references large buffers instead of copying them. */
  get gathers(): boolean {
    return this.spliceMinBytes !== Number.POSITIVE_INFINITY;
  }

  /** Bytes written so far, referenced buffers included. */
  get length(): number {
    return this.offset + this.splicedBytes;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.offset + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.offset);
    this.buf = next;
  }

  /** The bytes written so far: a view of the internal buffer, valid until the next write. */
  finish(): Buffer {
    if (this.spliced) return Buffer.concat(this.chunks() as Buffer[], this.length);
    return this.buf.subarray(0, this.offset);
  }

  /** The bytes written so far as one buffer, or as pieces to write back to back when `bulk` referenced any. */
  chunks(): Buffer | Buffer[] {
    if (!this.spliced) return this.buf.subarray(0, this.offset);
    const out: Buffer[] = [];
    let from = 0;
    for (const { at, buffer } of this.spliced) {
      if (at > from) out.push(this.buf.subarray(from, at));
      out.push(buffer);
      from = at;
    }
    if (this.offset > from) out.push(this.buf.subarray(from, this.offset));
    return out;
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf[this.offset++] = v & 0xff;
    return this;
  }

  bool(v: boolean): this {
    this.ensure(1);
    this.buf[this.offset++] = v ? 1 : 0;
    return this;
  }

  int16(v: number): this {
    this.ensure(2);
    this.offset = this.buf.writeInt16BE(v, this.offset);
    return this;
  }

  uint16(v: number): this {
    this.ensure(2);
    this.offset = this.buf.writeUInt16BE(v, this.offset);
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.offset = this.buf.writeInt32BE(v, this.offset);
    return this;
  }

  uint32(v: number): this {
    this.ensure(4);
    this.offset = this.buf.writeUInt32BE(v, this.offset);
    return this;
  }

  int64(v: bigint): this {
    this.ensure(8);
    this.offset = this.buf.writeBigInt64BE(v, this.offset);
    return this;
  }

  float64(v: number): this {
    this.ensure(8);
    this.offset = this.buf.writeDoubleBE(v, this.offset);
    return this;
  }

  /** UNSIGNED_VARINT of a value in [0, 2^32). */
  uvarint(v: number): this {
    this.ensure(5);
    const buf = this.buf;
    let pos = this.offset;
    v >>>= 0;
    while (v > 0x7f) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.offset = pos;
    return this;
  }

  /** VARINT: zig-zag encoded int32. */
  varint(v: number): this {
    return this.uvarint((v << 1) ^ (v >> 31));
  }

  /** VARLONG: zig-zag encoded int64. */
  varlong(v: bigint): this {
    this.ensure(10);
    const buf = this.buf;
    let pos = this.offset;
    if (v >= -0x8000000000n && v < 0x8000000000n) {
      // |v| < 2^39: the zig-zag value stays below 2^40, exact in a double.
      const n = Number(v);
      let u = n >= 0 ? n * 2 : -n * 2 - 1;
      while (u > 0x7f) {
        buf[pos++] = (u % 128) | 0x80;
        u = Math.floor(u / 128);
      }
      buf[pos++] = u;
    } else {
      let u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
      while (u > 0x7fn) {
        buf[pos++] = Number(u & 0x7fn) | 0x80;
        u >>= 7n;
      }
      buf[pos++] = Number(u);
    }
    this.offset = pos;
    return this;
  }

  /** UUID: exactly 16 bytes. */
  uuid(v: Buffer): this {
    if (v.length !== 16) throw new RangeError(`A UUID is 16 bytes, got ${v.length}`);
    return this.raw(v);
  }

  /**
   * Raw bytes that may be large (records): referenced, not copied, by a gathering writer, so `v`
   * must not change until the output has been written out.
   */
  bulk(v: Buffer): this {
    if (v.length < this.spliceMinBytes) return this.raw(v);
    (this.spliced ??= []).push({ at: this.offset, buffer: v });
    this.splicedBytes += v.length;
    return this;
  }

  /** Raw bytes, no length prefix. */
  raw(v: Buffer): this {
    const n = v.length;
    this.ensure(n);
    v.copy(this.buf, this.offset);
    this.offset += n;
    return this;
  }

  /**
   * Writes the UTF-8 bytes of `s` at the current offset behind a length prefix written by `prefix`.
   * Short ASCII strings (topic names, client ids) take a byte loop that skips Buffer.byteLength.
   */
  private utf8(s: string, prefix: (w: Writer, n: number) => void): this {
    const len = s.length;
    if (len < 128) {
      let ascii = true;
      for (let i = 0; i < len; i++) {
        if (s.charCodeAt(i) > 0x7f) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        prefix(this, len);
        this.ensure(len);
        const buf = this.buf;
        let pos = this.offset;
        for (let i = 0; i < len; i++) buf[pos++] = s.charCodeAt(i);
        this.offset = pos;
        return this;
      }
    }
    const n = Buffer.byteLength(s, 'utf8');
    prefix(this, n);
    this.ensure(n);
    this.offset += this.buf.write(s, this.offset, n, 'utf8');
    return this;
  }

  /** STRING: int16 length, then UTF-8. */
  string(s: string): this {
    return this.utf8(s, int16Prefix);
  }

  nullableString(s: string | null): this {
    return s === null ? this.int16(-1) : this.utf8(s, int16Prefix);
  }

  /** COMPACT_STRING: unsigned varint length+1, then UTF-8. */
  compactString(s: string): this {
    return this.utf8(s, compactPrefix);
  }

  compactNullableString(s: string | null): this {
    return s === null ? this.uvarint(0) : this.utf8(s, compactPrefix);
  }

  /** BYTES: int32 length, then the bytes. */
  bytes(b: Buffer): this {
    return this.int32(b.length).raw(b);
  }

  nullableBytes(b: Buffer | null): this {
    return b === null ? this.int32(-1) : this.int32(b.length).raw(b);
  }

  compactBytes(b: Buffer): this {
    return this.uvarint(b.length + 1).raw(b);
  }

  compactNullableBytes(b: Buffer | null): this {
    return b === null ? this.uvarint(0) : this.uvarint(b.length + 1).raw(b);
  }

  /** ARRAY length: int32, -1 for null. */
  arrayLength(n: number): this {
    return this.int32(n);
  }

  /** COMPACT_ARRAY length: unsigned varint N+1, 0 for null (pass -1). */
  compactArrayLength(n: number): this {
    return this.uvarint(n + 1);
  }

  /** An empty tagged-field section (KIP-482): a zero count. */
  emptyTaggedFields(): this {
    this.ensure(1);
    this.buf[this.offset++] = 0;
    return this;
  }

  /** Reserves an int32 slot (for a size prefix) and returns its position for `patchInt32`. */
  reserveInt32(): number {
    this.ensure(4);
    const at = this.offset;
    this.offset += 4;
    return at;
  }

  patchInt32(at: number, v: number): void {
    this.buf.writeInt32BE(v, at);
  }
}

/** Below this a copy into the frame is cheaper than one more piece for the socket's writev. */
const SPLICE_MIN_BYTES = 8192;

function int16Prefix(w: Writer, n: number): void {
  if (n > 0x7fff) throw new RangeError(`String of ${n} bytes exceeds the int16 length limit`);
  w.int16(n);
}

function compactPrefix(w: Writer, n: number): void {
  w.uvarint(n + 1);
}

/** Size in bytes of `v` as an unsigned varint. */
export function uvarintSize(v: number): number {
  v >>>= 0;
  let n = 1;
  while (v > 0x7f) {
    v >>>= 7;
    n++;
  }
  return n;
}
