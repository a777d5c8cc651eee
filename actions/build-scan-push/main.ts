/** build → scan → gate → push: a failing gate pushes nothing. The steps live in ./pipeline.ts. */
import { runAction, type ActionEntry } from '../lib/runner.js';
import { buildScanPush, cleanup } from './pipeline.js';

export const action: ActionEntry = {
  main: (signal) => buildScanPush(signal),
  post: (signal) => cleanup(signal),
};

/** main, or post once main has run: what the bundle runs, and what GitHub's local runner (@github/local-action) calls. */
export function run(): Promise<void> {
  return runAction(action);
}
