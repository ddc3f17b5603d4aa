/**
 * Snapshots of built data (a routing table, VRPs, AS names) in STATE_DIR, so that a
 * restart answers from the last data in well under a second instead of
 * parsing a dump for many. The data is its typed arrays, written as they lie
 * in memory and read back as views on the file's bytes:
 *
 *   magic "FEDIDIGS" (8) | format version u32 LE | header length u32 LE
 *   | header: JSON { kind, meta, parts } where each typed array of the parts
 *     is { "$array": type, "offset": in the body, "length" }
 *   | padding to 8 | body: the arrays, each at a multiple of 8
 *   | SHA-256 of everything before it (32)
 *
 * A snapshot of another format version or kind, cut short or with a wrong
 * checksum is refused with a SnapshotError; whoever asked goes on without it.
 */

import { createHash } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { SnapshotError } from './errors.ts';
import type { FileVersion } from './watched-file.ts';

const MAGIC = Buffer.from('FEDIDIGS', 'latin1');
/** Bump on any change to what a kind's parts hold or mean: older snapshots are then ignored, not misread. */
export const SNAPSHOT_FORMAT_VERSION = 2;
const PREAMBLE_LENGTH = MAGIC.length + 8;
const CHECKSUM_LENGTH = 32;
const ALIGNMENT = 8;
/** Read a slice at a time, hashing one while the next is read. */
const READ_SLICE = 4 * 1024 * 1024;
/** A snapshot is written to `<snapshot>.<pid>-<thread>-<write>.tmp`, then renamed. */
const TEMPORARY_SUFFIX = '.tmp';
/** How long a temporary file of a writer not seen running stays untouched before it counts as abandoned. */
const ABANDONED_AFTER_MS = 60_000;

const ARRAY_TYPES = { Uint8Array, Int32Array, Uint32Array } as const;
type ArrayType = keyof typeof ARRAY_TYPES;
type SnapshotArray = InstanceType<(typeof ARRAY_TYPES)[ArrayType]>;

/** Writes so far in this thread, for temporary names that two writes under way never share. */
let writes = 0;

interface ArrayPlace {
  readonly $array: ArrayType;
  readonly offset: number;
  readonly length: number;
}

