/**
 * Which bootstrap registries the RDAP client uses, and keeping them fresh.
 * Three origins, in order of preference:
 * - an operator's folder (RDAP_BOOTSTRAP_DIR), used as it is and never refreshed from IANA, its
 *   files watched and reloaded when the operator replaces them (the data-file pipeline);
 * - IANA's files, fetched at most once a day through the guarded fetch and
 *   kept in STATE_DIR (`rdap-bootstrap/`), so that a restart uses them at once;
 * - the dated copy shipped in lib/rdap/iana-bootstrap/, so that the bot
 *   answers from its first start.
 */
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../ops/logger.ts';
import { errorFields } from '../ops/error-fields.ts';
import { bootstrapFiles, parseBootstrap, publicationOf, type BootstrapFile, type RdapBootstrap } from './bootstrap.ts';
import type { JsonFetch } from './rdap-fetch.ts';
import { bootstrapFile, bootstrapOf, loadBootstrapDir, type LoadedBootstrapFile } from './bootstrap-file.ts';
import { DataFileLoadError } from '../datafile/errors.ts';
import { loggedDataFile, openDataFile } from '../datafile/data-file.ts';
import type { LoadedFile, WatchedFile } from '../datafile/watched-file.ts';
import shippedAsn from './iana-bootstrap/asn.json' with { type: 'json' };
import shippedDns from './iana-bootstrap/dns.json' with { type: 'json' };
import shippedIpv4 from './iana-bootstrap/ipv4.json' with { type: 'json' };
import shippedIpv6 from './iana-bootstrap/ipv6.json' with { type: 'json' };

/** At most one refresh (tried or done) a day. */
export const REFRESH_INTERVAL_MS = 24 * 60 * 60_000;
const STATE_FOLDER = 'rdap-bootstrap';
/** Touched at each refresh tried, so that a restart does not try again within the day. */
const ATTEMPT_MARK = 'last-attempt';

export interface BootstrapInfo {
  readonly origin: 'operator' | 'refreshed' | 'shipped';
  /** The oldest publication time of the four files in use. */
  readonly publication?: Date;
  /** The operator's folder, when it is one. */
  readonly dir?: string;
}

/** What the engine does with the registries besides reading them (that is the RDAP client's): tells where they come from, reloads and closes them. */
export interface BootstrapRegistries {
  info(): BootstrapInfo;
  /** True when a file changed. */
  reload(): Promise<boolean>;
  close(): void;
}

export interface BootstrapStoreOptions {
  /** RDAP_BOOTSTRAP_DIR: the operator's own files, never refreshed. */
  readonly operatorDir?: string;
  /**
   * STATE_DIR. Without it (the lookup command, which answers one question) nothing is refreshed,
   * and an operator's folder is read once rather than watched through the data-file pipeline.
   */
  readonly stateDir?: string;
  /** Where the four files are fetched from, with a trailing slash (IANA_BOOTSTRAP_URL; the tests' loopback server). */
  readonly refreshUrl?: string;
  /** The guarded fetch, with a size cap fit for the files. */
  readonly fetch?: JsonFetch;
  readonly logger: Logger;
  readonly now?: () => number;
}

export class BootstrapStore implements BootstrapRegistries {
  private refreshing: Promise<boolean> | undefined;
  private lastAttempt = 0;

  private constructor(
    private bootstrap: RdapBootstrap,
    private origin: BootstrapInfo['origin'],
    private readonly options: BootstrapStoreOptions,
    /** The operator's four files, watched through the data-file pipeline. */
    private readonly operatorFiles?: readonly WatchedFile<LoadedBootstrapFile>[],
  ) {}

  /**
   * The operator's files, else the ones refreshed into STATE_DIR, else the
   * shipped copy. Nothing is fetched until a question uses the registries: a
   * bot nobody asks `whois` sends nothing to IANA.
   */
  static async open(options: BootstrapStoreOptions): Promise<BootstrapStore> {
    if (options.operatorDir && options.stateDir) {
      const files = await openOperatorFiles(options.operatorDir, options);
      return new BootstrapStore(operatorBootstrap(files), 'operator', options, files);
    }
    // Without STATE_DIR, a command that answers one question: read once, nothing to watch or keep.
    if (options.operatorDir) return new BootstrapStore(await loadBootstrapDir(options.operatorDir), 'operator', options);
    const store = new BootstrapStore(shippedBootstrap(), 'shipped', options);
    if (options.stateDir) await store.loadState(options.stateDir);
    return store;
  }

  /** The registries to use now (the operator's as last loaded); starts a refresh in the background when one is due. */
  current(): RdapBootstrap {
    if (this.operatorFiles) return operatorBootstrap(this.operatorFiles);
    this.refreshIfDue();
    return this.bootstrap;
  }

  /** What `info` says of the registries; reading them for it starts no refresh (only a whois question may reach IANA). */
  info(): BootstrapInfo {
    const bootstrap = this.operatorFiles ? operatorBootstrap(this.operatorFiles) : this.bootstrap;
    return { origin: this.origin, publication: publicationOf(bootstrap), ...(this.origin === 'operator' && { dir: this.options.operatorDir }) };
  }

