import * as core from '@actions/core';
import { systemClock } from '../../common/clock.js';
import { maskCredentialHeaders } from '../lib/headers.js';
import { raw } from '../lib/inputs.js';
import { runAction, type ActionEntry } from '../lib/runner.js';
import { runbook } from '../lib/runbooks.js';
import { readPlan } from './plan.js';
import { renderSmokeSummary, runSmoke } from './smoke.js';

export const action: ActionEntry = {
  async main(signal) {
    // A test route may need a credential: masked before the inputs are read, so no error can print
    // it; other headers (x-canary: true) are not secrets to hide.
    maskCredentialHeaders(raw('headers'));
    const plan = readPlan();
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
