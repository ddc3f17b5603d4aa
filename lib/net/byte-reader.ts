/**
 * Bounds-checked big-endian reads from a buffer, from `offset` up to `end`:
 * DNS messages (dns/wire/reader.ts) and MRT records (bgp/mrt-parser.ts) are
 * read with it. A read that would pass `end` reads nothing and throws a
 * ByteOverrunError, or the error that a subclass's `overrun` makes, so each
 * format reports a short field in its own terms.
 */

/** A read wanted more bytes than are left before the end. */
export class ByteOverrunError extends Error {
  override readonly name = 'ByteOverrunError';

  constructor(
    readonly offset: number,
    readonly wanted: number,
    readonly end: number,
  ) {
    super(`${wanted} bytes wanted at offset ${offset}, ${end - offset} left`);
  }
}

const EMPTY = Buffer.alloc(0);

/** The big-endian 32-bit word at `data[at]`, unchecked: for loops that checked their bounds once (an MRT entry's AS_PATH). */
export function bigEndianU32(data: Uint8Array, at: number): number {
  return ((data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!) >>> 0;
}

export class ByteReader {
  constructor(
    public data: Buffer = EMPTY,
    public offset = 0,
    public end = data.length,
  ) {}

  /** Reads `data[offset, end)` from now on; one reader serves many records without allocating. */
  reset(data: Buffer, offset: number, end: number): void {
    this.data = data;
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  u8(): number {
    this.need(1);
    return this.data[this.offset++]!;
  }

  u16(): number {
    this.need(2);
    const value = this.data.readUInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.data.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  /** The next `length` bytes, as a view of the buffer (not a copy). */
  bytes(length: number): Buffer {
    this.need(length);
    const value = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  skip(length: number): void {
    this.need(length);
    this.offset += length;
  }

  /** The offset `length` bytes ahead, checked to lie before the end; nothing is read. */
  limit(length: number): number {
    this.need(length);
    return this.offset + length;
  }

  /** Throws unless `length` more bytes can be read. */
  protected need(length: number): void {
    if (length < 0 || this.offset + length > this.end) throw this.overrun(length);
  }

  /** The error for a read of `length` bytes that would pass the end. */
  protected overrun(length: number): Error {
    return new ByteOverrunError(this.offset, length, this.end);
  }
}
