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

import { parseAsn } from './asn-text.ts';
import { DataFormatError } from '../../datafile/errors.ts';
import { loadDataFile } from '../../datafile/file-content.ts';
import { TextLineParser, type LineParser } from '../../datafile/stream-parser.ts';
import type { DataFileFacts, DataFileKind } from '../../datafile/data-file.ts';

export type AsNames = ReadonlyMap<number, string>;

/** An AS-names file loaded; it records no time of its own. */
export interface LoadedAsNames extends DataFileFacts<'text'> {
  readonly names: AsNames;
}

/** The names as they lie in a snapshot, and so come back from the build process: the numbers in one array, the names in the same order. */
export interface AsNamesParts {
  readonly asns: Uint32Array;
  readonly names: readonly string[];
}

/** Loads an AS-names file; rejects with DataFileLoadError. */
export function loadAsNames(path: string): Promise<LoadedAsNames> {
  return loadDataFile(path, async (chunks) => ({ names: await parseAsNames(chunks), format: 'text' as const, dataTime: undefined }));
}

/** AS-names files in the data-file pipeline, as table files are. */
export const asNamesFile: DataFileKind<LoadedAsNames, AsNamesParts> = {
  name: 'bgp-as-names',
  module: import.meta.url,
  exportName: 'asNamesFile',
  load: loadAsNames,
  parts: ({ names }) => ({ asns: Uint32Array.from(names.keys()), names: [...names.values()] }),
  assemble: (facts, { asns, names }) => ({ ...facts, names: new Map(Array.from(asns, (asn, i) => [asn, names[i]!])) }),
};

/** Parses AS-names content; throws DataFormatError for a line that does not start with an AS number. */
export async function parseAsNames(content: AsyncIterable<Buffer>): Promise<AsNames> {
  const lines = new AsNameLines();
  const parser = new TextLineParser(lines);
  for await (const chunk of content) parser.push(chunk);
  parser.end();
  if (lines.names.size === 0) throw new DataFormatError('no AS names in the file');
  return lines.names;
}

class AsNameLines implements LineParser {
  readonly dataTime = undefined;
  readonly names = new Map<number, string>();

  parseLine(line: string): void {
    const match = /^\s*(?:AS)?(\S+)\s*(.*?)\s*$/i.exec(line)!;
    const asn = parseAsn(match[1]!);
    if (asn < 0) throw new DataFormatError(`expected “AS-number name”: ${line.slice(0, 80)}`);
    if (match[2] !== '') this.names.set(asn, match[2]!);
  }
}