  /** Reads the operator's files again now (SIGHUP); true when one changed. */
  async reload(): Promise<boolean> {
    const changed = await Promise.all((this.operatorFiles ?? []).map((file) => file.reload()));
    return changed.some(Boolean);
  }

  /** Stops watching the operator's files. */
  close(): void {
    for (const file of this.operatorFiles ?? []) file.close();
  }

  /** Fetches IANA's files when the last try is a day old (never for the operator's files, nor without STATE_DIR); true when new ones came. */
  refreshIfDue(): Promise<boolean> {
    const { stateDir, fetch, refreshUrl } = this.options;
    const now = (this.options.now ?? Date.now)();
    if (this.origin === 'operator' || !stateDir || !fetch || !refreshUrl || this.refreshing || now - this.lastAttempt < REFRESH_INTERVAL_MS)
      return this.refreshing ?? Promise.resolve(false);
    this.lastAttempt = now;
    this.refreshing = this.refresh(stateDir, fetch, refreshUrl).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refresh(stateDir: string, fetch: JsonFetch, refreshUrl: string): Promise<boolean> {
    const { logger } = this.options;
    const folder = join(stateDir, STATE_FOLDER);
    try {
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, ATTEMPT_MARK), new Date(this.lastAttempt).toISOString());
      const answers = await Promise.all(bootstrapFiles.map((file) => fetch(new URL(`${file}.json`, refreshUrl).href)));
      const files = Object.fromEntries(bootstrapFiles.map((file, i) => [file, answers[i]!.json])) as Record<BootstrapFile, unknown>;
      const bootstrap = parseBootstrap(files);
      // Each file written aside and renamed, so that a crash leaves whole files; the four are read together again at a restart.
      for (const file of bootstrapFiles) {
        const path = join(folder, `${file}.json`);
        await writeFile(`${path}.tmp`, JSON.stringify(files[file]));
        await rename(`${path}.tmp`, path);
      }
      this.bootstrap = bootstrap;
      this.origin = 'refreshed';
      logger.info({ event: 'rdap-bootstrap-refreshed', publication: publicationOf(bootstrap)?.toISOString() }, 'RDAP bootstrap registries refreshed');
      return true;
    } catch (error) {
      logger.warn({ event: 'rdap-bootstrap-error', ...errorFields(error) }, 'RDAP bootstrap refresh failed');
      return false;
    }
  }

  /** The files of an earlier refresh, when all four are there and whole, and the time of the last try. */
  private async loadState(stateDir: string): Promise<void> {
    const folder = join(stateDir, STATE_FOLDER);
    const mark = await stat(join(folder, ATTEMPT_MARK)).catch(() => undefined);
    if (mark) this.lastAttempt = mark.mtimeMs;
    try {
      this.bootstrap = await loadBootstrapDir(folder);
      this.origin = 'refreshed';
    } catch (error) {
      // No earlier refresh (no file there yet) is no error to report.
      const cause = error instanceof DataFileLoadError ? error.cause : error;
      const missing = cause instanceof Error && 'code' in cause && cause.code === 'ENOENT';
      if (!missing) this.options.logger.warn({ event: 'rdap-bootstrap-error', ...errorFields(error) }, 'RDAP bootstrap in STATE_DIR ignored');
    }
  }
}

/**
 * The operator's dns.json, ipv4.json, ipv6.json and asn.json through the
 * data-file pipeline, each with its snapshot in STATE_DIR; a file replaced
 * by a broken one leaves the last good one in use (`rdap-bootstrap-error`).
 */
async function openOperatorFiles(dir: string, options: BootstrapStoreOptions): Promise<WatchedFile<LoadedBootstrapFile>[]> {
  const { logger, stateDir } = options;
  const opened = await Promise.allSettled(
    bootstrapFiles.map((file) =>
      openDataFile(bootstrapFile, {
        path: join(dir, `${file}.json`),
        ...loggedDataFile(logger, stateDir, {
          snapshotName: `rdap-bootstrap-${file}.snapshot`,
          events: 'rdap-bootstrap',
          snapshotEvents: 'rdap-bootstrap',
          what: `RDAP bootstrap ${file}.json`,
          figures: (loaded: LoadedFile<LoadedBootstrapFile>) => ({ entries: loaded.value.registry.entries.length }),
          fields: { file },
        }),
      }),
    ),
  );
  const failed = opened.find((result) => result.status === 'rejected');
  if (failed) {
    for (const result of opened) if (result.status === 'fulfilled') result.value.close();
    throw failed.reason;
  }
  return opened.map((result) => (result as PromiseFulfilledResult<WatchedFile<LoadedBootstrapFile>>).value);
}

function operatorBootstrap(files: readonly WatchedFile<LoadedBootstrapFile>[]): RdapBootstrap {
  const [dns, ipv4, ipv6, asn] = files.map((file) => file.current.value);
  return bootstrapOf({ dns: dns!, ipv4: ipv4!, ipv6: ipv6!, asn: asn! });
}

/** The dated copy in lib/rdap/iana-bootstrap/. */
export function shippedBootstrap(): RdapBootstrap {
  return parseBootstrap({ dns: shippedDns, ipv4: shippedIpv4, ipv6: shippedIpv6, asn: shippedAsn });
}
