import { ByteReader } from '../../net/byte-reader.ts';

/**
 * Reads a DNS message byte by byte. dns2's own decoder joins labels and TXT
 * strings into plain strings (losing dots inside labels and string
 * boundaries) and drops records it fails to parse; a looking glass must show
 * exactly what the server sent, so RDATA is read here.
 */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

/** A reader of a DNS message: the byte reads of ByteReader, then character-strings and compressed names. */
export class WireReader extends ByteReader {
  /** A reader over the next `length` bytes, sharing the message for compression pointers. */
  window(length: number): WireReader {
    const end = this.limit(length);
    const sub = new WireReader(this.data, this.offset, end);
    this.offset = end;
    return sub;
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
      if (position >= this.data.length) throw new MalformedMessageError('name runs past the end of the message');
      const length = this.data[position];
      if (length === 0) {
        if (!jumped) this.offset = position + 1;
        return labels;
      }
      if ((length & 0xc0) === 0xc0) {
        if (hops > 127) throw new MalformedMessageError('compression pointer loop');
        if (position + 1 >= this.data.length) throw new MalformedMessageError('truncated compression pointer');
        const target = ((length & 0x3f) << 8) | this.data[position + 1];
        if (!jumped) this.offset = position + 2;
        jumped = true;
        position = target;
        continue;
      }
      if (length & 0xc0) throw new MalformedMessageError(`unknown label type 0x${length.toString(16)}`);
      octets += length + 1;
      if (octets > 255) throw new MalformedMessageError('name longer than 255 octets');
      if (position + 1 + length > this.data.length) throw new MalformedMessageError('label runs past the end of the message');
      labels.push(this.data.subarray(position + 1, position + 1 + length));
      position += 1 + length;
    }
  }

  protected override overrun(): Error {
    return new MalformedMessageError('record data shorter than its fields');
  }
}
