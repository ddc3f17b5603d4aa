/** Errors of the data-file pipeline (any data file: a routing table, VRPs, AS names), each its own class so callers can tell them apart. */

import { errorMessage } from '../ops/error-fields.ts';

/** Where in a data file a problem was found, for the operator to look. */
export interface DataFilePosition {
  /** 1-based line of a text file. */
  readonly line?: number;
  /** Byte offset (in the decompressed data) of a binary record. */
  readonly offset?: number;
}

/** A data file's content cannot be read as the format it claims to be. */
export class DataFormatError extends Error {
  override readonly name = 'DataFormatError';
  readonly position: DataFilePosition;

  constructor(
    readonly reason: string,
    position: DataFilePosition = {},
  ) {
    const where = position.line !== undefined ? ` (line ${position.line})` : position.offset !== undefined ? ` (byte ${position.offset})` : '';
    super(reason + where);
    this.position = position;
  }
}

/** A data file could not be loaded; `cause` tells why. The path is in the message. */
export class DataFileLoadError extends Error {
  override readonly name = 'DataFileLoadError';

  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot load ${path}: ${errorMessage(cause)}`, { cause });
  }
}

/** A snapshot file (snapshot-file.ts) is not one this version wrote whole: another format version, another kind, cut short or corrupt. */
export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';

  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`snapshot ${path}: ${reason}`);
  }
}
