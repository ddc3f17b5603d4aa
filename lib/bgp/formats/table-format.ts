/**
 * Tells the table formats apart by their first bytes, so BGP_SOURCE needs no
 * format option and a collector's file can be dropped in as it comes.
 */

import { DataFormatError } from '../../datafile/errors.ts';
import { BgpdumpTextParser } from './bgpdump-text-parser.ts';
import { CaidaPrefix2AsParser } from './caida-prefix2as-parser.ts';
import { MrtParser } from './mrt-parser.ts';
import { RisWhoisParser } from './ris-whois-parser.ts';
import type { RoutingTableBuilder } from '../table/routing-table-builder.ts';
import { ByteLineSplitter, TextLineParser, splitFields, type StreamParser } from '../../datafile/stream-parser.ts';

export type TableFormat = 'ris-whois' | 'caida-prefix2as' | 'bgpdump' | 'mrt';

const MRT_HEADER_LENGTH = 12;
const MRT_TYPE_NAMES: Readonly<Record<number, string>> = {
  11: 'OSPFv2',
  12: 'TABLE_DUMP',
  16: 'BGP4MP',
  17: 'BGP4MP_ET',
  32: 'ISIS',
  33: 'ISIS_ET',
  48: 'OSPFv3',
  49: 'OSPFv3_ET',
};
const MRT_TABLE_DUMP_V2 = 13;

/**
 * The format of a file starting with `head` (decompressed). Returns undefined
 * when `head` holds no data line yet and more input may follow (`complete`
 * false); throws DataFormatError for content that is no table format.
 */
export function detectTableFormat(head: Buffer, complete: boolean): TableFormat | undefined {
  if (head.length >= 3 && head.toString('latin1', 0, 3) === 'BZh') {
    throw new DataFormatError('bzip2-compressed: decompress it (bunzip2) or recompress it with gzip');
  }
  // Every MRT header has a NUL at byte 4, the high byte of its type; text has none.
  if (head.length >= 5 && head[4] === 0) {
    if (head.length < MRT_HEADER_LENGTH && !complete) return undefined;
    const type = head.length >= MRT_HEADER_LENGTH ? head.readUInt16BE(4) : -1;
    if (type === MRT_TABLE_DUMP_V2) return 'mrt';
    const name = MRT_TYPE_NAMES[type];
    throw new DataFormatError(name ? `MRT ${name} records are not a TABLE_DUMP_V2 RIB dump` : 'binary content that is not an MRT RIB dump');
  }
  const line = firstDataLine(head.toString('latin1'), complete);
  if (line === undefined) {
    if (complete) throw new DataFormatError('no routes in the file');
    return undefined;
  }
  return textFormat(line);
}

export function createTableParser(format: TableFormat, builder: RoutingTableBuilder): StreamParser {
  switch (format) {
    case 'mrt':
      return new MrtParser(builder);
    case 'bgpdump':
      return new ByteLineSplitter(new BgpdumpTextParser(builder));
    case 'ris-whois':
      return new TextLineParser(new RisWhoisParser(builder));
    case 'caida-prefix2as':
      return new TextLineParser(new CaidaPrefix2AsParser(builder));
  }
}

/** The first line that is neither blank nor a comment, if a whole one is in `text`. */
function firstDataLine(text: string, complete: boolean): string | undefined {
  const lines = text.split('\n');
  if (!complete) lines.pop(); // possibly cut short
  return lines.map((line) => line.trim()).find((line) => line !== '' && !line.startsWith('%') && !line.startsWith('#'));
}

function textFormat(line: string): TableFormat {
  if (/^(TABLE_DUMP2?(_AP)?|BGP4MP(_ET)?)\|/.test(line)) return 'bgpdump';
  const bounds = new Int32Array(6);
  if (splitFields(line, bounds) === 3) {
    const second = line.slice(bounds[2]!, bounds[3]!);
    if (second.includes('/')) return 'ris-whois';
    if (/^\d+$/.test(second)) return 'caida-prefix2as';
  }
  throw new DataFormatError(`not a known table format; first line: ${line.slice(0, 80)}`);
}
