/**
 * Reads a VRP file, gzip-compressed or not, into a VrpSet: rpki-client or
 * Routinator JSON, or Routinator CSV, told apart by the first character
 * (`{` is JSON). The file is streamed through the parser, so memory grows
 * with the VRPs, not with the file's size.
 */

import { TableFormatError, TableLoadError } from '../errors.ts';
import { readFileContent } from '../file-content.ts';
import { parseDetectingFormat, TextTableParser } from '../table-parser.ts';
import { VrpCsvParser } from './vrp-csv-parser.ts';
import { VrpJsonParser } from './vrp-json-parser.ts';
import type { VrpSet } from './vrp-set.ts';
import { VrpSetBuilder } from './vrp-set-builder.ts';
import type { FileVersion } from '../../ops/watched-file.ts';

export type VrpFormat = 'json' | 'csv';

/** Give up looking for the first line after this much (blank lines, or not text). */
const MAX_HEAD_LENGTH = 64 * 1024;

export interface LoadedVrps {
  readonly vrps: VrpSet;
  readonly format: VrpFormat;
  readonly gzipped: boolean;
  /** When the VRPs were validated, if the file says (rpki-client's buildtime, Routinator's generatedTime). */
  readonly dataTime: Date | undefined;
  /** The file as it was opened: the one that was read, even if it has been replaced since. */
  readonly stats: FileVersion;
}

/** Loads a VRP file; rejects with TableLoadError (its cause says why). */
export async function loadVrpFile(path: string): Promise<LoadedVrps> {
  try {
    return await readFileContent(path, async ({ chunks, gzipped, stats }) => ({ ...(await parseVrps(chunks)), gzipped, stats }));
  } catch (error) {
    throw new TableLoadError(path, error);
  }
}

/** Parses decompressed VRP content of either format. Throws TableFormatError. */
export async function parseVrps(content: AsyncIterable<Buffer>): Promise<{ vrps: VrpSet; format: VrpFormat; dataTime: Date | undefined }> {
  const builder = new VrpSetBuilder();
  const { parser, format } = await parseDetectingFormat(
    content,
    detectVrpFormat,
    (detected) => (detected === 'json' ? new VrpJsonParser(builder) : new TextTableParser(new VrpCsvParser(builder))),
    MAX_HEAD_LENGTH,
  );
  if (builder.size === 0) throw new TableFormatError('no VRPs in the file');
  return { vrps: builder.build(), format, dataTime: parser.dataTime };
}

/** JSON when the content starts with `{`, CSV when its first line has commas; undefined while the head cannot tell. */
function detectVrpFormat(head: Buffer, complete: boolean): VrpFormat | undefined {
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const start = text.search(/\S/);
  if (start < 0) {
    if (complete) throw new TableFormatError('no VRPs in the file');
    return undefined;
  }
  if (text[start] === '{') return 'json';
  const newline = text.indexOf('\n', start);
  if (newline < 0 && !complete) return undefined;
  const line = text.slice(start, newline < 0 ? undefined : newline).trim();
  if (line.split(',').length >= 3) return 'csv';
  throw new TableFormatError(`not a VRP file (rpki-client or Routinator JSON, or CSV); first line: ${line.slice(0, 80)}`);
}
