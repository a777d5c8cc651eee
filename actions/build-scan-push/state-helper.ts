/** What post needs from main: the scratch folder (it holds the registry auth file) and the builder's leftovers. */
import * as core from '@actions/core';

const WORK_DIR = 'workDir';
const BUILDER = 'builder';
const BUILDER_STATE = 'builderState';

export function saveWorkDir(dir: string): void {
  core.saveState(WORK_DIR, dir);
}

export function saveBuilder(name: string, state: Record<string, string>): void {
  core.saveState(BUILDER, name);
  core.saveState(BUILDER_STATE, JSON.stringify(state));
}

export function readState(): { workDir: string; builder: string; builderState: Record<string, string> } {
  let builderState: Record<string, string> = {};
  try {
    builderState = JSON.parse(core.getState(BUILDER_STATE) || '{}');
  } catch {
    builderState = {};
  }
  return { workDir: core.getState(WORK_DIR), builder: core.getState(BUILDER), builderState };
}
