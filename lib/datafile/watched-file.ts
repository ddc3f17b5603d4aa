/**
 * A value loaded from a file and kept up to date: when the file changes it
 * is loaded again aside and then swapped in with one assignment, so readers
 * see the old value or the new one, never a mix. A file that fails to load
 * leaves the old value in place; the failure is reported once per version
 * of the file, not on every poll.
 */

import { type FSWatcher, type Stats, unwatchFile, watch, watchFile } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

/** What tells one version of a file from another, and its time: what is kept of the file a value was read from. */
export type FileVersion = Pick<Stats, 'dev' | 'ino' | 'size' | 'mtimeMs' | 'ctimeMs' | 'mtime'>;

/** Only the FileVersion fields of `stats`: what can be posted to another thread or kept in a snapshot. */
export function fileVersionOf({ dev, ino, size, mtimeMs, ctimeMs, mtime }: FileVersion): FileVersion {
  return { dev, ino, size, mtimeMs, ctimeMs, mtime };
}

export interface LoadedFile<T> {
  readonly value: T;
  /** The file the value was read from. */
  readonly stats: FileVersion;
  readonly loadedAt: Date;
}

export interface WatchedFileOptions<T> {
  readonly path: string;
  /**
   * Reads the file; `stats` must be those of the file actually read.
   * `signal` is aborted when the WatchedFile is closed: a load may then
   * stop, and its outcome is no longer heard.
   */
  readonly load: (path: string, signal?: AbortSignal) => Promise<{ value: T; stats: FileVersion }>;
  /**
   * A value kept from an earlier run (a snapshot) of the file version in its
   * stats: it answers at once, and the file is loaded in the background
   * only when it is no longer that version.
   */
  readonly initial?: { readonly value: T; readonly stats: FileVersion };
  readonly pollIntervalMs: number;
  readonly settleMs: number;
  /** A reload failed; the previous value stays. */
  readonly onError: (error: Error) => void;
  readonly onLoad?: (loaded: LoadedFile<T>) => void;
}

/** How the owner of a data file (a BGP table, VRPs) has it watched; the defaults suit dumps published by rename. */
export interface DataFileWatching {
  /** A reload failed; the data loaded before stays in use. */
  readonly onError: (error: Error) => void;
  /** How often the file is stat()ed even without change events; default 60 s. */
  readonly pollIntervalMs?: number;
  /** Quiet time after a change before reloading; default 2 s (dumps are often written in steps). */
  readonly settleMs?: number;
}

/** The WatchedFile options a DataFileWatching stands for. */
export function watchingOptions(watching: DataFileWatching): Pick<WatchedFileOptions<unknown>, 'onError' | 'pollIntervalMs' | 'settleMs'> {
  return { onError: watching.onError, pollIntervalMs: watching.pollIntervalMs ?? 60_000, settleMs: watching.settleMs ?? 2_000 };
}

const MISSING = 'missing';

export class WatchedFile<T> {
  private loaded: LoadedFile<T>;
  /** Signature of the file version that last failed to load, so it is not retried until it changes. */
  private failedSignature: string | undefined;
  /** Loads run one after the other. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly watcher: FileChangeWatcher;
  private readonly closing = new AbortController();

  private constructor(
    private readonly options: WatchedFileOptions<T>,
    first: LoadedFile<T>,
  ) {
    this.loaded = first;
    this.watcher = new FileChangeWatcher(options.path, {
      pollIntervalMs: options.pollIntervalMs,
      settleMs: options.settleMs,
      onChange: () => void this.reloadIfChanged(),
    });
  }

  /** Loads the file (unless given an initial value) and starts watching it; rejects when the first load fails. */
  static async open<T>(options: WatchedFileOptions<T>): Promise<WatchedFile<T>> {
    if (options.initial !== undefined) {
      const watched = new WatchedFile(options, { ...options.initial, loadedAt: new Date() });
      void watched.reloadIfChanged();
      return watched;
    }
    const { value, stats } = await options.load(options.path);
    return new WatchedFile(options, { value, stats, loadedAt: new Date() });
  }

