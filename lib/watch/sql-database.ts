/**
 * The two databases a WatchStore runs on, behind the little the store needs:
 * statements with `$1`-style parameters, and a transaction serialised against
 * the other transactions of its kind (where limits are counted). SQLite in
 * STATE_DIR (better-sqlite3) for one bot; PostgreSQL (pg) for replicas.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { sqliteModuleError } from './sqlite-module-error.ts';

export type SqlValue = string | number | null;
export type SqlRow = Record<string, unknown>;

export interface SqlQuery {
  query(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
}

export interface SqlDatabase extends SqlQuery {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `work` in one transaction; such transactions run one at a time, across processes too. */
  serialised<T>(work: (db: SqlQuery) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `$1` → `@p1`: SQLite's named parameters, bound from an object. */
function sqliteStatement(sql: string): string {
  return sql.replace(/\$(\d+)/g, '@p$1');
}

function sqliteParams(params: readonly SqlValue[]): Record<string, SqlValue> {
  return Object.fromEntries(params.map((value, index) => [`p${index + 1}`, value]));
}

function newDatabase(path: string): Database.Database {
  try {
    return new Database(path);
  } catch (error) {
    throw sqliteModuleError(error) ?? error;
  }
}

/**
 * SQLite in a file (WAL, so that a reader never waits for a writer). The
 * binding is synchronous: each statement runs to its end before the promise
 * is even returned, so nothing interleaves inside one.
 */
export function openSqlite(path: string): SqlDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = newDatabase(path);
  db.pragma('journal_mode = WAL');
  // In WAL mode NORMAL survives a crash of the process (the watch's exactly-once needs no more); only power loss may undo a last write.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  const statements = new Map<string, Database.Statement>();
  const run = (sql: string, params: readonly SqlValue[] = []): SqlRow[] => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sqliteStatement(sql));
      statements.set(sql, statement);
    }
    const bound = sqliteParams(params);
    if (statement.reader) return statement.all(bound) as SqlRow[];
    statement.run(bound);
    return [];
  };
  let queue: Promise<unknown> = Promise.resolve();
  return {
    dialect: 'sqlite',
    query: async (sql, params) => run(sql, params),
    serialised<T>(work: (q: SqlQuery) => Promise<T>): Promise<T> {
      const result = queue.then(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const value = await work({ query: async (sql, params) => run(sql, params) });
          db.exec('COMMIT');
          return value;
        } catch (error) {
          db.exec('ROLLBACK');
          throw error;
        }
      });
      queue = result.catch(() => {});
      return result;
    },
    close: async () => {
      db.close();
    },
  };
}

/** The advisory lock that serialises transactions that count before they insert. */
const SERIALISED_LOCK = 0x66656469; // "fedi"

/** PostgreSQL; `pg` is loaded only then, as a bot on SQLite does not need its start slowed by it. */
export async function openPostgres(connectionString: string, maxConnections = 4): Promise<SqlDatabase> {
  const { default: pg } = await import('pg');
  // BIGINT columns (times in ms) as numbers: they stay far below 2^53.
  const types = {
    getTypeParser: ((oid: number, format?: string) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString, max: maxConnections, types });
  // An idle client's error (the server restarted) is the pool's to handle; the next query gets a new client.
  pool.on('error', () => {});
  const query = async (client: pg.Pool | pg.PoolClient, sql: string, params: readonly SqlValue[] = []) =>
    (await client.query(sql, params as SqlValue[])).rows as SqlRow[];
  return {
    dialect: 'postgres',
    query: (sql, params) => query(pool, sql, params),
    async serialised<T>(work: (q: SqlQuery) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [SERIALISED_LOCK]);
        const value = await work({ query: (sql, params) => query(client, sql, params) });
        await client.query('COMMIT');
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
