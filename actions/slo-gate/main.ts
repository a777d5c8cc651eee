import * as core from '@actions/core';
import { runAction, type ActionEntry } from '../lib/runner.js';
import { evaluateGate, renderGateSummary } from '../metrics/gate.js';
import { decideOutcome, readInputs } from './plan.js';

export const action: ActionEntry = {
  async main(signal) {
    const inputs = readInputs();
    const result = await evaluateGate(inputs.gate, {}, { signal });
    core.setOutput('result', result.result);
    core.setOutput('reason', result.reason);
    core.setOutput('report', JSON.stringify(result));
    await core.summary.addRaw(renderGateSummary(result)).write();
    const outcome = decideOutcome(result, { onInconclusive: inputs.onInconclusive, dryRun: inputs.gate.dryRun });
    if (outcome.failStep) core.setFailed(outcome.message);
    else if (outcome.level === 'warning') core.warning(outcome.message);
    else core.notice(outcome.message);
  },
};

/** main, or post once main has run: what the bundle runs, and what GitHub's local runner (@github/local-action) calls. */
export function run(): Promise<void> {
  return runAction(action);
}
