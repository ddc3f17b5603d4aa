/**
 * Opens a data file for streaming, gunzipping it when it starts with the
 * gzip magic bytes, whatever its name says. The file is opened once, so
 * what is read and the stats reported are of the same file even when it is
 * replaced (renamed over) meanwhile.
 */

import { createReadStream, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DataFileLoadError } from './errors.ts';

const GZIP_MAGIC = [0x1f, 0x8b] as const;
const CHUNK_SIZE = 256 * 1024;

/** A data file as it was opened: for threads of this process that read it too, by its descriptor. */
export interface OpenFile {
  readonly fd: number;
  readonly gzipped: boolean;
  readonly stats: Stats;
}

export interface FileContent extends OpenFile {
  /** The decompressed bytes, in chunks of up to 256 KiB. */
  readonly chunks: AsyncIterable<Buffer>;
}

/**
 * The decompressed content of the open file `fd` from its start, read by
 * position: every reader of the descriptor reads the file that was opened,
 * even if it has been replaced since, and leaves it open.
 */
export function contentOf({ fd, gzipped }: Pick<OpenFile, 'fd' | 'gzipped'>): AsyncIterable<Buffer> {
  const raw = createReadStream('', { fd, start: 0, autoClose: false, highWaterMark: CHUNK_SIZE });
  // pipeline() passes a read error on to the gunzip stream, whose iteration then throws it.
  return gzipped ? pipeline(raw, createGunzip({ chunkSize: CHUNK_SIZE }), () => {}) : raw;
}

/** Calls `read` with the file's content; the file is closed when its promise settles. */
export async function readFileContent<T>(path: string, read: (content: FileContent) => Promise<T>): Promise<T> {
  const handle = await open(path, 'r');
  try {
    const stats = await handle.stat();
    const magic = Buffer.alloc(GZIP_MAGIC.length);
    const { bytesRead } = await handle.read(magic, 0, magic.length, 0);
    const gzipped = bytesRead === magic.length && GZIP_MAGIC.every((byte, i) => magic[i] === byte);
    return await read({ chunks: contentOf({ fd: handle.fd, gzipped }), fd: handle.fd, gzipped, stats });
  } finally {
    await handle.close();
  }
}

/**
 * Loads a data file: its decompressed content through `parse`, with the facts
 * every data file has (gzipped, the version read); rejects with
 * DataFileLoadError, naming the path once, whatever failed.
 */
export async function loadDataFile<Parsed extends object>(
  path: string,
  parse: (chunks: AsyncIterable<Buffer>, file: OpenFile) => Promise<Parsed>,
): Promise<Parsed & { readonly gzipped: boolean; readonly stats: Stats }> {
  try {
    return await readFileContent(path, async (file) => ({ ...(await parse(file.chunks, file)), gzipped: file.gzipped, stats: file.stats }));
  } catch (error) {
    throw new DataFileLoadError(path, error);
  }
}
