/**
 * Which files a node process loaded: start it with `--import` RECORD_LOADS_HOOK and RECORD_LOADS
 * naming a file (record-loads.mjs appends each resolved file URL), then read the paths back here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './harness.js';

export const RECORD_LOADS_HOOK = join(repoRoot, 'test/support/record-loads.mjs');

/** The recorded files, each once, in the order they were first loaded. */
export function loadedFiles(list: string): string[] {
  return [...new Set(readFileSync(list, 'utf8').split('\n').filter(Boolean))].map((url) => fileURLToPath(url));
}
