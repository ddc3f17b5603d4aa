import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataFormatError } from '../../lib/datafile/errors.ts';
import { ByteLineSplitter, TextLineParser } from '../../lib/datafile/stream-parser.ts';

/** Longer than the splitter's first carry buffer (256 bytes), as a RIB line with a long path and communities is. */
const LONG = `long|${'64496 '.repeat(100)}|é`;
const TEXT = `% a comment\r\nfirst|café 🛰\r\n\r\n \t\v\n# another\n${LONG}\nsecond\n\u00a0\nlast without a newline`;

/** Feeds `bytes` cut at `cut` (and at every later multiple of it). */
function feed(parser: ByteLineSplitter, bytes: Buffer, cut: number): void {
  for (let at = 0; at < bytes.length; at += cut) parser.push(bytes.subarray(at, at + cut));
  parser.end();
}

describe('line splitting', () => {
  it('gives the same lines wherever the chunks end: comments, blank lines and carriage returns left out, no character cut', () => {
    const bytes = Buffer.from(TEXT);
    for (let cut = 1; cut <= bytes.length; cut++) {
      const texts: string[] = [];
      feed(new TextLineParser({ dataTime: undefined, parseLine: (line) => void texts.push(line) }), bytes, cut);
      assert.deepEqual(texts, ['first|café 🛰', LONG, 'second', 'last without a newline'], `chunks of ${cut} bytes`);
      const byteLines: string[] = [];
      feed(new ByteLineSplitter({ dataTime: undefined, parseLine: (data, start, end) => void byteLines.push(data.toString('utf8', start, end)) }), bytes, cut);
      // A line blank only in Unicode's sense (a no-break space) is a line to a parser of bytes.
      assert.deepEqual(byteLines, ['first|café 🛰', LONG, 'second', '\u00a0', 'last without a newline'], `chunks of ${cut} bytes`);
    }
  });

  it('tells a line parser’s error which line it is, comments and blank lines counted', () => {
    const parser = new TextLineParser({
      dataTime: undefined,
      parseLine: (line) => {
        if (line === 'second') throw new DataFormatError('not this one');
      },
    });
    assert.throws(
      () => feed(parser, Buffer.from(TEXT), 5),
      (error: unknown) => error instanceof DataFormatError && error.reason === 'not this one' && error.position.line === 7,
    );
  });

  it('refuses a line longer than a mebibyte, whether it comes in one chunk or in many, without holding the rest of the file', () => {
    const whole = new ByteLineSplitter({ dataTime: undefined, parseLine: () => undefined });
    assert.throws(
      () => whole.push(Buffer.concat([Buffer.from('a short line\n'), Buffer.alloc(1024 * 1024 + 1, 0x41), Buffer.from('\n')])),
      (error: unknown) => error instanceof DataFormatError && /longer than 1048576 bytes/.test(error.reason) && error.position.line === 2,
    );
    const parser = new ByteLineSplitter({ dataTime: undefined, parseLine: () => undefined });
    parser.push(Buffer.from('a short line\n'));
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    assert.throws(
      () => {
        for (let i = 0; i < 1000; i++) parser.push(chunk);
      },
      (error: unknown) => error instanceof DataFormatError && /longer than 1048576 bytes/.test(error.reason) && error.position.line === 2,
    );
  });
});