/** Writes `parts` (nested objects of typed arrays, numbers and strings) and `meta` as a snapshot of `kind`, atomically by rename. */
export async function writeSnapshot(path: string, kind: string, meta: unknown, parts: object): Promise<void> {
  const arrays: SnapshotArray[] = [];
  let bodyLength = 0;
  const described = JSON.stringify(parts, (_key, value: unknown) => {
    if (!ArrayBuffer.isView(value)) return value;
    const type = value.constructor.name;
    if (!(type in ARRAY_TYPES)) throw new TypeError(`a snapshot cannot hold a ${type}`);
    const place: ArrayPlace = { $array: type as ArrayType, offset: bodyLength, length: (value as SnapshotArray).length };
    arrays.push(value as SnapshotArray);
    bodyLength += align(value.byteLength);
    return place;
  });
  const header = Buffer.from(`{"kind":${JSON.stringify(kind)},"meta":${JSON.stringify(meta) ?? 'null'},"parts":${described}}`, 'utf8');
  const preamble = Buffer.alloc(PREAMBLE_LENGTH);
  MAGIC.copy(preamble);
  preamble.writeUInt32LE(SNAPSHOT_FORMAT_VERSION, MAGIC.length);
  preamble.writeUInt32LE(header.length, MAGIC.length + 4);
  const chunks = [preamble, header, Buffer.alloc(align(PREAMBLE_LENGTH + header.length) - PREAMBLE_LENGTH - header.length)];
  for (const array of arrays) {
    chunks.push(Buffer.from(array.buffer, array.byteOffset, array.byteLength), Buffer.alloc(align(array.byteLength) - array.byteLength));
  }
  // Written in the build process, which has nothing else to do meanwhile: hashed in one go.
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  chunks.push(hash.digest());
  await mkdir(dirname(path), { recursive: true });
  await removeAbandonedTemporaries(path);
  const temporary = `${path}.${process.pid}-${threadId}-${++writes}${TEMPORARY_SUFFIX}`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writev(chunks);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Removes the temporary files of snapshot `path` whose writer has ended: a
 * build process ended while it wrote (the bot shut down or closed the file
 * during a reload) leaves a file as large as the snapshot, and a bot that is
 * restarted often would fill STATE_DIR with them. Only names this module
 * writes, of a process not running, untouched for a minute (a writer in
 * another PID namespace, sharing STATE_DIR, is not seen running, and a write
 * takes a second); a writer still running, here or elsewhere, keeps its own.
 * Housekeeping: whatever fails here, the snapshot is written all the same.
 */
async function removeAbandonedTemporaries(path: string): Promise<void> {
  try {
    const stem = `${basename(path)}.`;
    for (const name of await readdir(dirname(path))) {
      if (!name.startsWith(stem) || !name.endsWith(TEMPORARY_SUFFIX)) continue;
      const numbers = name.slice(stem.length, -TEMPORARY_SUFFIX.length).split('-');
      if (numbers.length !== 3 || !numbers.every((number) => /^\d+$/.test(number))) continue;
      const temporary = join(dirname(path), name);
      if (isRunning(Number(numbers[0])) || Date.now() - (await stat(temporary)).mtimeMs < ABANDONED_AFTER_MS) continue;
      await rm(temporary, { force: true });
    }
  } catch {
    // STATE_DIR unreadable, or a file gone meanwhile: the write says what matters.
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: running, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads a snapshot of `kind`; its arrays are views on the file's bytes. Rejects with SnapshotError, or the file system's error. */
export async function readSnapshot<Meta, Parts>(path: string, kind: string): Promise<{ meta: Meta; parts: Parts }> {
  const { bytes, digest } = await readHashing(path);
  const refuse = (message: string) => new SnapshotError(path, message);
  if (bytes.length < PREAMBLE_LENGTH + CHECKSUM_LENGTH || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw refuse('not a fedidig snapshot');
  const version = bytes.readUInt32LE(MAGIC.length);
  if (version !== SNAPSHOT_FORMAT_VERSION) throw refuse(`format version ${version}, this fedidig reads ${SNAPSHOT_FORMAT_VERSION}`);
  const checked = bytes.subarray(0, bytes.length - CHECKSUM_LENGTH);
  if (!digest.equals(bytes.subarray(checked.length))) throw refuse('checksum mismatch: cut short or corrupt');
  const headerLength = bytes.readUInt32LE(MAGIC.length + 4);
  const bodyStart = align(PREAMBLE_LENGTH + headerLength);
  if (bodyStart > checked.length) throw refuse('header longer than the file');
  const header = JSON.parse(bytes.toString('utf8', PREAMBLE_LENGTH, PREAMBLE_LENGTH + headerLength), (_key, value: unknown) =>
    isArrayPlace(value) ? arrayAt(checked, bodyStart, value, refuse) : value,
  ) as { kind: string; meta: Meta; parts: Parts };
  if (header.kind !== kind) throw refuse(`holds ${header.kind}, not ${kind}`);
  return { meta: header.meta, parts: header.parts };
}

/**
 * The file's bytes and the SHA-256 of all but its last CHECKSUM_LENGTH, hashed
 * while the next slice is read: a table's snapshot costs about the time of
 * the read, not the read and then the hash (170 MB: about 0.1 s less).
 */
async function readHashing(path: string): Promise<{ bytes: Buffer; digest: Buffer }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    // Its own ArrayBuffer at offset 0, so that the arrays can be views on it.
    const bytes = Buffer.allocUnsafeSlow(size);
    const checkedLength = Math.max(0, size - CHECKSUM_LENGTH);
    const hash = createHash('sha256');
    const readAt = (offset: number) => handle.read(bytes, offset, Math.min(READ_SLICE, size - offset), offset);
    let reading = size > 0 ? readAt(0) : undefined;
    for (let offset = 0; reading !== undefined; ) {
      const { bytesRead } = await reading;
      if (bytesRead === 0) break; // the file shrank under us: the checksum will say so
      const start = offset;
      offset += bytesRead;
      reading = offset < size ? readAt(offset) : undefined;
      hash.update(bytes.subarray(start, Math.min(offset, checkedLength)));
    }
    return { bytes, digest: hash.digest() };
  } finally {
    await handle.close();
  }
}

function isArrayPlace(value: unknown): value is ArrayPlace {
  return typeof value === 'object' && value !== null && '$array' in value;
}

/** The array at its place in the body: a view when the file's bytes are aligned for it, else a copy. */
function arrayAt(checked: Buffer, bodyStart: number, place: ArrayPlace, refuse: (message: string) => SnapshotError): SnapshotArray {
  const Type = ARRAY_TYPES[place.$array];
  if (Type === undefined || !Number.isInteger(place.offset) || !Number.isInteger(place.length)) throw refuse('bad array in the header');
  const start = bodyStart + place.offset;
  const byteLength = place.length * Type.BYTES_PER_ELEMENT;
  if (place.offset < 0 || place.length < 0 || start + byteLength > checked.length) throw refuse('an array runs past the end');
  const at = checked.byteOffset + start;
  const buffer = checked.buffer as ArrayBuffer; // readFile's, never shared
  if (at % Type.BYTES_PER_ELEMENT === 0) return new Type(buffer, at, place.length);
  return new Type(buffer.slice(at, at + byteLength));
}

function align(length: number): number {
  return Math.ceil(length / ALIGNMENT) * ALIGNMENT;
}

/** What a data file's snapshot keeps besides its parts: the file version it was built from and what was read of it. */
export interface DataFileFacts<Format extends string> {
  readonly format: Format;
  readonly gzipped: boolean;
  /** When the data was taken, if the file records it. */
  readonly dataTime: Date | undefined;
  /** The file as it was opened: the one that was read, even if it has been replaced since. */
  readonly stats: FileVersion;
}

interface FileSnapshotMeta<Format extends string> {
  readonly source: string;
  readonly format: Format;
  readonly gzipped: boolean;
  /** Milliseconds since the epoch, or null when the file records no time. */
  readonly dataTime: number | null;
  /** Its mtime in milliseconds, as the Date fs.Stats gives (mtimeMs has a fraction that Date would round otherwise). */
  readonly file: Omit<FileVersion, 'mtime'> & { readonly mtime: number };
}

/** Writes the snapshot of data loaded from `sourcePath`: its parts and facts. */
export function writeFileSnapshot<Format extends string>(
  snapshotPath: string,
  kind: string,
  sourcePath: string,
  facts: DataFileFacts<Format>,
  parts: object,
): Promise<void> {
  const { dev, ino, size, mtimeMs, ctimeMs, mtime } = facts.stats;
  const meta: FileSnapshotMeta<Format> = {
    source: sourcePath,
    format: facts.format,
    gzipped: facts.gzipped,
    dataTime: facts.dataTime?.getTime() ?? null,
    file: { dev, ino, size, mtimeMs, ctimeMs, mtime: mtime.getTime() },
  };
  return writeSnapshot(snapshotPath, kind, meta, parts);
}

/** The parts and facts of a snapshot of `sourcePath`; rejects with SnapshotError (one of another file too), or the file system's error. */
export async function readFileSnapshot<Format extends string, Parts>(
  snapshotPath: string,
  kind: string,
  sourcePath: string,
): Promise<DataFileFacts<Format> & { readonly parts: Parts }> {
  const { meta, parts } = await readSnapshot<FileSnapshotMeta<Format>, Parts>(snapshotPath, kind);
  if (meta.source !== sourcePath) throw new SnapshotError(snapshotPath, `is of ${meta.source}, not ${sourcePath}`);
  return {
    parts,
    format: meta.format,
    gzipped: meta.gzipped,
    dataTime: meta.dataTime === null ? undefined : new Date(meta.dataTime),
    stats: { ...meta.file, mtime: new Date(meta.file.mtime) },
  };
}
