/**
 * A JSON reader fed in pieces that tells a visitor what it reads (an object
 * or array opens or closes, a key, a scalar) instead of building the value:
 * a VRP file of 800,000 ROAs is some 80 MB of JSON, which JSON.parse would
 * hold whole, as text and then as objects, to keep six bytes of each ROA.
 * It checks the grammar as far as reading needs: brackets match, keys,
 * colons, commas and values come where they may, and the input ends after
 * exactly one value; number syntax is Number()'s.
 */

import { StringDecoder } from 'node:string_decoder';
import { DataFormatError } from '../../datafile/errors.ts';

export type JsonScalar = string | number | boolean | null;

export interface JsonVisitor {
  openObject(): void;
  openArray(): void;
  /** The innermost open object or array closes. */
  close(): void;
  key(name: string): void;
  scalar(value: JsonScalar): void;
}

// What may come next.
const VALUE = 0;
const VALUE_OR_CLOSE = 1;
const KEY_OR_CLOSE = 2;
const KEY = 3;
const COLON = 4;
const COMMA_OR_CLOSE = 5;
const END = 6;

const OBJECT = 0;
const ARRAY = 1;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export class JsonStream {
  private readonly decoder = new StringDecoder('utf8');
  /** Text of a token cut by the end of a piece, read again with the next. */
  private pending = '';
  /** Characters before `pending`, for error positions. */
  private consumed = 0;
  private readonly containers: number[] = [];
  private expect: number = VALUE;

  constructor(private readonly visitor: JsonVisitor) {}

  /** Reads the next piece; throws DataFormatError at the first thing that is not JSON. */
  push(chunk: Buffer): void {
    this.scan(this.pending + this.decoder.write(chunk), false);
  }

  /** Ends the input; throws DataFormatError when it stops inside the value. */
  end(): void {
    this.scan(this.pending + this.decoder.end(), true);
    if (this.expect !== END) throw new DataFormatError(`the JSON ends early, at character ${this.consumed}`);
  }

  private scan(text: string, final: boolean): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff) {
        i++;
        continue;
      }
      if (this.expect === END) throw this.unexpected(text, i);
      if (c === QUOTE) {
        const end = stringEnd(text, i);
        if (end < 0) {
          if (final) throw new DataFormatError(`a string does not end, at character ${this.consumed + i}`);
          break;
        }
        this.string(text, i, end);
        i = end + 1;
      } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
        if (this.expect !== VALUE && this.expect !== VALUE_OR_CLOSE) throw this.unexpected(text, i);
        const object = c === 0x7b;
        this.containers.push(object ? OBJECT : ARRAY);
        this.expect = object ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
        if (object) this.visitor.openObject();
        else this.visitor.openArray();
        i++;
      } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
        const open = c === 0x7d ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
        if (this.containers.at(-1) !== (c === 0x7d ? OBJECT : ARRAY) || (this.expect !== open && this.expect !== COMMA_OR_CLOSE))
          throw this.unexpected(text, i);
        this.containers.pop();
        this.visitor.close();
        this.valueDone();
        i++;
      } else if (c === 0x2c /* , */) {
        if (this.expect !== COMMA_OR_CLOSE) throw this.unexpected(text, i);
        this.expect = this.containers.at(-1) === OBJECT ? KEY : VALUE;
        i++;
      } else if (c === 0x3a /* : */) {
        if (this.expect !== COLON) throw this.unexpected(text, i);
        this.expect = VALUE;
        i++;
      } else {
        let end = i;
        while (end < n && isScalarCharacter(text.charCodeAt(end))) end++;
        // A number or literal touching the end of the piece may go on in the next.
        if (end === n && !final) break;
        this.literal(text, i, end);
        i = end;
      }
    }
    this.pending = text.slice(i);
    this.consumed += i;
  }

  /** The string whose quotes are at `start` and `end`: a key or a value. */
  private string(text: string, start: number, end: number): void {
    const raw = text.slice(start + 1, end);
    const value = raw.includes('\\') ? (JSON.parse(text.slice(start, end + 1)) as string) : raw;
    if (this.expect === KEY || this.expect === KEY_OR_CLOSE) {
      this.visitor.key(value);
      this.expect = COLON;
    } else if (this.expect === VALUE || this.expect === VALUE_OR_CLOSE) {
      this.visitor.scalar(value);
      this.valueDone();
    } else throw this.unexpected(text, start);
  }

  /** A number, true, false or null in `text[start, end)`. */
  private literal(text: string, start: number, end: number): void {
    if ((this.expect !== VALUE && this.expect !== VALUE_OR_CLOSE) || end === start) throw this.unexpected(text, start);
    const token = text.slice(start, end);
    const value = token === 'true' ? true : token === 'false' ? false : token === 'null' ? null : Number(token);
    // Number() also reads what JSON does not write: hex, Infinity, a leading `+` or `.`.
    const first = token.charCodeAt(0);
    if (typeof value === 'number' && (Number.isNaN(value) || !(first === 0x2d || (first >= 0x30 && first <= 0x39)) || token.includes('x')))
      throw this.unexpected(text, start);
    this.visitor.scalar(value);
    this.valueDone();
  }

  private valueDone(): void {
    this.expect = this.containers.length === 0 ? END : COMMA_OR_CLOSE;
  }

  private unexpected(text: string, at: number): DataFormatError {
    return new DataFormatError(`unexpected “${text.slice(at, at + 20)}” at character ${this.consumed + at} of the JSON`);
  }
}

/** Index of the quote closing the string opened at `start`, or -1 when it is not in `text` yet. */
function stringEnd(text: string, start: number): number {
  for (let quote = text.indexOf('"', start + 1); quote >= 0; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
  return -1;
}

/** Characters of numbers and of true, false and null. */
function isScalarCharacter(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x45;
}
