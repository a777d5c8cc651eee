/** The two backends every repository test runs against: a real PostgreSQL server and PGlite. */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, it } from 'vitest';
import { pgDatabase, pgliteDatabase, type Database } from '../../../services/vc-start/src/db.js';
import { requirePg, startPostgres, type PgServer } from '../../../services/vc-start/test/postgres.js';

export type Backend = 'pg' | 'pglite';
export const BACKENDS: Backend[] = ['pg', 'pglite'];

/**
 * Starts PostgreSQL once for the file; `fresh(kind)` gives an empty database of that kind each time
 * (a new database on the server; the file's PGlite with the schema dropped).
 */
export function useBackends(opts: { postgres?: boolean } = {}) {
  const wantPg = opts.postgres ?? true;
  let server: PgServer | undefined;
  const opened: Database[] = [];
  let n = 0;
  let pglite: Database | undefined;
  const postgres = wantPg ? requirePg() : null;
  const pgBin = postgres?.bin ?? null;
  beforeAll(async () => {
    if (pgBin) server = await startPostgres(pgBin);
  });
  afterAll(async () => {
    for (const db of opened.splice(0)) await db.close().catch(() => undefined);
    await pglite?.close();
    await server?.stop();
  });
  return {
    available: (kind: Backend) => kind === 'pglite' || !!pgBin,
    /** `it` for tests on that backend: skipped (and the run says why) when its server is missing. */
    it: (kind: Backend) => {
      if (kind === 'pglite') return it;
      if (!postgres) throw new Error('useBackends({ postgres: false }) has no PostgreSQL backend');
      return postgres.it;
    },
    async fresh(kind: Backend, poolSize = 10): Promise<Database> {
      let db: Database;
      if (kind === 'pglite') {
        // One PGlite per file (starting one costs a second or more); emptied between tests.
        pglite ??= pgliteDatabase(new PGlite());
        await pglite.exec('DROP SCHEMA IF EXISTS vc_start CASCADE');
        return pglite;
      } else {
        if (!server) throw new Error('PostgreSQL is not running');
        const name = `vc_test_${process.pid}_${n++}`;
        const admin = new pg.Client({ connectionString: server.url });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${name}`);
        await admin.end();
        db = pgDatabase(new pg.Pool({ connectionString: server.url.replace(/\/postgres$/, `/${name}`), max: poolSize }));
      }
      opened.push(db);
      return db;
    },
    get url() {
      return server?.url;
    },
  };
}
