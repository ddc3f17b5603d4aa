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
import type { LineParser } from '../../datafile/stream-parser.ts';

/**
 * RIB entry types bgpdump prints, and the field holding the AS_PATH: ADD-PATH
 * entries (RFC 8050) have their path id before it.
 */
const PATH_FIELD: readonly (readonly [type: string, field: number])[] = [
  ['TABLE_DUMP2', 6],
  ['TABLE_DUMP', 6],
  ['TABLE_DUMP2_AP', 7],
];
const CHAR_B = 66;
const CHAR_0 = 48;
const CHAR_9 = 57;
const PEER_FIELD = 3;
const PEER_AS_FIELD = 4;
const PREFIX_FIELD = 5;

export class BgpdumpTextParser implements LineParser {
  private latest = -1;
  /** Start of field k at bounds[k]; its end is bounds[k + 1] - 1. */
  private readonly bounds = new Int32Array(9);
  private readonly path = new AsPathWords();
  private readonly entry = new PathEntries();
  private readonly origins: number[] = [];
  /** Peers (`address|AS`, numbered in order of appearance) by a hash of that text: found without a string made for every line. */
  private readonly peers = new Map<number, { readonly key: string; readonly peer: number }[]>();
  private peerCount = 0;

  constructor(private readonly builder: RoutingTableBuilder) {}

  get dataTime(): Date | undefined {
    return this.latest < 0 ? undefined : new Date(this.latest * 1000);
  }

  parseLine(line: string): void {
    this.findFields(line, 3);
    const b = this.bounds;
    // The fields compared where they lie in the line: this runs for each of a full RIB's 30 million lines.
    const pathField = this.pathField(line);
    if (pathField < 0 || b[3]! - b[2]! !== 2 || line.charCodeAt(b[2]!) !== CHAR_B) {
      throw new DataFormatError(`not a RIB entry (${this.field(line, 0)}|${this.field(line, 2)}): give bgpdump a RIB dump, not updates`);
    }
    this.findFields(line, pathField + 1);
    const time = parseDigits(line, b[1]!, b[2]! - 1);
    if (time > this.latest) this.latest = time;
    this.readPath(line, b[pathField]!, b[pathField + 1]! - 1);
    if (this.path.length === 0) this.path.hop(this.peerAs(line));
    this.entry.clear();
    const peer = this.peer(line);
    this.entry.add(this.builder.internAsPath(this.path, peer), peer);
    this.origins.length = 0;
    this.path.appendOrigins(this.origins);
    if (!this.builder.addPrefix(line, this.origins, b[PREFIX_FIELD]!, b[PREFIX_FIELD + 1]! - 1, this.entry)) {
      throw new DataFormatError(`bad prefix ${this.field(line, PREFIX_FIELD)}`);
    }
  }

  /** Finds where the first `count` fields are; each must be followed by a `|`. */
  private findFields(line: string, count: number): void {
    const b = this.bounds;
    b[0] = 0;
    for (let k = 1; k <= count; k++) {
      const bar = line.indexOf('|', b[k - 1]!);
      if (bar < 0) throw new DataFormatError('expected a `bgpdump -m` line: TABLE_DUMP2|time|B|peer|peer AS|prefix|path|…');
      b[k] = bar + 1;
    }
  }

  /** The field holding the AS_PATH for this line's entry type (its first field), or -1 when it is no RIB entry. */
  private pathField(line: string): number {
    const typeLength = this.bounds[1]! - 1;
    for (const [type, field] of PATH_FIELD) if (type.length === typeLength && line.startsWith(type)) return field;
    return -1;
  }

  private field(line: string, k: number): string {
    return line.slice(this.bounds[k]!, this.bounds[k + 1]! - 1);
  }

  /** The peer's AS: the origin of a route with an empty AS_PATH. */
  private peerAs(line: string): number {
    const asn = parseAsn(line, this.bounds[PEER_AS_FIELD]!, this.bounds[PEER_AS_FIELD + 1]! - 1);
    if (asn < 0) throw new DataFormatError(`bad peer AS ${this.field(line, PEER_AS_FIELD)}`);
    return asn;
  }

  private peer(line: string): number {
    const start = this.bounds[PEER_FIELD]!;
    const end = this.bounds[PEER_AS_FIELD + 1]! - 1;
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ line.charCodeAt(i), 0x01000193);
    let known = this.peers.get(hash);
    if (known === undefined) {
      known = [];
      this.peers.set(hash, known);
    }
    for (const { key, peer } of known) if (key.length === end - start && line.startsWith(key, start)) return peer;
    const peer = this.peerCount++;
    known.push({ key: line.slice(start, end), peer });
    return peer;
  }

  /**
   * Reads the AS_PATH text `line[start, end)` into `this.path`: ASNs, AS_SETs
   * written `{64501,64502}`, and confederation segments, `(…)` and `[…]`,
   * which are left out.
   */
  private readPath(line: string, start: number, end: number): void {
    this.path.clear();
    let i = start;
    while (i < end) {
      const c = line.charCodeAt(i);
      if (c === 32) {
        i++;
        continue;
      }
      if (c === 40 /* ( */ || c === 91 /* [ */ || c === 123 /* { */) {
        const close = line.indexOf(c === 40 ? ')' : c === 91 ? ']' : '}', i);
        if (close < 0 || close >= end) throw badPath(line, start, end);
        if (c === 123) {
          const members = parseOriginList(line, i, close + 1);
          if (members === undefined) throw badPath(line, start, end);
          this.path.set(members);
        }
        i = close + 1;
        continue;
      }
      let tokenEnd = line.indexOf(' ', i);
      if (tokenEnd < 0 || tokenEnd > end) tokenEnd = end;
      const asn = parseAsn(line, i, tokenEnd);
      if (asn < 0) throw badPath(line, start, end);
      this.path.hop(asn);
      i = tokenEnd;
    }
  }
}

/** A function, not a closure made in readPath: that ran for every line (and under tsx, esbuild's name wrapper with it). */
function badPath(line: string, start: number, end: number): DataFormatError {
  return new DataFormatError(`bad AS_PATH ${line.slice(start, end)}`);
}

/** The decimal number `text[start, end)`, or -1 when it is not one (bgpdump's times are plain seconds). */
function parseDigits(text: string, start: number, end: number): number {
  if (start >= end) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < CHAR_0 || c > CHAR_9) return -1;
    value = value * 10 + (c - CHAR_0);
  }
  return value;
}
