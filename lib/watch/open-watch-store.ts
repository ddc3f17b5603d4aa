import { join } from 'node:path';
import { SqlWatchStore } from './sql-watch-store.ts';
import type { WatchConfig } from './watch-config.ts';
import type { WatchStore } from './watch-store.ts';

/** The store DATABASE_URL names (PostgreSQL, shared by replicas), else SQLite in STATE_DIR; and which, for `info`. */
export async function openWatchStore(config: WatchConfig, stateDir: string): Promise<{ store: WatchStore; kind: 'PostgreSQL' | 'SQLite' }> {
  return config.databaseUrl
    ? { store: await SqlWatchStore.postgres(config.databaseUrl), kind: 'PostgreSQL' }
    : { store: await SqlWatchStore.sqlite(join(stateDir, 'watches.sqlite')), kind: 'SQLite' };
}
