/**
 * The parser side of loading a data file: a parser is fed the (decompressed)
 * bytes of the file chunk by chunk and adds what it reads to a builder, so a
 * file of millions of lines never has to be in memory at once. Text formats
 * share the line splitting here and only parse lines.
 */

import { isAscii } from 'node:buffer';
import { DataFormatError } from './errors.ts';

export interface StreamParser {
  /** Feeds the next chunk; throws DataFormatError at the first bad record. */
  push(chunk: Buffer): void;
  /** Ends the input; throws DataFormatError when it stops inside a record. */
  end(): void;
  /** When the data was taken, for formats that record it. */
  readonly dataTime: Date | undefined;
}

export interface DetectedParser<F> {
  readonly parser: StreamParser;
  readonly format: F;
}

/**
 * Streams `content` through the parser of its format, which `detect` tells
 * from the first bytes: it returns undefined while they are not enough
 * (unless `complete`), and they are held back until it knows. A head of
 * `maxHeadLength` bytes counts as complete. Returns the ended parser.
 */
export async function parseDetectingFormat<F>(
  content: AsyncIterable<Buffer>,
  detect: (head: Buffer, complete: boolean) => F | undefined,
  create: (format: F) => StreamParser,
  maxHeadLength: number,
): Promise<DetectedParser<F>> {
  let head: Buffer = Buffer.alloc(0);
  let started: DetectedParser<F> | undefined;
  const start = (complete: boolean): DetectedParser<F> | undefined => {
    const format = detect(head, complete);
    if (format === undefined) return undefined;
    const parser = create(format);
    parser.push(head);
    return { parser, format };
  };
  for await (const chunk of content) {
    if (started !== undefined) {
      started.parser.push(chunk);
      continue;
    }
    head = Buffer.concat([head, chunk]);
    started = start(head.length >= maxHeadLength);
  }
  // A detector given the complete head decides or throws.
  started ??= start(true)!;
  started.parser.end();
  return started;
}

/** One text format: gets each line that is neither blank nor a comment. */
export interface LineParser {
  /** Throws DataFormatError (without position: the caller adds the line number). */
  parseLine(line: string): void;
  readonly dataTime: Date | undefined;
}

/**
 * One text format that reads its lines as bytes: a RIB's text has tens of
 * millions of lines, and a string made and scanned for each was most of its
 * load. For ASCII formats; the line's bytes are valid until it returns.
 */
export interface ByteLineParser {
  /** Reads the line `data[start, end)`; throws DataFormatError (without position: the caller adds the line number). */
  parseLine(data: Buffer, start: number, end: number): void;
  readonly dataTime: Date | undefined;
}

/** Longer than any line of a text format: a file without newlines is no table, and is not held whole to find out. */
const MAX_LINE_BYTES = 1024 * 1024;
const NEWLINE = 10;
const CARRIAGE_RETURN = 13;

/**
 * Splits bytes into lines for a ByteLineParser: `%` and `#` start comment
 * lines, blank ones are skipped, a `\r` before the newline
 * is no part of the line. A line cut by a chunk's end is carried over.
 */
export class ByteLineSplitter implements StreamParser {
  private carry = Buffer.alloc(256);
  private carried = 0;
  private lineNumber = 0;

  constructor(private readonly lines: ByteLineParser) {}

  get dataTime(): Date | undefined {
    return this.lines.dataTime;
  }

