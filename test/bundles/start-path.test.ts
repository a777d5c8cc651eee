/**
 * What an action's start loads from the one bundle in dist/. Every action is a chunk that
 * dist/index.js imports, and the heavy code (AWS SDK clients, undici behind @actions/core's OIDC
 * client) sits in chunks an action imports only when it first calls out. So a start that ends at
 * input validation, as each does here with no inputs, loads its own entry, dist/index.js and its
 * code's chunks, and none that holds undici or an SDK client: they are what made a cold start
 * 2-3× `node -e 0` (bench/start.md measures it; this keeps the shape that makes it fast).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverActions } from '../../scripts/build.mjs';
import { repoRoot, runBundle } from '../support/harness.js';
import { loadedFiles, RECORD_LOADS_HOOK } from '../support/loads.js';

const ACTIONS = discoverActions();
const dir = mkdtempSync(join(tmpdir(), 'mesh-start-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Text that only the named code carries (a module's own name or identifiers, kept by the bundler). */
const HEAVY: Record<string, RegExp> = {
  undici: /\bundici:request:create\b|\bUndiciError\b/,
  '@actions/http-client': /\bHttpClientError\b/,
  'an AWS SDK client': /\bresolveClientEndpointParameters\b/,
};

/** Runs an action with only its defaults (it stops at its first required input) and lists what it loaded. */
async function start(action: string, inputs: Record<string, string> = {}) {
  const list = join(dir, `${action === '.' ? 'root' : action}.loads`);
  writeFileSync(list, '');
  const run = await runBundle(action, {
    inputs,
    // Nothing may be called: point AWS somewhere that cannot answer.
    env: { NODE_OPTIONS: `--import ${RECORD_LOADS_HOOK}`, RECORD_LOADS: list, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
  });
  return { run, files: loadedFiles(list) };
}

describe('an action start loads only its own code from dist/', () => {
  it.each(ACTIONS)('%s', async (action) => {
    const { run, files } = await start(action);
    // It got as far as its inputs: the first required one is missing.
    expect(run.code).toBe(1);
    expect(run.errors.join('\n')).toMatch(/^Input "[a-z-]+"/);
    expect(files.every((f) => f.startsWith(join(repoRoot, 'dist') + '/')), files.join('\n')).toBe(true);
    expect(files.slice(0, 2).map((f) => basename(f))).toEqual([`${action}.js`, 'index.js']);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const [what, marker] of Object.entries(HEAVY)) expect(marker.test(text), `${basename(file)} holds ${what}`).toBe(false);
    }
  });

  it('the root action loads the same code for a command', async () => {
    const { files } = await start('rollback');
    const root = await start('.', { command: 'rollback' });
    expect(root.run.errors.join('\n')).toMatch(/^Input "router" is required/);
    expect(root.files.map((f) => basename(f))).toEqual(files.map((f) => basename(f)).slice(1));
  });

  it('the markers find what they stand for in the rest of dist/ (so their absence above means something)', async () => {
    const { files } = await start('rollback');
    const loaded = new Set(files.map((f) => basename(f)));
    const rest = readdirSync(join(repoRoot, 'dist'))
      .filter((f) => f.endsWith('.js') && !loaded.has(f))
      .map((f) => readFileSync(join(repoRoot, 'dist', f), 'utf8'));
    for (const [what, marker] of Object.entries(HEAVY)) expect(rest.some((text) => marker.test(text)), what).toBe(true);
  });
});
