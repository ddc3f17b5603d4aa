import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How far the bot got, kept across restarts: `after` is the id of the newest
 * notification below which everything is handled (where catch-up stops),
 * `afterCreatedAt` when the server created it, `handled` the newest ids
 * answered (those above it among them). Ids are opaque strings; their order
 * is the server's, never compared here.
 */
export interface Progress {
  readonly after?: string;
  readonly afterCreatedAt?: string;
  readonly handled: readonly string[];
}

/** Where the progress is kept: a file (ProgressStore), or anything that loads what it saved. */
export interface ProgressStorage {
  load(): Progress;
  save(progress: Progress): void;
}

export class ProgressStore implements ProgressStorage {
  private readonly path: string;

  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true });
    this.path = join(stateDir, 'progress.json');
  }

  load(): Progress {
    try {
      const data = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<Progress>;
      const handled = Array.isArray(data.handled) ? data.handled.map(String) : [];
      const after = typeof data.after === 'string' ? data.after : undefined;
      return typeof data.afterCreatedAt === 'string' ? { after, afterCreatedAt: data.afterCreatedAt, handled } : { after, handled };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { handled: [] };
      throw error;
    }
  }

  /** Written aside and renamed over the old file, so a crash leaves the old or the new state, never half of one. */
  save(progress: Progress): void {
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(progress));
    renameSync(temporary, this.path);
  }
}
