/**
 * The one pipeline every data file goes through (a routing table, VRPs, AS
 * names, RDAP bootstrap files, and whatever comes next): the file is watched
 * (watched-file.ts), each version is loaded and built in a child process
 * (build-process.ts), so that the build's scratch ends with it, which writes
 * its snapshot (snapshot-file.ts) to STATE_DIR, or without one to a
 * temporary file; the bot reads the snapshot back and swaps the value in
 * whole. At open, a snapshot of the same file version answers at once and
 * the file is loaded only when it has changed.
 *
 * A kind of data file says only what is its own: how a file is loaded, which
 * parts of the loaded value go into a snapshot (and so back to the bot), and how the
 * value is put together again around them.
 */

import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBuildProcess, runBuildProcess, serveBuildRequest } from './build-process.ts';
import { DataFileLoadError } from './errors.ts';
import { type PostedError, postableError, revivedError } from './posted-error.ts';
import { type DataFileFacts, readFileSnapshot, writeFileSnapshot } from './snapshot-file.ts';
import { errorFields } from '../ops/error-fields.ts';
import type { Logger } from '../ops/logger.ts';
import { type DataFileWatching, fileVersionOf, type LoadedFile, WatchedFile, watchingOptions } from './watched-file.ts';

export type { DataFileFacts } from './snapshot-file.ts';

export interface DataFileKind<Loaded extends DataFileFacts<string>, Parts extends object, LoadOptions extends object = object> {
  /** Names the kind's snapshots; a snapshot of another kind is refused. */
  readonly name: string;
  /**
   * Where the build process finds this kind: the module that exports it
   * (its import.meta.url) and the name it is exported as.
   */
  readonly module: string;
  readonly exportName: string;
  /** Loads and builds a file, in the build process, with the options its owner gave (JSON); rejects with DataFileLoadError. */
  load(path: string, options?: LoadOptions): Promise<Loaded>;
  /** What of a loaded file goes into a snapshot, and so back to the bot: typed arrays, strings, numbers. */
  parts(loaded: Loaded): Parts;
  /** The loaded value again around its parts, deriving nothing. */
  assemble(facts: DataFileFacts<Loaded['format']>, parts: Parts): Loaded;
}

// biome-ignore lint/suspicious/noExplicitAny: a kind of any value, as the build process finds it by name
type AnyKind = DataFileKind<any, any, any>;

interface BuildRequest {
  readonly module: string;
  readonly exportName: string;
  readonly path: string;
  readonly loadOptions?: object;
  /** The snapshot in STATE_DIR, if there is one. */
  readonly snapshotPath?: string;
  /** Where the snapshot goes when there is none in STATE_DIR or it cannot be written; the parent removes it. */
  readonly temporaryPath: string;
}

interface BuildResult {
  /** The snapshot that holds the data: snapshotPath or temporaryPath. */
  readonly writtenTo: string;
  /** Why the snapshot in STATE_DIR could not be written, if it could not; the data is good all the same. */
  readonly snapshotError?: PostedError;
}

const BUILD_MODULE = new URL(import.meta.url);

/** Builds so far in this process, for temporary names that two builds under way never share. */
let builds = 0;

/**
 * Loads and builds `path` in a child process and reads back the snapshot it
 * writes; rejects with DataFileLoadError. `signal` ends the build.
 */
async function buildInChildProcess<Loaded extends DataFileFacts<string>, Parts extends object, LoadOptions extends object>(
  kind: DataFileKind<Loaded, Parts, LoadOptions>,
  path: string,
  snapshot: {
    readonly loadOptions?: LoadOptions;
    readonly snapshotPath?: string;
    readonly onSnapshotError?: (error: Error) => void;
    readonly signal?: AbortSignal;
  },
): Promise<Loaded> {
  const request: BuildRequest = {
    module: kind.module,
    exportName: kind.exportName,
    path,
    ...(snapshot.loadOptions !== undefined && { loadOptions: snapshot.loadOptions }),
    ...(snapshot.snapshotPath !== undefined && { snapshotPath: snapshot.snapshotPath }),
    temporaryPath: join(tmpdir(), `fedidig-${kind.name}-${process.pid}-${++builds}.snapshot`),
  };
  try {
    const result = await runBuildProcess<BuildRequest, BuildResult>(BUILD_MODULE, request, snapshot.signal);
    if (result.snapshotError !== undefined) snapshot.onSnapshotError?.(revivedError(result.snapshotError));
    return await readDataFileSnapshot(kind, result.writtenTo, path);
  } catch (error) {
    throw new DataFileLoadError(path, error);
  } finally {
    // Its arrays are views on the bytes read, not on the file: it can go at once.
    await rm(request.temporaryPath, { force: true });
  }
}

