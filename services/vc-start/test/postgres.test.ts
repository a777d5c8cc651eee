// The PostgreSQL server the integration tests use: whichever major the OS installed, newest first.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPgBin, pgBinCandidates } from './postgres.js';

function fakeInstall(root: string, major: string, bins: string[]) {
  mkdirSync(join(root, major, 'bin'), { recursive: true });
  for (const b of bins) writeFileSync(join(root, major, 'bin', b), '');
}

describe('finding the PostgreSQL server', () => {
  it('lists PG_BIN first, then every installed major, newest first', () => {
    const root = mkdtempSync(join(tmpdir(), 'pg-root-'));
    for (const m of ['15', '17', '16']) fakeInstall(root, m, ['initdb', 'postgres']);
    mkdirSync(join(root, 'common'));
    expect(pgBinCandidates({}, root)).toEqual(['17', '16', '15'].map((m) => join(root, m, 'bin')));
    expect(pgBinCandidates({ PG_BIN: '/opt/pg/bin' }, root)[0]).toBe('/opt/pg/bin');
    expect(pgBinCandidates({}, join(root, 'absent'))).toEqual([]);
  });

  it('takes the newest major that has both initdb and postgres (Ubuntu 24.04: 16, Debian 12: 15)', () => {
    const root = mkdtempSync(join(tmpdir(), 'pg-root-'));
    fakeInstall(root, '17', ['psql']); // client only
    fakeInstall(root, '16', ['initdb', 'postgres']);
    fakeInstall(root, '15', ['initdb', 'postgres']);
    expect(findPgBin(pgBinCandidates({}, root))).toBe(join(root, '16', 'bin'));
    expect(findPgBin(pgBinCandidates({}, join(root, 'absent')))).toBeNull();
  });
});
