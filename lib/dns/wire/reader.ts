/**
 * Reads a DNS message byte by byte. dns2's own decoder joins labels and TXT
 * strings into plain strings (losing dots inside labels and string
 * boundaries) and drops records it fails to parse; a looking glass must show
 * exactly what the server sent, so RDATA is read here.
 */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

export class WireReader {
  constructor(
    readonly message: Buffer,
    public offset = 0,
    private readonly end = message.length,
  ) {}

  get remaining(): number {
    return this.end - this.offset;
  }

  /** A reader over the next `length` bytes, sharing the message for compression pointers. */
  window(length: number): WireReader {
    this.need(length);
    const sub = new WireReader(this.message, this.offset, this.offset + length);
    this.offset += length;
    return sub;
  }

  u8(): number {
    this.need(1);
    return this.message[this.offset++];
  }

  u16(): number {
    this.need(2);
    const value = this.message.readUInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.message.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  bytes(length: number): Buffer {
    this.need(length);
    const value = this.message.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  rest(): Buffer {
    return this.bytes(this.remaining);
  }

  /** A <character-string>: one length octet, then that many octets. */
  characterString(): Buffer {
    return this.bytes(this.u8());
  }

  /** A domain name, following compression pointers; labels stay raw bytes. */
  name(): Buffer[] {
    const labels: Buffer[] = [];
    let position = this.offset;
    let jumped = false;
    let octets = 1;
    for (let hops = 0; ; hops++) {
      if (position >= this.message.length) throw new MalformedMessageError('name runs past the end of the message');
      const length = this.message[position];
      if (length === 0) {
        if (!jumped) this.offset = position + 1;
        return labels;
      }
      if ((length & 0xc0) === 0xc0) {
        if (hops > 127) throw new MalformedMessageError('compression pointer loop');
        if (position + 1 >= this.message.length) throw new MalformedMessageError('truncated compression pointer');
        const target = ((length & 0x3f) << 8) | this.message[position + 1];
        if (!jumped) this.offset = position + 2;
        jumped = true;
        position = target;
        continue;
      }
      if (length & 0xc0) throw new MalformedMessageError(`unknown label type 0x${length.toString(16)}`);
      octets += length + 1;
      if (octets > 255) throw new MalformedMessageError('name longer than 255 octets');
      if (position + 1 + length > this.message.length) throw new MalformedMessageError('label runs past the end of the message');
      labels.push(this.message.subarray(position + 1, position + 1 + length));
      position += 1 + length;
    }
  }

  private need(length: number): void {
    if (this.offset + length > this.end) throw new MalformedMessageError('record data shorter than its fields');
  }
}
