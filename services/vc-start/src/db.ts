/**
 * One small interface over the two ways vc-start reaches PostgreSQL: a pooled `pg` client in
 * production, PGlite (PostgreSQL in WebAssembly, in-process) as the embedded default. Both run the
 * same SQL; the repository code never knows which it has.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { Pool, PoolClient } from 'pg';

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[]; rowCount: number }>;
  /** Runs several statements (no parameters): migrations. */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'pg' | 'pglite';
  /** BEGIN … COMMIT around `fn`; ROLLBACK when it throws (the error is rethrown). */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `onIdleError`: a pooled connection broke while idle (server restart, failover); the pool replaces it. */
export function pgDatabase(pool: Pool, onIdleError: (err: Error) => void = () => undefined): Database {
  // Without a listener, an idle connection's error would be thrown and end the process.
  pool.on('error', onIdleError);
  const wrap = (c: Pool | PoolClient): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []) {
      const r = await c.query(sql, params);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
    async exec(sql: string) {
      // Without values pg uses the simple protocol, which accepts several statements.
      await c.query(sql);
    },
  });
  return {
    kind: 'pg',
    ...wrap(pool),
    async transaction(fn) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const out = await fn(wrap(client));
        await client.query('COMMIT');
        return out;
      } catch (err) {
        // A failed ROLLBACK means the connection is unusable: hand it back destroyed, not to the pool.
        await client.query('ROLLBACK').catch(() => (broken = true));
        throw err;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

export function pgliteDatabase(db: PGlite): Database {
  return {
    kind: 'pglite',
    async query<T>(sql: string, params: unknown[] = []) {
      const r = await db.query<T>(sql, params);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    async exec(sql) {
      await db.exec(sql);
    },
    // PGlite has one connection; its own transaction() queues callers, so transactions never interleave.
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({
          async query<T>(sql: string, params: unknown[] = []) {
            const r = await tx.query<T>(sql, params);
            return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
          },
          async exec(sql: string) {
            await tx.exec(sql);
          },
        }),
      ),
    close: () => db.close(),
  };
}

/**
 * PostgreSQL's data exceptions (SQLSTATE class 22: a NUL in text 22021, an unsupported Unicode escape
 * 22P05, a value too long for its column 22001, …) are raised by values the caller sent: the request
 * is at fault, not the service. Both pg and PGlite carry the SQLSTATE as `code`.
 */
export function isDataException(err: unknown): err is Error & { code: string } {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}
