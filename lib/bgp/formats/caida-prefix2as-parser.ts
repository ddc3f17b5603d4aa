/**
 * CAIDA Routeviews prefix-to-AS files (routeviews-rv2-*.pfx2as.gz): one line
 * per prefix, tab-separated network, length and origins:
 *
 *   1.0.0.0	24	13335
 *   192.0.2.0	24	64500_64501      (seen with several origins: MOAS)
 *   198.51.100.0	24	64500,64501  (an AS_SET origin)
 */

import { parseOriginList } from './asn-text.ts';
import { DataFormatError } from '../../datafile/errors.ts';
import { parsePrefixLength } from '../../net/ip-address.ts';
import type { RoutingTableBuilder } from '../table/routing-table-builder.ts';
import { splitFields, type LineParser } from '../../datafile/stream-parser.ts';

export class CaidaPrefix2AsParser implements LineParser {
  readonly dataTime = undefined;
  private readonly fields = new Int32Array(6);

  constructor(private readonly builder: RoutingTableBuilder) {}

  parseLine(line: string): void {
    const f = this.fields;
    if (splitFields(line, f) !== 3) throw new DataFormatError('expected “network length origins” separated by tabs');
    const length = parsePrefixLength(line, f[2]!, f[3]!, 128);
    const origins = parseOriginList(line, f[4]!, f[5]!);
    if (origins === undefined) throw new DataFormatError(`bad origin AS ${line.slice(f[4]!, f[5]!)}`);
    if (length < 0 || !this.builder.addNetwork(line, f[0]!, f[1]!, length, origins)) {
      throw new DataFormatError(`bad prefix ${line.slice(f[0]!, f[1]!)}/${line.slice(f[2]!, f[3]!)}`);
    }
  }
}
