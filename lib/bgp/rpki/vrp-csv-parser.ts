/**
 * VRPs as Routinator's `--format csv` writes them, and `csvcompat` (the RIPE
 * NCC Validator's: every field quoted, the ASN without `AS`):
 *
 *   ASN,IP Prefix,Max Length,Trust Anchor
 *   AS13335,1.1.1.0/24,24,apnic
 *   "13335","1.1.1.0/24","24","apnic"
 *
 * The header line is skipped; the trust anchor may be missing.
 */

import { parseAsText } from '../formats/asn-text.ts';
import { DataFormatError } from '../../datafile/errors.ts';
import type { LineParser } from '../../datafile/stream-parser.ts';
import { parsePrefixLength } from '../../net/ip-address.ts';
import type { VrpSetBuilder } from './vrp-set-builder.ts';

export class VrpCsvParser implements LineParser {
  readonly dataTime = undefined;
  private first = true;

  constructor(private readonly builder: VrpSetBuilder) {}

  parseLine(line: string): void {
    const fields = line.includes('"') ? line.split(',').map(unquoted) : line.split(',');
    if (this.first) {
      this.first = false;
      if (fields[0] === 'ASN') return;
    }
    if (fields.length < 3 || fields.length > 4) throw new DataFormatError(`expected “ASN,IP Prefix,Max Length,Trust Anchor”: ${line.slice(0, 80)}`);
    const [asnText, prefix, maxLengthText, trustAnchor] = fields as [string, string, string, string | undefined];
    const asn = parseAsText(asnText);
    if (asn < 0) throw new DataFormatError(`not an AS number: ${asnText.slice(0, 40)}`);
    const maxLength = parsePrefixLength(maxLengthText, 0, maxLengthText.length, 128);
    if (maxLength < 0) throw new DataFormatError(`not a maxLength: ${maxLengthText.slice(0, 40)}`);
    this.builder.add(prefix, maxLength, asn, trustAnchor);
  }
}

function unquoted(field: string): string {
  const trimmed = field.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
}
