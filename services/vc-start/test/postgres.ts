/**
 * A real PostgreSQL server (whichever major is installed: 15 on Debian 12, 16 on Ubuntu 24.04) for one test file: initdb into a temp dir, postgres on a free loopback
 * port (trust auth, fsync off: test data is thrown away), stopped and removed afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../test/support/moto.js';
import { requires, type Gate } from '../../../test/support/requires.js';

/** Where Debian and Ubuntu install each major's server binaries. */
const DEBIAN_PG_ROOT = '/usr/lib/postgresql';

/** PG_BIN if set, then every installed major under /usr/lib/postgresql, newest first. */
export function pgBinCandidates(env: NodeJS.ProcessEnv = process.env, root = DEBIAN_PG_ROOT): string[] {
  const majors = existsSync(root)
    ? readdirSync(root).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a))
    : [];
  return [...(env.PG_BIN ? [env.PG_BIN] : []), ...majors.map((m) => join(root, m, 'bin'))];
}

export function findPgBin(candidates = pgBinCandidates()): string | null {
  for (const dir of candidates) if (existsSync(join(dir, 'postgres')) && existsSync(join(dir, 'initdb'))) return dir;
  return null;
}

/**
 * The server's bin directory and the `it` for tests that need it: without a server (bin null) they
 * are skipped, and the run says so; in CI a missing server fails the file.
 */
export function requirePg(): { bin: string | null; it: Gate['it'] } {
  const bin = findPgBin();
  const gate = requires('the PostgreSQL tests', [{
    name: 'a PostgreSQL server (initdb and postgres)',
    present: !!bin,
    install: `apt-get install postgresql-16 (or the 15/17 your OS offers), or bash .ci/setup.d/services.sh; PG_BIN=<dir> points at another install; looked in ${pgBinCandidates().join(', ') || DEBIAN_PG_ROOT}`,
  }]);
  return { bin, it: gate.it };
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  if (!Number.isInteger(uid) || uid <= 0) throw new Error('running as root, but there is no "postgres" user to run PostgreSQL as');
  return { uid, gid: id('-g') };
}

export interface PgServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startPostgres(bin: string): Promise<PgServer> {
  const dir = mkdtempSync(join(tmpdir(), 'vc-start-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  // PostgreSQL refuses to run as root: as root, run it as the `postgres` user.
  const ids = process.getuid?.() === 0 ? postgresUser() : {};
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], { encoding: 'utf8', ...ids });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  const args = ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'max_connections=50'];
  const child: ChildProcess = spawn(join(bin, 'postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'], ...ids });
  let log = '';
  child.stdout!.on('data', (d) => (log = (log + d).slice(-4000)));
  child.stderr!.on('data', (d) => (log = (log + d).slice(-4000)));
  const deadline = Date.now() + 30_000;
  while (!/ready to accept connections/.test(log)) {
    if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}: ${log}`);
    if (Date.now() > deadline) throw new Error(`postgres did not start within 30 s: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        // SIGINT is PostgreSQL's fast shutdown: clients are disconnected, no waiting for them.
        child.kill('SIGINT');
      }),
  };
}
