/**
 * What main leaves for the post step: how far a deploy got, written as it goes (a state file
 * append survives the process being killed) and cleared when main ends by itself.
 */
import * as core from '@actions/core';
import type { DeployProgress } from './deploy.js';

const PROGRESS = 'deployStackProgress';
const REGION = 'deployStackRegion';

export function saveProgress(progress: DeployProgress | null, region?: string): void {
  core.saveState(PROGRESS, progress ? JSON.stringify(progress) : '');
  if (region) core.saveState(REGION, region);
}

export function loadProgress(): { progress: DeployProgress; region: string } | null {
  const text = core.getState(PROGRESS);
  if (!text) return null;
  return { progress: JSON.parse(text) as DeployProgress, region: core.getState(REGION) };
}
