/**
 * AS names for answers (`BGP_ASNAMES`): a text file, optionally gzipped,
 * one AS a line, number first and name after it, as RIPE's asn.txt and
 * similar lists write it:
 *
 *   3333 RIPE-NCC-AS Reseaux IP Europeens Network Coordination Centre (RIPE NCC), NL
 *   AS13335   CLOUDFLARENET - Cloudflare, Inc., US
 *
 * The number may carry an `AS` prefix (the asnames.txt form) and may be
 * asdot; the name is the rest of the line. Blank lines, `#` and `%`
 * comments, and numbers without a name are skipped.
 */

import type { Stats } from 'node:fs';
import { parseAsn } from './asn-text.ts';
import { TableFormatError, TableLoadError } from './errors.ts';
import { readFileContent } from './file-content.ts';
import { TextTableParser, type LineParser } from './table-parser.ts';

export type AsNames = ReadonlyMap<number, string>;

/** Loads an AS-names file; rejects with TableLoadError. */
export async function loadAsNames(path: string): Promise<{ names: AsNames; stats: Stats }> {
  try {
    return await readFileContent(path, async ({ chunks, stats }) => ({ names: await parseAsNames(chunks), stats }));
  } catch (error) {
    throw new TableLoadError(path, error);
  }
}

/** Parses AS-names content; throws TableFormatError for a line that does not start with an AS number. */
export async function parseAsNames(content: AsyncIterable<Buffer>): Promise<AsNames> {
  const lines = new AsNameLines();
  const parser = new TextTableParser(lines);
  for await (const chunk of content) parser.push(chunk);
  parser.end();
  if (lines.names.size === 0) throw new TableFormatError('no AS names in the file');
  return lines.names;
}

class AsNameLines implements LineParser {
  readonly dataTime = undefined;
  readonly names = new Map<number, string>();

  parseLine(line: string): void {
    const match = /^\s*(?:AS)?(\S+)\s*(.*?)\s*$/i.exec(line)!;
    const asn = parseAsn(match[1]!);
    if (asn < 0) throw new TableFormatError(`expected “AS-number name”: ${line.slice(0, 80)}`);
    if (match[2] !== '') this.names.set(asn, match[2]!);
  }
}
