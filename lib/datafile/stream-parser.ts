/**
 * The parser side of loading a data file: a parser is fed the (decompressed)
 * bytes of the file chunk by chunk and adds what it reads to a builder, so a
 * file of millions of lines never has to be in memory at once. Text formats
 * share the line splitting here and only parse lines.
 */

import { StringDecoder } from 'node:string_decoder';
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

/** Splits bytes into lines for a LineParser; `%` and `#` start comment lines. */
export class TextLineParser implements StreamParser {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private lineNumber = 0;

  constructor(private readonly lines: LineParser) {}

  get dataTime(): Date | undefined {
    return this.lines.dataTime;
  }

  push(chunk: Buffer): void {
    const text = this.partial + this.decoder.write(chunk);
    let start = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      this.line(text.slice(start, newline));
      start = newline + 1;
    }
    this.partial = text.slice(start);
  }

  end(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest.length > 0) this.line(rest);
  }

  private line(raw: string): void {
    this.lineNumber++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const first = line.charCodeAt(0);
    if (first === 37 /* % */ || first === 35 /* # */ || line.trim() === '') return;
    try {
      this.lines.parseLine(line);
    } catch (error) {
      if (error instanceof DataFormatError) throw new DataFormatError(error.reason, { line: this.lineNumber });
      throw error;
    }
  }
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