/** Writes the snapshot of `loaded`, read from `sourcePath`. */
export function writeDataFileSnapshot<Loaded extends DataFileFacts<string>, Parts extends object>(
  kind: DataFileKind<Loaded, Parts>,
  snapshotPath: string,
  sourcePath: string,
  loaded: Loaded,
): Promise<void> {
  return writeFileSnapshot(snapshotPath, kind.name, sourcePath, factsOf(loaded), kind.parts(loaded));
}

/** The value of a snapshot of `sourcePath`; rejects with SnapshotError (or the file system's error when there is none). */
export async function readDataFileSnapshot<Loaded extends DataFileFacts<string>, Parts extends object>(
  kind: DataFileKind<Loaded, Parts>,
  snapshotPath: string,
  sourcePath: string,
): Promise<Loaded> {
  const { parts, ...facts } = await readFileSnapshot<Loaded['format'], Parts>(snapshotPath, kind.name, sourcePath);
  return kind.assemble(facts, parts);
}

/** How the owner of a data file hears of its snapshot. */
export interface SnapshotListener<T> {
  /** The snapshot answers, read in `ms`. */
  readonly onSnapshotLoaded?: (value: T, ms: number) => void;
  /** A snapshot was ignored (SnapshotError: another version or file, corrupt) or could not be written; the data file is loaded as without one. */
  readonly onSnapshotError?: (error: Error) => void;
}

export interface DataFileOptions<Loaded, LoadOptions extends object = object> extends DataFileWatching, SnapshotListener<LoadedFile<Loaded>> {
  readonly path: string;
  /** How the kind loads the file (its `load`'s options). */
  readonly loadOptions?: LoadOptions;
  /** Where to keep the snapshot (in STATE_DIR); none without it. */
  readonly snapshotPath?: string;
  /** A new version was swapped in. */
  readonly onLoad?: (loaded: LoadedFile<Loaded>) => void;
}

/**
 * Opens a data file through the pipeline: answers from its snapshot when
 * there is a good one of this file version, else loads it; then watches it.
 * Rejects with DataFileLoadError when the first load fails.
 */
export async function openDataFile<Loaded extends DataFileFacts<string>, Parts extends object, LoadOptions extends object = object>(
  kind: DataFileKind<Loaded, Parts, LoadOptions>,
  options: DataFileOptions<Loaded, LoadOptions>,
): Promise<WatchedFile<Loaded>> {
  const { path, loadOptions, snapshotPath, onSnapshotError } = options;
  const snapshot = await snapshotIfAny(snapshotPath, (at) => readDataFileSnapshot(kind, at, path), {
    onSnapshotLoaded: (loaded, ms) => options.onSnapshotLoaded?.({ value: loaded, stats: loaded.stats, loadedAt: new Date() }, ms),
    ...(onSnapshotError && { onSnapshotError }),
  });
  return WatchedFile.open({
    ...watchingOptions(options),
    path,
    load: async (at, signal) => {
      const loaded = await buildInChildProcess(kind, at, {
        ...(loadOptions !== undefined && { loadOptions }),
        ...(snapshotPath !== undefined && { snapshotPath }),
        ...(onSnapshotError && { onSnapshotError }),
        ...(signal && { signal }),
      });
      return { value: loaded, stats: loaded.stats };
    },
    ...(options.onLoad && { onLoad: options.onLoad }),
    ...(snapshot && { initial: { value: snapshot, stats: snapshot.stats } }),
  });
}

/** What `read` makes of the snapshot at `snapshotPath`, if there is a good one; no snapshot there is no error. */
export async function snapshotIfAny<T>(
  snapshotPath: string | undefined,
  read: (path: string) => Promise<T>,
  listener: SnapshotListener<T>,
): Promise<T | undefined> {
  if (snapshotPath === undefined) return undefined;
  const started = performance.now();
  try {
    const value = await read(snapshotPath);
    listener.onSnapshotLoaded?.(value, performance.now() - started);
    return value;
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') listener.onSnapshotError?.(error);
    return undefined;
  }
}

