import type { Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { parseBlockList, type BlockList } from './block-list.ts';
import type { Logger } from '../ops/logger.ts';
import { WatchedFile } from '../datafile/watched-file.ts';

/** BLOCKLIST_FILE, kept up to date. */
export interface BlockListFile {
  /** The list as last read. */
  current(): BlockList;
  close(): void;
}

/**
 * Reads a block list file (one entry per line, `#` comments) and re-reads it
 * when it changes: `block-list-loaded` with the counts, or `block-list-error`,
 * and the list read before stays in force. Rejects when the first read fails.
 */
export async function watchBlockList(path: string, logger: Logger, timing = { pollIntervalMs: 10_000, settleMs: 500 }): Promise<BlockListFile> {
  const log = logger.child({ component: 'block-list' });
  const file = await WatchedFile.open({
    path,
    load: readBlockList,
    ...timing,
    onError: (error) =>
      log.warn({ event: 'block-list-error', path, error: error.message }, `block list ${path}: ${error.message}; the list read before stays in force`),
    onLoad: ({ value }) =>
      log.info(
        { event: 'block-list-loaded', path, accounts: value.accounts.size, instances: value.domains.size },
        `block list ${path}: ${value.accounts.size} accounts, ${value.domains.size} instances`,
      ),
  });
  return { current: () => file.current.value, close: () => file.close() };
}

/** One open file for both, so that the stats are of the file read even when it is renamed over meanwhile (WatchedFile's contract). */
async function readBlockList(path: string): Promise<{ value: BlockList; stats: Stats }> {
  const handle = await open(path, 'r');
  try {
    const stats = await handle.stat();
    return { value: parseBlockList((await handle.readFile('utf8')).split('\n')), stats };
  } finally {
    await handle.close();
  }
}
