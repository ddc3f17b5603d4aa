import type { Visibility } from '../fediverse/reply-visibility.ts';
import { migrate } from './migrations.ts';
import { openPostgres, openSqlite, type SqlDatabase, type SqlRow } from './sql-database.ts';
import type { WatchProgress } from './watch-rules.ts';
import type { AddResult, CheckResult, NewWatch, PendingPost, WatchRecord, WatchStore } from './watch-store.ts';

const COLUMNS = 'id, asker, mention, question, question_key, kind, visibility, created_at, expires_at, next_check_at, progress, pending, ended_at, end_reason';
const RUNNING = 'ended_at IS NULL';

/**
 * The watches in an SQL database. Each check holds a lease on its row
 * (lease_owner, lease_until): claimDue takes only rows nobody holds, or whose
 * holder let the lease run out (a replica that died), and on PostgreSQL
 * skips rows another replica is claiming at the same moment (FOR UPDATE SKIP
 * LOCKED). Every write of a check names its owner, so a replica that lost
 * its lease while it stalled writes nothing.
 */
export class SqlWatchStore implements WatchStore {
  private constructor(private readonly db: SqlDatabase) {}

  /** SQLite at `path` (a file in STATE_DIR, or `:memory:`), brought up to the current schema. */
  static async sqlite(path: string): Promise<SqlWatchStore> {
    return SqlWatchStore.opened(openSqlite(path));
  }

  /** PostgreSQL at `connectionString` (DATABASE_URL), brought up to the current schema. */
  static async postgres(connectionString: string): Promise<SqlWatchStore> {
    return SqlWatchStore.opened(await openPostgres(connectionString));
  }

  private static async opened(db: SqlDatabase): Promise<SqlWatchStore> {
    try {
      await migrate(db);
    } catch (error) {
      await db.close();
      throw error;
    }
    return new SqlWatchStore(db);
  }

  add(watch: NewWatch, limits: { readonly perAsker: number; readonly total: number }): Promise<AddResult> {
    return this.db.serialised(async (tx) => {
      if ((await tx.query('SELECT 1 FROM watches WHERE id = $1', [watch.id])).length) return 'exists';
      // Two counts, each over its own index: one scan of the rows for both would read every watch for each one added.
      const [{ n: asker }] = await tx.query(`SELECT count(*) AS n FROM watches WHERE ${RUNNING} AND asker = $1`, [watch.asker]);
      if (Number(asker) >= limits.perAsker) return 'asker-limit';
      const [{ n: total }] = await tx.query(`SELECT count(*) AS n FROM watches WHERE ${RUNNING}`);
      if (Number(total) >= limits.total) return 'total-limit';
      await tx.query(`INSERT INTO watches (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, NULL, NULL)`, [
        watch.id,
        watch.asker,
        watch.mention,
        watch.question,
        watch.questionKey,
        watch.kind,
        watch.visibility,
        watch.createdAt,
        watch.expiresAt,
        watch.nextCheckAt,
        JSON.stringify(watch.progress),
      ]);
      await tx.query('INSERT INTO watch_posts (status_id, watch_id) VALUES ($1, $1)', [watch.id]);
      return 'added';
    });
  }

  async get(id: string): Promise<WatchRecord | undefined> {
    const [row] = await this.db.query(`SELECT ${COLUMNS} FROM watches WHERE id = $1`, [id]);
    return row && recordOf(row);
  }

