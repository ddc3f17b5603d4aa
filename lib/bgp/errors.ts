/** Errors of the BGP table layer, each its own class so callers can tell them apart. */

/** A query names something that is not an IP address, prefix or AS number. */
export class InvalidBgpQueryError extends Error {
  override readonly name = 'InvalidBgpQueryError';
}

/** Where in a table file a problem was found, for the operator to look. */
export interface TableFilePosition {
  /** 1-based line of a text file. */
  readonly line?: number;
  /** Byte offset (in the decompressed data) of a binary record. */
  readonly offset?: number;
}

/** A table file's content cannot be read as the format it claims to be. */
export class TableFormatError extends Error {
  override readonly name = 'TableFormatError';
  readonly position: TableFilePosition;

  constructor(message: string, position: TableFilePosition = {}) {
    const where = position.line !== undefined ? ` (line ${position.line})` : position.offset !== undefined ? ` (byte ${position.offset})` : '';
    super(message + where);
    this.position = position;
  }
}

/** A table or AS-names file could not be loaded; `cause` tells why. The path is in the message. */
export class TableLoadError extends Error {
  override readonly name = 'TableLoadError';

  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot load ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** A snapshot file (snapshot-file.ts) is not one this version wrote whole: another format version, another kind, cut short or corrupt. */
export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';

  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`snapshot ${path}: ${message}`);
  }
}