  push(chunk: Buffer): void {
    let start = 0;
    if (this.carried > 0) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline < 0) {
        this.carryOver(chunk, 0);
        return;
      }
      this.carryOver(chunk.subarray(0, newline), 0);
      const length = this.carried;
      this.carried = 0;
      this.line(this.carry, 0, length);
      start = newline + 1;
    }
    for (let newline = chunk.indexOf(NEWLINE, start); newline >= 0; newline = chunk.indexOf(NEWLINE, start)) {
      this.line(chunk, start, newline);
      start = newline + 1;
    }
    if (start < chunk.length) this.carryOver(chunk, start);
  }

  end(): void {
    const length = this.carried;
    this.carried = 0;
    if (length > 0) this.line(this.carry, 0, length);
  }

  private carryOver(bytes: Buffer, from: number): void {
    const length = this.carried + bytes.length - from;
    if (length > MAX_LINE_BYTES) throw tooLong(this.lineNumber + 1);
    if (length > this.carry.length) {
      const carry = Buffer.alloc(Math.max(length, 2 * this.carry.length));
      this.carry.copy(carry, 0, 0, this.carried);
      this.carry = carry;
    }
    bytes.copy(this.carry, this.carried, from);
    this.carried = length;
  }

  private line(data: Buffer, start: number, newline: number): void {
    this.lineNumber++;
    if (newline - start > MAX_LINE_BYTES) throw tooLong(this.lineNumber);
    const end = newline > start && data[newline - 1] === CARRIAGE_RETURN ? newline - 1 : newline;
    const first = data[start];
    if (first === 37 /* % */ || first === 35 /* # */ || isBlankBytes(data, start, end)) return;
    try {
      this.lines.parseLine(data, start, end);
    } catch (error) {
      if (error instanceof DataFormatError) throw new DataFormatError(error.reason, { line: this.lineNumber });
      throw error;
    }
  }
}

/** Gives a LineParser each line as text: UTF-8, decoded a whole line at a time, so no character is cut by a chunk's end. */
export class TextLineParser extends ByteLineSplitter {
  private readonly decoded: DecodedLines;

  constructor(lines: LineParser) {
    const decoded = new DecodedLines(lines);
    super(decoded);
    this.decoded = decoded;
  }

  override push(chunk: Buffer): void {
    this.decoded.startChunk(chunk);
    super.push(chunk);
  }
}

/**
 * Decodes each line for a LineParser. A chunk of ASCII only (nearly every
 * chunk of a table) becomes one string, and its lines slices of it: a
 * string decoded for each of a million short lines cost a tenth more.
 */
class DecodedLines implements ByteLineParser {
  private chunk: Buffer | undefined;
  private chunkText = '';

  constructor(private readonly lines: LineParser) {}

  get dataTime(): Date | undefined {
    return this.lines.dataTime;
  }

  startChunk(chunk: Buffer): void {
    const ascii = isAscii(chunk);
    this.chunk = ascii ? chunk : undefined;
    this.chunkText = ascii ? chunk.toString('latin1') : '';
  }

  parseLine(data: Buffer, start: number, end: number): void {
    // A line carried over from the chunk before is in another buffer.
    const line = data === this.chunk ? this.chunkText.slice(start, end) : data.toString('utf8', start, end);
    // Blank in Unicode's sense too, as the line was before the bytes were read.
    if (line.trim() !== '') this.lines.parseLine(line);
  }
}

function tooLong(line: number): DataFormatError {
  return new DataFormatError(`a line longer than ${MAX_LINE_BYTES} bytes: not a text table`, { line });
}

/** Whether `data[start, end)` is only ASCII white space (or nothing). */
function isBlankBytes(data: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isBlank(data[i]!) && (data[i]! < 11 || data[i]! > 13)) return false;
  return true;
}

/**
 * Finds up to `bounds.length / 2` fields separated by runs of spaces or tabs;
 * writes field k's [start, end) to bounds[2k], bounds[2k + 1] and returns how
 * many fields the line has (possibly more than were written).
 */
export function splitFields(line: string, bounds: Int32Array): number {
  let count = 0;
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && isBlank(line.charCodeAt(i))) i++;
    if (i === n) break;
    const start = i;
    while (i < n && !isBlank(line.charCodeAt(i))) i++;
    if (2 * count < bounds.length) {
      bounds[2 * count] = start;
      bounds[2 * count + 1] = i;
    }
    count++;
  }
  return count;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}
