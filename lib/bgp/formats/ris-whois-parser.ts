/**
 * RIPE RIS `riswhoisdump` files (riswhoisdump.IPv4.gz, …IPv6.gz): after `%`
 * comment lines, one line per (origin, prefix) seen, tab-separated:
 *
 *   13335	1.1.1.0/24	353
 *   {64500,64501}	192.0.2.0/24	12
 *
 * The third field is the number of RIS peers that see the route. A prefix
 * with several origins has several lines, which the builder merges (MOAS).
 */

import { parseOriginList } from './asn-text.ts';
import { DataFormatError } from '../../datafile/errors.ts';
import type { RoutingTableBuilder } from '../table/routing-table-builder.ts';
import { splitFields, type LineParser } from '../../datafile/stream-parser.ts';

export class RisWhoisParser implements LineParser {
  readonly dataTime = undefined;
  private readonly fields = new Int32Array(6);

  constructor(private readonly builder: RoutingTableBuilder) {}

  parseLine(line: string): void {
    const f = this.fields;
    if (splitFields(line, f) !== 3) throw new DataFormatError('expected “origin prefix peers” separated by tabs');
    const origins = parseOriginList(line, f[0]!, f[1]!);
    if (origins === undefined) throw new DataFormatError(`bad origin AS ${line.slice(f[0]!, f[1]!)}`);
    if (!this.builder.addPrefix(line, origins, f[2]!, f[3]!)) {
      throw new DataFormatError(`bad prefix ${line.slice(f[2]!, f[3]!)}`);
    }
  }
}
