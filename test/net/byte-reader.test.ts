import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteOverrunError, ByteReader } from '../../lib/net/byte-reader.ts';

describe('ByteReader', () => {
  it('reads big-endian fields in order up to the end it was given', () => {
    const reader = new ByteReader(Buffer.from('01020304050607080910ff', 'hex'), 0, 10);
    assert.equal(reader.u8(), 0x01);
    assert.equal(reader.u16(), 0x0203);
    assert.equal(reader.u32(), 0x04050607);
    assert.equal(reader.limit(2), 9);
    assert.deepEqual([...reader.bytes(2)], [0x08, 0x09]);
    reader.skip(1);
    assert.equal(reader.remaining, 0);
  });

  it('throws ByteOverrunError past the end, having read nothing', () => {
    const reader = new ByteReader(Buffer.from('010203', 'hex'), 1, 3);
    assert.throws(() => reader.u32(), { name: 'ByteOverrunError', message: '4 bytes wanted at offset 1, 2 left' });
    assert.throws(() => reader.skip(-1), ByteOverrunError);
    assert.equal(reader.offset, 1);
    assert.equal(reader.u16(), 0x0203);
    assert.throws(() => reader.u8(), ByteOverrunError);
  });

  it('lets a format name its own error', () => {
    class Short extends Error {}
    class FormatReader extends ByteReader {
      protected override overrun(): Error {
        return new Short('field too short');
      }
    }
    assert.throws(() => new FormatReader(Buffer.alloc(1)).u16(), Short);
  });
});
