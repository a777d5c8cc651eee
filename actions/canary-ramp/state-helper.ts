/**
 * What main leaves for the post entry (core.saveState writes it to GITHUB_STATE at once, so it
 * survives a killed process): the router config and the exact baseline, and whether the ramp ended.
 */
import * as core from '@actions/core';
import type { RouterConfig } from '../traffic/router-inputs.js';
import type { Baseline } from '../traffic/port.js';

const KEY = 'canaryRamp';

export interface RampState {
  /** `in-progress` from before the first traffic write until the ramp ends in a known state. */
  phase: 'in-progress' | 'done';
  owner: string;
  router: RouterConfig;
  baseline: Baseline;
}

export function saveRampState(state: RampState): void {
  core.saveState(KEY, JSON.stringify(state));
}

export function loadRampState(): RampState | null {
  const text = core.getState(KEY);
  if (!text) return null;
  try {
    const s = JSON.parse(text) as RampState;
    return s && (s.phase === 'in-progress' || s.phase === 'done') && s.router && s.baseline ? s : null;
  } catch {
    return null;
  }
}

/** `<run id>/<attempt>`: re-runs of one workflow run share the run id. */
export function runOwner(env: NodeJS.ProcessEnv = process.env): string {
  return `${env.GITHUB_RUN_ID || 'local'}/${env.GITHUB_RUN_ATTEMPT || '1'}`;
}