  get current(): LoadedFile<T> {
    return this.loaded;
  }

  /** Loads the file now, changed or not; true when a new value was swapped in. */
  reload(): Promise<boolean> {
    return this.enqueue(() => this.load());
  }

  /** Loads the file when it is not the version in use or the last that failed; true when swapped in. */
  reloadIfChanged(): Promise<boolean> {
    return this.enqueue(async () => {
      const signature = await this.signatureNow();
      if (signature === fileSignature(this.loaded.stats) || signature === this.failedSignature) return false;
      return this.load();
    });
  }

  /** Stops watching, and ends a load under way. */
  close(): void {
    this.watcher.close();
    this.closing.abort();
  }

  private enqueue(task: () => Promise<boolean>): Promise<boolean> {
    // After the previous task, however it ended.
    const result = this.queue.then(task, task);
    this.queue = result;
    return result;
  }

  private async load(): Promise<boolean> {
    try {
      const { value, stats } = await this.options.load(this.options.path, this.closing.signal);
      // Rewritten or replaced while being read: what was read may be half a file. The
      // change has woken the watcher, which loads the file again once it settles.
      if (fileSignature(stats) !== (await this.signatureNow())) return false;
      this.loaded = { value, stats, loadedAt: new Date() };
      this.failedSignature = undefined;
      this.options.onLoad?.(this.loaded);
      return true;
    } catch (error) {
      if (this.closing.signal.aborted) return false; // ended by close(): nobody is there to hear it
      this.failedSignature = await this.signatureNow();
      this.options.onError(error instanceof Error ? error : new Error(String(error)));
      return false;
    }
  }

  private async signatureNow(): Promise<string> {
    try {
      return fileSignature(await stat(this.options.path));
    } catch {
      return MISSING;
    }
  }
}

/**
 * Tells a WatchedFile when its file may have changed. Two mechanisms,
 * because neither is enough alone:
 * - fs.watch on the file's directory, filtered by name: it reacts at once
 *   and, unlike a watch on the file itself, keeps working when the file is
 *   replaced by a rename (the usual way to publish a new dump atomically),
 *   but it is not available or reliable everywhere (network file systems,
 *   inotify limits);
 * - fs.watchFile, which polls stat() of the path and so sees any new
 *   content, inode or size, however slowly.
 * Events are debounced by `settleMs`, so a file being written in several
 * steps gives one notice once it has been quiet that long.
 */

export interface FileChangeWatcherOptions {
  /** How often to stat() the file in any case. */
  readonly pollIntervalMs: number;
  /** Quiet time after the last event before `onChange` is called. */
  readonly settleMs: number;
  readonly onChange: () => void;
}

export class FileChangeWatcher {
  private directoryWatcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly poll = (current: Stats, previous: Stats): void => {
    if (fileSignature(current) !== fileSignature(previous)) this.changed();
  };

  constructor(
    private readonly path: string,
    private readonly options: FileChangeWatcherOptions,
  ) {
    this.directoryWatcher = this.watchDirectory();
    watchFile(path, { interval: options.pollIntervalMs }, this.poll);
  }

  close(): void {
    this.directoryWatcher?.close();
    this.directoryWatcher = undefined;
    unwatchFile(this.path, this.poll);
    clearTimeout(this.timer);
  }

  private watchDirectory(): FSWatcher | undefined {
    const name = basename(this.path);
    try {
      const watcher = watch(dirname(this.path), (_event, filename) => {
        if (filename === null || filename === name) this.changed();
      });
      // Polling still covers the file when the directory watch breaks down.
      watcher.on('error', () => {
        watcher.close();
        this.directoryWatcher = undefined;
      });
      return watcher;
    } catch {
      return undefined; // not supported here: polling alone
    }
  }

  private changed(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.options.onChange, this.options.settleMs);
  }
}

/** What identifies one version of a file: a new inode, size or time means new content. */
function fileSignature(stats: FileVersion): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
}
