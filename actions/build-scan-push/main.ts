/**
 * build → scan → gate → push: a failing gate pushes nothing. The steps live in ./pipeline.ts, loaded
 * (with the builders, Trivy's verification and the registry clients) once the inputs are valid.
 */
import * as core from '@actions/core';
import { maskSecret } from '../lib/secrets.js';
import { runAction, type ActionEntry } from '../lib/runner.js';
import { githubContext, readPlan } from './plan.js';

export const action: ActionEntry = {
  async main(signal) {
    // Masked before anything else can print it, a validation message included.
    if (core.getInput('password')) maskSecret(core.getInput('password'));
    // Every input is checked before the first file, download or call.
    const ctx = githubContext();
    const plan = readPlan(ctx);
    const { buildScanPush } = await import('./pipeline.js');
    await buildScanPush(ctx, plan, signal);
  },
  post: async (signal) => (await import('./pipeline.js')).cleanup(signal),
};

/** main, or post once main has run: what the bundle runs, and what GitHub's local runner (@github/local-action) calls. */
export function run(): Promise<void> {
  return runAction(action);
}