/** Only the facts of a loaded file, its stats cut down to what can lie in a snapshot. */
function factsOf({ format, gzipped, dataTime, stats }: DataFileFacts<string>): DataFileFacts<string> {
  return { format, gzipped, dataTime, stats: fileVersionOf(stats) };
}

/** In the build process: finds the kind asked for, builds the file, writes its snapshot, says where. */
async function serveBuild(request: BuildRequest): Promise<BuildResult> {
  const kind = (await import(request.module))[request.exportName] as AnyKind | undefined;
  if (kind === undefined) throw new TypeError(`${request.module} exports no data-file kind ${request.exportName}`);
  const loaded = await kind.load(request.path, request.loadOptions);
  const write = (at: string) => writeDataFileSnapshot(kind, at, request.path, loaded);
  let snapshotError: PostedError | undefined;
  if (request.snapshotPath !== undefined) {
    try {
      await write(request.snapshotPath);
      return { writtenTo: request.snapshotPath };
    } catch (error) {
      // STATE_DIR is full or not writable: the next restart loses its head start, not this data.
      snapshotError = postableError(error);
    }
  }
  await write(request.temporaryPath);
  return { writtenTo: request.temporaryPath, ...(snapshotError && { snapshotError }) };
}

// This module is also the build process's: forked as one (runBuildProcess), it serves that build. Not awaited, so
// that this module has finished evaluating when the kind's module, which may import it, is imported.
if (isBuildProcess()) void serveBuildRequest(serveBuild);

/** How a data file's life is logged: `<events>-loaded` and `<events>-error` for the file, `<snapshotEvents>-snapshot-…` for its snapshot. */
export interface DataFileLog<T> {
  /** The snapshot's file name in STATE_DIR. */
  readonly snapshotName: string;
  /** `bgp-table`: the file's events. */
  readonly events: string;
  /** `bgp`: the snapshot's events. */
  readonly snapshotEvents: string;
  /** `BGP table`: the data, as log lines name it. */
  readonly what: string;
  /** The fields that say how much was loaded. */
  readonly figures: (value: T) => Record<string, unknown>;
  /** Fields that say which file it is, where a kind has several (RDAP's four bootstrap files), in every event. */
  readonly fields?: Record<string, unknown>;
}

/**
 * The logging options of a data file, one shape for every kind: a version
 * swapped in (`<events>-loaded` with its figures), one that could not be
 * (`<events>-error`; the version before keeps answering), and its snapshot
 * in `dir` (STATE_DIR; no snapshot without one) used or refused.
 */
export function loggedDataFile<T>(
  logger: Logger,
  dir: string | undefined,
  log: DataFileLog<T>,
): { readonly snapshotPath?: string; readonly onError: (error: Error) => void; readonly onLoad: (value: T) => void } & SnapshotListener<T> {
  const { events, what } = log;
  return {
    ...loggedSnapshot(logger, dir, log),
    onError: (error) =>
      logger.warn({ event: `${events}-error`, ...log.fields, ...errorFields(error) }, `${what} not loaded; the version before keeps answering`),
    onLoad: (value) => logger.info({ event: `${events}-loaded`, ...log.fields, ...log.figures(value) }, `${what} loaded`),
  };
}

function loggedSnapshot<T>(logger: Logger, dir: string | undefined, log: DataFileLog<T>): { readonly snapshotPath?: string } & SnapshotListener<T> {
  if (dir === undefined) return {};
  const { snapshotEvents: events, what } = log;
  return {
    snapshotPath: join(dir, log.snapshotName),
    onSnapshotLoaded: (value, ms) =>
      logger.info(
        { event: `${events}-snapshot-loaded`, ...log.fields, ...log.figures(value), ms: Math.round(ms) },
        `${what} answering from the snapshot (read in ${Math.round(ms)} ms); the file is loaded again only if it changed`,
      ),
    onSnapshotError: (error) =>
      logger.warn({ event: `${events}-snapshot-error`, ...log.fields, ...errorFields(error) }, `${what} snapshot not used; going on without it`),
  };
}
