/**
 * Opens a data file for streaming, gunzipping it when it starts with the
 * gzip magic bytes, whatever its name says. The file is opened once, so
 * what is read and the stats reported are of the same file even when it is
 * replaced (renamed over) meanwhile.
 */

import type { Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DataFileLoadError } from './errors.ts';

const GZIP_MAGIC = [0x1f, 0x8b] as const;
const CHUNK_SIZE = 256 * 1024;

export interface FileContent {
  /** The decompressed bytes, in chunks of up to 256 KiB. */
  readonly chunks: AsyncIterable<Buffer>;
  readonly gzipped: boolean;
  readonly stats: Stats;
}

/** Calls `read` with the file's content; the file is closed when its promise settles. */
export async function readFileContent<T>(path: string, read: (content: FileContent) => Promise<T>): Promise<T> {
  const handle = await open(path, 'r');
  try {
    const stats = await handle.stat();
    const magic = Buffer.alloc(GZIP_MAGIC.length);
    const { bytesRead } = await handle.read(magic, 0, magic.length, 0);
    const gzipped = bytesRead === magic.length && GZIP_MAGIC.every((byte, i) => magic[i] === byte);
    const raw = handle.createReadStream({ start: 0, autoClose: false, highWaterMark: CHUNK_SIZE });
    // pipeline() passes a read error on to the gunzip stream, whose iteration then throws it.
    const chunks = gzipped ? pipeline(raw, createGunzip({ chunkSize: CHUNK_SIZE }), () => {}) : raw;
    return await read({ chunks, gzipped, stats });
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
  parse: (chunks: AsyncIterable<Buffer>) => Promise<Parsed>,
): Promise<Parsed & { readonly gzipped: boolean; readonly stats: Stats }> {
  try {
    return await readFileContent(path, async ({ chunks, gzipped, stats }) => ({ ...(await parse(chunks)), gzipped, stats }));
  } catch (error) {
    throw new DataFileLoadError(path, error);
  }
}
