import { mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The worker touches this file while it is really connected (and while it opens its data); the supervisor reads its age. */
export function writeHeartbeat(path: string, now = new Date()): void {
  try {
    utimesSync(path, now, now);
  } catch {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, '');
    utimesSync(path, now, now);
  }
}

/** Milliseconds since the last heartbeat, or Infinity when there was none. */
export function heartbeatAge(path: string, now = Date.now()): number {
  try {
    return now - statSync(path).mtimeMs;
  } catch {
    return Infinity;
  }
}
