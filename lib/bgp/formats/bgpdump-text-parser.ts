/**
 * `bgpdump -m` output of a RIB dump: one line per (prefix, peer), fields
 * separated by `|` (ADD-PATH entries, TABLE_DUMP2_AP, have a path id before
 * the AS_PATH):
 *
 *   TABLE_DUMP2|1700000000|B|192.0.2.1|64496|10.0.0.0/8|64496 64500 {64501,64502}|IGP|…
 *   type       |time      | |peer IP  |peer AS|prefix  |AS_PATH
 *
 * The origin is the last AS of the AS_PATH, or every member of an AS_SET
 * that ends it; confederation segments, written `(…)` and `[…]`, are
 * skipped. An empty AS_PATH means the peer itself originated the route, so
 * its AS is the origin. The same prefix from several peers with different
 * origins becomes MOAS in the builder. Each line's path (without the
 * confederation segments) and peer (its address and AS) go to the builder
 * too, for the route's paths, visibility and upstreams.
 */

import { parseAsn, parseOriginList } from './asn-text.ts';
import { DataFormatError } from '../../datafile/errors.ts';
import { AsPathWords } from '../table/as-path-tree.ts';
import { PathEntries } from '../table/route-paths.ts';
import type { RoutingTableBuilder } from '../table/routing-table-builder.ts';
import type { ByteLineParser } from '../../datafile/stream-parser.ts';

/**
 * RIB entry types bgpdump prints, and the field holding the AS_PATH: ADD-PATH
 * entries (RFC 8050) have their path id before it.
 */
const PATH_FIELD: readonly (readonly [type: Buffer, field: number])[] = [
  [Buffer.from('TABLE_DUMP2'), 6],
  [Buffer.from('TABLE_DUMP'), 6],
  [Buffer.from('TABLE_DUMP2_AP'), 7],
];
const BAR = 124;
const SPACE = 32;
const CHAR_B = 66;
const CHAR_0 = 48;
const CHAR_9 = 57;
const MAX_ASN = 0xffffffff;
const PEER_FIELD = 3;
const PEER_AS_FIELD = 4;
const PREFIX_FIELD = 5;

/** Reads the lines as bytes: a full RIB's text is 30 million lines, and a string for each was most of its load. */
export class BgpdumpTextParser implements ByteLineParser {
  private latest = -1;
  /** Start of field k at bounds[k]; its end is bounds[k + 1] - 1. */
  private readonly bounds = new Int32Array(9);
  private readonly path = new AsPathWords();
  private readonly entry = new PathEntries();
  private readonly origins: number[] = [];
  /** Peers (`address|AS`, numbered in order of appearance) by a hash of those bytes, then compared with them. */
  private readonly peers = new Map<number, { readonly key: Buffer; readonly peer: number }[]>();
  private peerCount = 0;
  /** The last line's prefix, as bytes and as text: the entries of one prefix come one after the other, and its text is made once. */
  private lastPrefix = Buffer.alloc(64);
  /** Latin-1: one character for each byte, so its length is the bytes'. */
  private lastPrefixText = '';

  constructor(private readonly builder: RoutingTableBuilder) {}

  get dataTime(): Date | undefined {
    return this.latest < 0 ? undefined : new Date(this.latest * 1000);
  }

  parseLine(data: Buffer, start: number, end: number): void {
    const b = this.bounds;
    b[0] = start;
    this.findFields(data, end, 0, 3);
    // The fields compared where they lie in the line: this runs for each of a full RIB's 30 million lines.
    const pathField = this.pathField(data);
    if (pathField < 0 || b[3]! - b[2]! !== 2 || data[b[2]!] !== CHAR_B) {
      throw new DataFormatError(`not a RIB entry (${this.field(data, 0)}|${this.field(data, 2)}): give bgpdump a RIB dump, not updates`);
    }
    this.findFields(data, end, 3, pathField + 1);
    const time = parseDigits(data, b[1]!, b[2]! - 1);
    if (time > this.latest) this.latest = time;
    this.readPath(data, b[pathField]!, b[pathField + 1]! - 1);
    if (this.path.length === 0) this.path.hop(this.peerAs(data));
    this.entry.clear();
    const peer = this.peer(data);
    this.entry.add(this.builder.internAsPath(this.path, peer), peer);
    this.origins.length = 0;
    this.path.appendOrigins(this.origins);
    const prefix = this.prefixText(data, b[PREFIX_FIELD]!, b[PREFIX_FIELD + 1]! - 1);
    if (!this.builder.addPrefix(prefix, this.origins, 0, prefix.length, this.entry)) {
      throw new DataFormatError(`bad prefix ${this.field(data, PREFIX_FIELD)}`);
    }
  }