  async running(asker: string): Promise<WatchRecord[]> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM watches WHERE ${RUNNING} AND asker = $1 ORDER BY created_at, id`, [asker]);
    return rows.map(recordOf);
  }

  async countRunning(): Promise<number> {
    const [row] = await this.db.query(`SELECT count(*) AS n FROM watches WHERE ${RUNNING}`);
    return Number(row.n);
  }

  async watchOfPost(statusId: string): Promise<WatchRecord | undefined> {
    const [row] = await this.db.query(
      `SELECT ${COLUMNS.replace(/(\w+)/g, 'w.$1')} FROM watch_posts p JOIN watches w ON w.id = p.watch_id WHERE p.status_id = $1 AND w.${RUNNING}`,
      [statusId],
    );
    return row && recordOf(row);
  }

  async claimDue(owner: string, nowMs: number, leaseMs: number, limit: number): Promise<WatchRecord[]> {
    const skipLocked = this.db.dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
    const rows = await this.db.query(
      `UPDATE watches SET lease_owner = $1, lease_until = $2
       WHERE id IN (
         SELECT id FROM watches
         WHERE ${RUNNING} AND next_check_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)
         ORDER BY next_check_at
         LIMIT $4 ${skipLocked}
       )
       RETURNING ${COLUMNS}`,
      [owner, nowMs + leaseMs, nowMs, limit],
    );
    return rows.map(recordOf);
  }

  async saveCheck(id: string, owner: string, result: CheckResult, nowMs: number, leaseMs: number): Promise<boolean> {
    const pending = result.pending === undefined ? null : JSON.stringify(result.pending);
    const rows = await this.db.query(
      // A pending post makes the row due at once (for whoever holds it next, should this owner die before posting);
      // the check after it waits in next_after_post until it is posted.
      `UPDATE watches SET progress = $1, pending = COALESCE(CAST($3 AS TEXT), pending),
         next_check_at = CASE WHEN CAST($3 AS TEXT) IS NULL THEN CAST($2 AS BIGINT) ELSE CAST($7 AS BIGINT) END,
         next_after_post = CASE WHEN CAST($3 AS TEXT) IS NULL THEN NULL ELSE CAST($2 AS BIGINT) END,
         lease_owner = CASE WHEN CAST($3 AS TEXT) IS NULL THEN NULL ELSE lease_owner END,
         lease_until = CASE WHEN CAST($3 AS TEXT) IS NULL THEN NULL ELSE CAST($6 AS BIGINT) END
       WHERE id = $4 AND lease_owner = $5 AND ${RUNNING}
       RETURNING id`,
      [JSON.stringify(result.progress), result.nextCheckAt, pending, id, owner, nowMs + leaseMs, nowMs],
    );
    return rows.length > 0;
  }

  async posted(id: string, key: string, statusId: string | undefined, nowMs: number): Promise<void> {
    if (statusId !== undefined) await this.addPost(id, statusId);
    const [row] = await this.db.query('SELECT pending FROM watches WHERE id = $1', [id]);
    const pending = typeof row?.pending === 'string' ? (JSON.parse(row.pending) as PendingPost) : undefined;
    if (pending?.key !== key) return;
    await this.db.query(
      `UPDATE watches SET pending = NULL, lease_owner = NULL, lease_until = NULL,
         next_check_at = COALESCE(next_after_post, next_check_at), next_after_post = NULL,
         ended_at = CASE WHEN CAST($1 AS TEXT) IS NULL THEN ended_at ELSE CAST($2 AS BIGINT) END, end_reason = COALESCE(CAST($1 AS TEXT), end_reason)
       WHERE id = $3 AND pending = $4`,
      [pending.ends ?? null, nowMs, id, row!.pending as string],
    );
  }

  async postsOf(id: string): Promise<string[]> {
    return (await this.db.query('SELECT status_id FROM watch_posts WHERE watch_id = $1', [id])).map((row) => String(row.status_id));
  }

  async addPost(id: string, statusId: string): Promise<void> {
    await this.db.query('INSERT INTO watch_posts (status_id, watch_id) VALUES ($1, $2) ON CONFLICT (status_id) DO NOTHING', [statusId, id]);
  }

  async end(id: string, reason: string, nowMs: number): Promise<void> {
    await this.db.query(`UPDATE watches SET ended_at = $1, end_reason = $2, pending = NULL WHERE id = $3 AND ${RUNNING}`, [nowMs, reason, id]);
  }

  async bgpDueSoon(nowMs: number, spreadMs: number): Promise<void> {
    const spread = 'CAST($2 AS BIGINT)';
    const random = this.db.dialect === 'postgres' ? `CAST(floor(random() * ${spread}) AS BIGINT)` : `(abs(random()) % (${spread} + 1))`;
    const now = 'CAST($1 AS BIGINT)';
    await this.db.query(`UPDATE watches SET next_check_at = ${now} + ${random} WHERE ${RUNNING} AND kind = 'bgp' AND next_check_at > ${now} + ${spread}`, [
      nowMs,
      spreadMs,
    ]);
  }

  async forgetEnded(endedBeforeMs: number): Promise<void> {
    await this.db.query('DELETE FROM watch_posts WHERE watch_id IN (SELECT id FROM watches WHERE ended_at < $1)', [endedBeforeMs]);
    await this.db.query('DELETE FROM watches WHERE ended_at < $1', [endedBeforeMs]);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

function recordOf(row: SqlRow): WatchRecord {
  const optional = (value: unknown) => (value === null || value === undefined ? undefined : value);
  const pending = optional(row.pending);
  const endedAt = optional(row.ended_at);
  return {
    id: String(row.id),
    asker: String(row.asker),
    mention: String(row.mention),
    question: String(row.question),
    questionKey: String(row.question_key),
    kind: row.kind === 'bgp' ? 'bgp' : 'dns',
    visibility: String(row.visibility) as Visibility,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    nextCheckAt: Number(row.next_check_at),
    progress: JSON.parse(String(row.progress)) as WatchProgress,
    ...(pending !== undefined && { pending: JSON.parse(String(pending)) as PendingPost }),
    ...(endedAt !== undefined && { endedAt: Number(endedAt), endReason: String(row.end_reason) }),
  };
}
