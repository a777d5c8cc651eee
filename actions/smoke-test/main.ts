import * as core from '@actions/core';
import { systemClock } from '../../common/clock.js';
import { runAction, type ActionEntry } from '../lib/runner.js';
import { runbook } from '../lib/runbooks.js';
import { readPlan } from './plan.js';
import { renderSmokeSummary, runSmoke } from './smoke.js';

const CREDENTIAL_HEADER = /authorization|cookie|token|secret|key/i;

export const action: ActionEntry = {
  async main(signal) {
    const plan = readPlan();
    // A test route may need a credential; other headers (x-canary: true) are not secrets to hide.
    for (const [name, value] of Object.entries(plan.headers)) if (value && CREDENTIAL_HEADER.test(name)) core.setSecret(value);
    // The HTTP and gRPC clients load once the checks are valid: a bad input fails without them.
    const { probe } = await import('./probes.js');
    const report = await runSmoke(plan, { probe, clock: systemClock, signal, log: (m) => core.info(m) });
    core.setOutput('result', report.result);
    core.setOutput('report', JSON.stringify(report));
    await core.summary.addRaw(renderSmokeSummary(report)).write();
    if (report.result === 'fail') core.setFailed(`smoke-test failed: ${report.reason}. No traffic was moved. ${runbook('smokeTest')}`);
    else core.info(`smoke-test passed: ${report.reason}.`);
  },
};

/** main: what the bundle runs, and what GitHub's local runner (@github/local-action) calls. */
export function run(): Promise<void> {
  return runAction(action);
}
