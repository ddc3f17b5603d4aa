import type { SqlDatabase } from './sql-database.ts';

/**
 * The schema, one step per entry, never edited once released: a database
 * is brought up to date by running the steps it lacks, in order. The SQL is
 * what SQLite and PostgreSQL both read (times are BIGINT milliseconds).
 */
export const migrations: readonly string[] = [
  `CREATE TABLE watches (
     id TEXT PRIMARY KEY,
     asker TEXT NOT NULL,
     mention TEXT NOT NULL,
     question TEXT NOT NULL,
     question_key TEXT NOT NULL,
     kind TEXT NOT NULL,
     visibility TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL,
     next_check_at BIGINT NOT NULL,
     progress TEXT NOT NULL,
     pending TEXT,
     next_after_post BIGINT,
     lease_owner TEXT,
     lease_until BIGINT,
     ended_at BIGINT,
     end_reason TEXT
   );
   CREATE INDEX watches_due ON watches (next_check_at) WHERE ended_at IS NULL;
   CREATE INDEX watches_asker ON watches (asker) WHERE ended_at IS NULL;
   CREATE TABLE watch_posts (
     status_id TEXT PRIMARY KEY,
     watch_id TEXT NOT NULL REFERENCES watches (id)
   );`,
];

/** Runs the steps the database lacks, each in its transaction, one migrating process at a time. */
export async function migrate(db: SqlDatabase): Promise<void> {
  await db.serialised(async (tx) => {
    // Inside the lock: two replicas creating it at once would collide in PostgreSQL's catalog even with IF NOT EXISTS.
    await tx.query('CREATE TABLE IF NOT EXISTS watch_schema (version INTEGER NOT NULL)');
    const [row] = await tx.query('SELECT version FROM watch_schema');
    const version = row === undefined ? 0 : Number(row.version);
    if (row === undefined) await tx.query('INSERT INTO watch_schema (version) VALUES (0)');
    for (let step = version; step < migrations.length; step++) {
      for (const statement of migrations[step].split(/;\s*(?:\n|$)/).filter((s) => s.trim())) await tx.query(statement);
      await tx.query('UPDATE watch_schema SET version = $1', [step + 1]);
    }
  });
}
