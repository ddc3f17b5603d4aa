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
 * origins becomes MOAS in the builder.
 */

import { parseAsn, parseOriginList } from './asn-text.ts';
import { TableFormatError } from './errors.ts';
import type { RoutingTableBuilder } from './routing-table-builder.ts';
import type { LineParser } from './table-parser.ts';

/**
 * RIB entry types bgpdump prints, and the field holding the AS_PATH: ADD-PATH
 * entries (RFC 8050) have their path id before it.
 */
const PATH_FIELD: ReadonlyMap<string, number> = new Map([
  ['TABLE_DUMP', 6],
  ['TABLE_DUMP2', 6],
  ['TABLE_DUMP2_AP', 7],
]);
const PEER_AS_FIELD = 4;
const PREFIX_FIELD = 5;

export class BgpdumpTextParser implements LineParser {
  private latest = -1;
  /** Start of field k at bounds[k]; its end is bounds[k + 1] - 1. */
  private readonly bounds = new Int32Array(9);

  constructor(private readonly builder: RoutingTableBuilder) {}

  get dataTime(): Date | undefined {
    return this.latest < 0 ? undefined : new Date(this.latest * 1000);
  }

  parseLine(line: string): void {
    this.findFields(line, 3);
    const type = this.field(line, 0);
    const pathField = PATH_FIELD.get(type);
    if (pathField === undefined || this.field(line, 2) !== 'B') {
      throw new TableFormatError(`not a RIB entry (${type}|${this.field(line, 2)}): give bgpdump a RIB dump, not updates`);
    }
    this.findFields(line, pathField + 1);
    const time = Number(this.field(line, 1));
    if (Number.isInteger(time) && time > this.latest) this.latest = time;
    const b = this.bounds;
    const origins = this.origins(line, b[pathField]!, b[pathField + 1]! - 1) ?? [this.peerAs(line)];
    if (!this.builder.addPrefix(line, origins, b[PREFIX_FIELD]!, b[PREFIX_FIELD + 1]! - 1)) {
      throw new TableFormatError(`bad prefix ${this.field(line, PREFIX_FIELD)}`);
    }
  }

  /** Finds where the first `count` fields are; each must be followed by a `|`. */
  private findFields(line: string, count: number): void {
    const b = this.bounds;
    b[0] = 0;
    for (let k = 1; k <= count; k++) {
      const bar = line.indexOf('|', b[k - 1]!);
      if (bar < 0) throw new TableFormatError('expected a `bgpdump -m` line: TABLE_DUMP2|time|B|peer|peer AS|prefix|path|…');
      b[k] = bar + 1;
    }
  }

  private field(line: string, k: number): string {
    return line.slice(this.bounds[k]!, this.bounds[k + 1]! - 1);
  }

  /** The peer's AS: the origin of a route with an empty AS_PATH. */
  private peerAs(line: string): number {
    const asn = parseAsn(line, this.bounds[PEER_AS_FIELD]!, this.bounds[PEER_AS_FIELD + 1]! - 1);
    if (asn < 0) throw new TableFormatError(`bad peer AS ${this.field(line, PEER_AS_FIELD)}`);
    return asn;
  }

  /**
   * Origins from the AS_PATH text `line[start, end)`, read from its end;
   * undefined when the path has no AS outside confederation segments.
   */
  private origins(line: string, start: number, end: number): number[] | undefined {
    const bad = (): TableFormatError => new TableFormatError(`bad AS_PATH ${line.slice(start, end)}`);
    let i = end - 1;
    while (i >= start) {
      const c = line.charCodeAt(i);
      if (c === 32) {
        i--;
        continue;
      }
      if (c === 41 /* ) */ || c === 93 /* ] */) {
        const open = line.lastIndexOf(c === 41 ? '(' : '[', i);
        if (open < start) throw bad();
        i = open - 1;
        continue;
      }
      if (c === 125 /* } */) {
        const open = line.lastIndexOf('{', i);
        const members = open < start ? undefined : parseOriginList(line, open, i + 1);
        if (members === undefined) throw bad();
        return members;
      }
      const asn = parseAsn(line, Math.max(line.lastIndexOf(' ', i) + 1, start), i + 1);
      if (asn < 0) throw bad();
      return [asn];
    }
    return undefined;
  }
}
