import * as core from '@actions/core';
import { systemClock } from '../../common/clock.js';
import { abortAfter } from '../../common/deadline.js';
import { runAction, type ActionEntry } from '../lib/runner.js';
import { retryingCall } from '../traffic/call.js';
import { RESTORE_BUDGET_MS } from '../traffic/recovery.js';
import { readRollbackInputs } from './plan.js';

async function main(): Promise<void> {
  const inputs = readRollbackInputs();
  // The routers and their AWS clients load once the inputs are valid: a bad input fails without them.
  const [{ makeRouter }, { rollBack }] = await Promise.all([import('../traffic/config.js'), import('./rollback.js')]);
  const router = makeRouter(inputs.router, { call: retryingCall({ log: (m) => core.warning(m) }), clock: systemClock, log: (m) => core.info(m) });
  // Its own budget, not the runner's signals: a second Ctrl-C must not leave a half-written rollback.
  const result = await rollBack(router, inputs.to, abortAfter(RESTORE_BUDGET_MS));
  core.info(`Before: ${JSON.stringify(result.before)}`);
  core.info(`After:  ${JSON.stringify(result.after)}`);
  core.info(result.message);
  core.setOutput('changed', String(result.changed));
  core.setOutput('before', JSON.stringify(result.before));
  core.setOutput('after', JSON.stringify(result.after));
  await core.summary.addRaw(`## rollback\n\n${result.message}\n\n| | |\n|---|---|\n| before | \`${JSON.stringify(result.before)}\` |\n| after | \`${JSON.stringify(result.after)}\` |\n`).write();
}

export const action: ActionEntry = { main };

/** main, or post once main has run: what the bundle runs, and what GitHub's local runner (@github/local-action) calls. */
export function run(): Promise<void> {
  return runAction(action);
}
