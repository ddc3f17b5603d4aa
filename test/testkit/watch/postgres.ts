/**
 * PostgreSQL from Debian's package, started for a test in a folder of its
 * own and reached on a unix socket there (no TCP port): a database we did not
 * write, for the stores that must meet one. PostgreSQL refuses to run as
 * root, so as root the cluster runs as `nobody`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { stopAndRemove } from '../dns/nsd.ts';
import { errorMessage } from '../../../lib/ops/error-fields.ts';

function binaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.map((v) => join(root, v, 'bin')).find((bin) => existsSync(join(bin, 'postgres')) && existsSync(join(bin, 'initdb')));
}

/** Why a test of PostgreSQL cannot run here, or false: skipped with the reason, unless CI requires real servers. */
export function missingPostgres(): string | false {
  if (binaries() || process.env.FEDIDIG_REQUIRE_REAL_SERVERS === '1') return false;
  return 'not installed: PostgreSQL (apt-get install postgresql, as .ci/run does)';
}

export interface Postgres {
  /** For DATABASE_URL: the `postgres` database on the unix socket in the cluster's folder. */
  readonly url: string;
  close(): Promise<void>;
}

const NOBODY = 65534;

export async function startPostgres(): Promise<Postgres> {
  const bin = binaries();
  if (!bin) throw new Error(missingPostgres() || 'PostgreSQL is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'fedidig-postgres-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, NOBODY, NOBODY);
  const as = asRoot ? { uid: NOBODY, gid: NOBODY } : {};
  const data = join(dir, 'data');
  execFileSync(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'fedidig', '--no-sync', '-E', 'UTF8'], { stdio: 'ignore', cwd: dir, ...as });
  const server = spawn(join(bin, 'postgres'), ['-D', data, '-k', dir, '-c', 'listen_addresses=', '-c', 'fsync=off', '-c', 'max_connections=50'], {
    stdio: 'ignore',
    cwd: dir,
    ...as,
  });
  const url = `postgresql://fedidig@/postgres?host=${encodeURIComponent(dir)}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline || server.exitCode !== null) {
        await stopAndRemove(server, dir);
        throw new Error(`PostgreSQL did not start in ${dir}: ${errorMessage(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    close: async () => {
      // SIGINT is the fast shutdown: clients still connected (a killed bot's pool) do not hold it up, as with SIGTERM.
      if (server.exitCode === null) server.kill('SIGINT');
      await stopAndRemove(server, dir);
    },
  };
}