  /** Finds where fields `found` to `count - 1` of the line ending at `end` are (field `found` starts at bounds[found]); each must be followed by a `|`. */
  private findFields(data: Buffer, end: number, found: number, count: number): void {
    const b = this.bounds;
    let i = b[found]!;
    for (let k = found + 1; k <= count; k++) {
      while (i < end && data[i] !== BAR) i++;
      if (i === end) throw new DataFormatError('expected a `bgpdump -m` line: TABLE_DUMP2|time|B|peer|peer AS|prefix|path|…');
      b[k] = ++i;
    }
  }

  /** The field holding the AS_PATH for this line's entry type (its first field), or -1 when it is no RIB entry. */
  private pathField(data: Buffer): number {
    const start = this.bounds[0]!;
    const typeLength = this.bounds[1]! - 1 - start;
    for (const [type, field] of PATH_FIELD) if (type.length === typeLength && sameBytes(type, data, start, start + typeLength)) return field;
    return -1;
  }

  /** Field `k`, as text for a message. */
  private field(data: Buffer, k: number): string {
    return data.toString('utf8', this.bounds[k]!, this.bounds[k + 1]! - 1);
  }

  /** The peer's AS: the origin of a route with an empty AS_PATH. */
  private peerAs(data: Buffer): number {
    const asn = readAsn(data, this.bounds[PEER_AS_FIELD]!, this.bounds[PEER_AS_FIELD + 1]! - 1);
    if (asn < 0) throw new DataFormatError(`bad peer AS ${this.field(data, PEER_AS_FIELD)}`);
    return asn;
  }

  private peer(data: Buffer): number {
    const start = this.bounds[PEER_FIELD]!;
    const end = this.bounds[PEER_AS_FIELD + 1]! - 1;
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ data[i]!, 0x01000193);
    let known = this.peers.get(hash);
    if (known === undefined) {
      known = [];
      this.peers.set(hash, known);
    }
    for (const { key, peer } of known) if (key.length === end - start && sameBytes(key, data, start, end)) return peer;
    const peer = this.peerCount++;
    known.push({ key: Buffer.from(data.subarray(start, end)), peer });
    return peer;
  }

  /** The prefix field `data[start, end)` as text: made again only when it differs from the last line's. */
  private prefixText(data: Buffer, start: number, end: number): string {
    const length = end - start;
    if (length === this.lastPrefixText.length && sameBytes(this.lastPrefix, data, start, end)) return this.lastPrefixText;
    if (length > this.lastPrefix.length) this.lastPrefix = Buffer.alloc(length);
    data.copy(this.lastPrefix, 0, start, end);
    this.lastPrefixText = data.toString('latin1', start, end);
    return this.lastPrefixText;
  }

  /**
   * Reads the AS_PATH `data[start, end)` into `this.path`: ASNs, AS_SETs
   * written `{64501,64502}`, and confederation segments, `(…)` and `[…]`,
   * which are left out.
   */
  private readPath(data: Buffer, start: number, end: number): void {
    this.path.clear();
    let i = start;
    while (i < end) {
      const c = data[i]!;
      if (c === SPACE) {
        i++;
        continue;
      }
      if (c === 40 /* ( */ || c === 91 /* [ */ || c === 123 /* { */) {
        const close = data.indexOf(c === 40 ? 41 /* ) */ : c === 91 ? 93 /* ] */ : 125 /* } */, i);
        if (close < 0 || close >= end) throw badPath(data, start, end);
        if (c === 123) {
          const members = parseOriginList(data.toString('latin1', i, close + 1), 0, close + 1 - i);
          if (members === undefined) throw badPath(data, start, end);
          this.path.set(members);
        }
        i = close + 1;
        continue;
      }
      let tokenEnd = i;
      while (tokenEnd < end && data[tokenEnd] !== SPACE) tokenEnd++;
      const asn = readAsn(data, i, tokenEnd);
      if (asn < 0) throw badPath(data, start, end);
      this.path.hop(asn);
      i = tokenEnd;
    }
  }
}

/** A function, not a closure made in readPath: that ran for every line. */
function badPath(data: Buffer, start: number, end: number): DataFormatError {
  return new DataFormatError(`bad AS_PATH ${data.toString('utf8', start, end)}`);
}

/** The ASN `data[start, end)`: asplain read here, anything else (asdot, or no ASN) by parseAsn; -1 when it is none. */
function readAsn(data: Buffer, start: number, end: number): number {
  const value = parseDigits(data, start, end);
  if (value < 0) return parseAsn(data.toString('latin1', start, end));
  return value <= MAX_ASN ? value : -1;
}

/** Whether `key` starts with the bytes `data[start, end)`. */
function sameBytes(key: Uint8Array, data: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (key[i - start] !== data[i]) return false;
  return true;
}

/** The decimal number `data[start, end)`, or -1 when it is not one (bgpdump's times are plain seconds). */
function parseDigits(data: Buffer, start: number, end: number): number {
  if (start >= end) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = data[i]!;
    if (c < CHAR_0 || c > CHAR_9) return -1;
    value = value * 10 + (c - CHAR_0);
  }
  return value;
}
