import * as core from '@actions/core';
import { systemClock } from '../../common/clock.js';
import { errorMessage } from '../../common/errors.js';
import { runAction, type ActionEntry } from '../lib/runner.js';
import { evaluateGate, readGateConfig } from '../metrics/gate.js';
import { openProvider } from '../metrics/providers/factory.js';
import { metricPeriodMs } from '../metrics/providers/sources.js';
import { retryingCall } from '../traffic/call.js';
import type { Baseline, TrafficRouter } from '../traffic/port.js';
import type { RouterConfig } from '../traffic/router-inputs.js';
import { restoreInstructions, type LastRead } from '../traffic/recovery.js';
import { gateOverrides } from './gate-scope.js';
import { intervalWarning, readRampInputs, timeoutWarning } from './plan.js';
import { openLoad } from './load.js';
import type { Judge } from './ramp.js';
import { RestoreFailedError, rampSession, restoreSession } from './session.js';
import { loadRampState, runOwner, saveRampState } from './state-helper.js';
import { renderRampSummary } from './summary.js';

/** Where traffic stands and the exact ways to put `baseline` back, for when the action could not. */
function howToRestore(cfg: RouterConfig, router: TrafficRouter, baseline: Baseline, lastRead: LastRead | null): string {
  return restoreInstructions(cfg, { resource: router.resource, baseline: baseline.weights, lastRead, cliCommand: router.restoreCommand?.(baseline) });
}

/**
 * `deadline` (epoch ms): ECS waits end there, so a deployment that never pauses cannot outlast the ramp's timeout.
 * The routers and their AWS clients load here, once the inputs are valid: a bad input fails without them.
 */
async function routerFor(cfg: RouterConfig, deadline?: number): Promise<TrafficRouter> {
  const { makeRouter } = await import('../traffic/config.js');
  return makeRouter(cfg, { call: retryingCall({ log: (m) => core.warning(m) }), clock: systemClock, log: (m) => core.info(m), deadline });
}

async function main(signal: AbortSignal): Promise<void> {
  // Every input first: a bad one fails here, before any AWS call.
  const inputs = readRampInputs();
  const gate = readGateConfig();
  const warning = intervalWarning(inputs.settings.intervalMs, metricPeriodMs(gate));
  for (const w of [warning, timeoutWarning(inputs.settings.timeoutMs)]) if (w) core.warning(w);
  // Neither the load nor an ECS wait may outlast the ramp's timeout.
  const deadline = systemClock.now() + inputs.settings.timeoutMs;
  // Synthetic load: its driver is loaded (and k6 looked for) only when load-url is set, before any AWS call.
  const load = inputs.load ? await openLoad(inputs.load, { deadline, warn: (m) => core.warning(m) }) : undefined;
  if (load) core.info(`Synthetic load during every bake: ${load.description}.`);

  const router = await routerFor(inputs.router, deadline);
  // One metrics provider for the whole ramp, whichever the backend: a check every interval for hours
  // must not open a new connection and resolve credentials each time.
  const provider = await openProvider(gate, gateOverrides(router.metricsScope()));
  const judge: Judge = (window, sig, ramp) => evaluateGate(gate, {}, { window, signal: sig, ramp }, { provider });
  let result;
  let recorded: Baseline | undefined;
  try {
    result = await rampSession(
      { settings: { ...inputs.settings, warmupMs: gate.warmupMs }, bakeMs: inputs.bakeMs, dryRun: inputs.dryRun, takeover: inputs.takeover },
      {
        router, judge, clock: systemClock, signal, owner: runOwner(), load,
        saveState: (s) => {
          recorded = s.baseline;
          saveRampState({ ...s, router: inputs.router });
        },
        log: (m) => core.info(m),
        warn: (m) => core.warning(m),
      },
    );
  } catch (err) {
    // Could not act (a concurrent ramp, a route shape we must not touch, a fault before the first
    // write): still a `result` for the workflow to branch on, and the why in the summary.
    core.setOutput('result', 'failed');
    core.setOutput('steps-completed', '0');
    await core.summary.addRaw(`## canary-ramp: failed\n\n**Failed**: ${errorMessage(err)}\n`).write().catch(() => undefined);
    throw err;
  }
  const { stepsCompleted, lastRead, restoreFailed, ...report } = result;
  const help = restoreFailed ? howToRestore(inputs.router, router, recorded ?? { weights: report.baseline }, lastRead ?? null) : '';
  core.setOutput('result', report.result);
  core.setOutput('weights', JSON.stringify(report.weights));
  core.setOutput('report', JSON.stringify(report));
  core.setOutput('steps-completed', String(stepsCompleted));
  await core.summary.addRaw(renderRampSummary(report) + (help ? `\n\n**Traffic is not back at the baseline.**\n\n\`\`\`\n${help}\n\`\`\`\n` : '')).write();
  core.info(`${report.result}: ${report.reason}`);
  if (report.result !== 'promoted' && report.result !== 'dry-run') core.setFailed(`canary-ramp ${report.result}: ${report.reason}${help ? `\n${help}` : ''}`);
}

/** Restores the baseline when main did not reach a known state; never touches traffic after a clean end. */
async function post(): Promise<void> {
  const state = loadRampState();
  const router = state ? await routerFor(state.router) : null;
  let outcome;
  try {
    outcome = await restoreSession(state, router, (m) => core.info(m));
  } catch (err) {
    if (!(err instanceof RestoreFailedError)) throw err;
    throw new Error(`canary-ramp post: ${err.message}\n${howToRestore(state!.router, router!, state!.baseline, err.lastRead)}`);
  }
  switch (outcome) {
    case 'nothing-recorded':
      return core.info('canary-ramp post: main recorded no ramp; nothing to do.');
    case 'left-alone':
      return core.info('canary-ramp post: the ramp finished; traffic left as it is.');
    case 'taken-over':
      return core.warning(`canary-ramp post: another run or the rollback action has taken over ${router!.resource}; leaving its traffic alone.`);
    case 'restored':
      saveRampState({ ...state!, phase: 'done' });
      return core.warning(`canary-ramp post: the ramp did not finish; the baseline is restored on ${router!.resource}.`);
  }
}

export const action: ActionEntry = { main, post };

/** main, or post once main has run: what the bundle runs, and what GitHub's local runner (@github/local-action) calls. */
export function run(): Promise<void> {
  return runAction(action);
}
