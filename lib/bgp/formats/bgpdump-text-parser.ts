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
const PATH_FIELD: ReadonlyMap<string, number> = new Map([
  ['TABLE_DUMP', 6],
  ['TABLE_DUMP2', 6],
  ['TABLE_DUMP2_AP', 7],
]);
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
  /** Peer numbers by `address|AS`, in order of appearance. */
  private readonly peers = new Map<string, number>();

  constructor(private readonly builder: RoutingTableBuilder) {}

  get dataTime(): Date | undefined {
    return this.latest < 0 ? undefined : new Date(this.latest * 1000);
  }

  parseLine(line: string): void {
    this.findFields(line, 3);
    const type = this.field(line, 0);
    const pathField = PATH_FIELD.get(type);
    if (pathField === undefined || this.field(line, 2) !== 'B') {
      throw new DataFormatError(`not a RIB entry (${type}|${this.field(line, 2)}): give bgpdump a RIB dump, not updates`);
    }
    this.findFields(line, pathField + 1);
    const time = Number(this.field(line, 1));
    if (Number.isInteger(time) && time > this.latest) this.latest = time;
    const b = this.bounds;
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
    const key = line.slice(this.bounds[PEER_FIELD]!, this.bounds[PEER_AS_FIELD + 1]! - 1);
    let peer = this.peers.get(key);
    if (peer === undefined) {
      peer = this.peers.size;
      this.peers.set(key, peer);
    }
    return peer;
  }

  /**
   * Reads the AS_PATH text `line[start, end)` into `this.path`: ASNs, AS_SETs
   * written `{64501,64502}`, and confederation segments, `(…)` and `[…]`,
   * which are left out.
   */
  private readPath(line: string, start: number, end: number): void {
    const bad = (): DataFormatError => new DataFormatError(`bad AS_PATH ${line.slice(start, end)}`);
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
        if (close < 0 || close >= end) throw bad();
        if (c === 123) {
          const members = parseOriginList(line, i, close + 1);
          if (members === undefined) throw bad();
          this.path.set(members);
        }
        i = close + 1;
        continue;
      }
      let tokenEnd = line.indexOf(' ', i);
      if (tokenEnd < 0 || tokenEnd > end) tokenEnd = end;
      const asn = parseAsn(line, i, tokenEnd);
      if (asn < 0) throw bad();
      this.path.hop(asn);
      i = tokenEnd;
    }
  }
}
