/**
 * The OPT record of an answer, byte by byte: its EDE and NSID options, and
 * what a server gets wrong in it, which must never cost the answer itself.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeResponse, encodeQuery } from '../../lib/dns/wire/message.ts';

const question = { name: 'www.example.com', type: 1 };

/** The query turned into its answer: QR set, one A record, and an OPT carrying `options` (its RDLENGTH may lie). */
function answerWith(options: Buffer, rdlength = options.length): Buffer {
  const query = encodeQuery(question, { id: 0x1234, edns: false });
  const header = Buffer.from(query.subarray(0, 12));
  header.writeUInt16BE(0x8180, 2); // QR, RD, RA
  header.writeUInt16BE(1, 6); // ANCOUNT
  header.writeUInt16BE(1, 10); // ARCOUNT
  const answer = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 192, 0, 2, 1]);
  const opt = Buffer.alloc(11);
  opt.writeUInt16BE(41, 1);
  opt.writeUInt16BE(1232, 3);
  opt.writeUInt16BE(rdlength, 9);
  return Buffer.concat([header, query.subarray(12), answer, opt, options]);
}

function option(code: number, data: Buffer, length = data.length): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(code, 0);
  head.writeUInt16BE(length, 2);
  return Buffer.concat([head, data]);
}

const ede = (code: number, text: string) => option(15, Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(text)]));

describe('decodeResponse reads the OPT record', () => {
  it('reads every EDE in order, its text without trailing NULs, and the NSID', () => {
    const decoded = decodeResponse(answerWith(Buffer.concat([ede(3, 'stale\0'), ede(16, 'by order of'), option(3, Buffer.from('fra1'))])));
    assert.deepEqual(decoded.extendedErrors, [
      { code: 3, text: 'stale' },
      { code: 16, text: 'by order of' },
    ]);
    assert.equal(Buffer.from(decoded.nsid!).toString(), 'fra1');
    assert.equal(decoded.answers.length, 1);
  });

  it('keeps the answer when an option claims more bytes than the OPT holds', () => {
    const decoded = decodeResponse(answerWith(Buffer.concat([ede(6, 'ok'), option(15, Buffer.from([0, 3, 65]), 40)])));
    assert.deepEqual(decoded.extendedErrors, [{ code: 6, text: 'ok' }]);
    assert.equal(decoded.answers.length, 1);
  });

  it('keeps the answer when the OPT record runs past the end of the message', () => {
    const decoded = decodeResponse(answerWith(option(3, Buffer.from('x')), 200));
    assert.equal(decoded.answers.length, 1);
    assert.equal(decoded.rcode, 0);
  });
});

describe('encodeQuery', () => {
  it('asks for the NSID with an empty option, only when told', () => {
    const plain = encodeQuery(question, { id: 1, edns: true });
    const withNsid = encodeQuery({ ...question, options: { nsid: true } }, { id: 1, edns: true });
    assert.equal(withNsid.length - plain.length, 4);
    assert.deepEqual([...withNsid.subarray(-4)], [0, 3, 0, 0]);
  });
});
