/**
 * Tells when a file may have changed. Two mechanisms, because neither is
 * enough alone:
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

import { type FSWatcher, type Stats, unwatchFile, watch, watchFile } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface FileWatcherOptions {
  /** How often to stat() the file in any case. */
  readonly pollIntervalMs: number;
  /** Quiet time after the last event before `onChange` is called. */
  readonly settleMs: number;
  readonly onChange: () => void;
}

export class FileWatcher {
  private directoryWatcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly poll = (current: Stats, previous: Stats): void => {
    if (fileSignature(current) !== fileSignature(previous)) this.changed();
  };

  constructor(
    private readonly path: string,
    private readonly options: FileWatcherOptions,
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
export function fileSignature(stats: Stats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
}
