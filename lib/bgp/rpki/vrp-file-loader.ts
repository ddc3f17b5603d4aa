/**
 * Reads a VRP file, gzip-compressed or not, into a VrpSet: rpki-client or
 * Routinator JSON, or Routinator CSV, told apart by the first character
 * (`{` is JSON). The file is streamed through the parser, so memory grows
 * with the VRPs, not with the file's size.
 */

import { DataFormatError } from '../../datafile/errors.ts';
import { loadDataFile } from '../../datafile/file-content.ts';
import { parseDetectingFormat, TextLineParser } from '../../datafile/stream-parser.ts';
import { VrpCsvParser } from './vrp-csv-parser.ts';
import { VrpJsonParser } from './vrp-json-parser.ts';
import { VrpSet, type VrpSetParts } from './vrp-set.ts';
import type { DataFileFacts, DataFileKind } from '../../datafile/data-file.ts';
import { VrpSetBuilder } from './vrp-set-builder.ts';

export type VrpFormat = 'json' | 'csv';

/** Give up looking for the first line after this much (blank lines, or not text). */
const MAX_HEAD_LENGTH = 64 * 1024;

/** A VRP file loaded: its set, and its facts (the time is when the VRPs were validated: rpki-client's buildtime, Routinator's generatedTime). */
export interface LoadedVrps extends DataFileFacts<VrpFormat> {
  readonly vrps: VrpSet;
}

/** VRP files in the data-file pipeline, as table files are. */
export const vrpFile: DataFileKind<LoadedVrps, VrpSetParts> = {
  name: 'rpki-vrps',
  module: import.meta.url,
  exportName: 'vrpFile',
  load: loadVrpFile,
  parts: (loaded) => loaded.vrps.parts(),
  assemble: (facts, parts) => ({ ...facts, vrps: VrpSet.fromParts(parts) }),
};

/** Loads a VRP file; rejects with DataFileLoadError (its cause says why). */
export async function loadVrpFile(path: string): Promise<LoadedVrps> {
  return loadDataFile(path, parseVrps);
}

/** Parses decompressed VRP content of either format. Throws DataFormatError. */
export async function parseVrps(content: AsyncIterable<Buffer>): Promise<{ vrps: VrpSet; format: VrpFormat; dataTime: Date | undefined }> {
  const builder = new VrpSetBuilder();
  const { parser, format } = await parseDetectingFormat(
    content,
    detectVrpFormat,
    (detected) => (detected === 'json' ? new VrpJsonParser(builder) : new TextLineParser(new VrpCsvParser(builder))),
    MAX_HEAD_LENGTH,
  );
  if (builder.size === 0) throw new DataFormatError('no VRPs in the file');
  return { vrps: builder.build(), format, dataTime: parser.dataTime };
}

/** JSON when the content starts with `{`, CSV when its first line has commas; undefined while the head cannot tell. */
function detectVrpFormat(head: Buffer, complete: boolean): VrpFormat | undefined {
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const start = text.search(/\S/);
  if (start < 0) {
    if (complete) throw new DataFormatError('no VRPs in the file');
    return undefined;
  }
  if (text[start] === '{') return 'json';
  const newline = text.indexOf('\n', start);
  if (newline < 0 && !complete) return undefined;
  const line = text.slice(start, newline < 0 ? undefined : newline).trim();
  if (line.split(',').length >= 3) return 'csv';
  throw new DataFormatError(`not a VRP file (rpki-client or Routinator JSON, or CSV); first line: ${line.slice(0, 80)}`);
}
