/** build → scan → gate → push: a failing gate pushes nothing. The steps live in ./pipeline.ts. */
import type { ActionEntry } from '../lib/runner.js';
import { cleanup, run } from './pipeline.js';

export const action: ActionEntry = {
  main: (signal) => run(signal),
  post: (signal) => cleanup(signal),
};
