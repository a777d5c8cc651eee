/** The root action (`uses: <org>/mesh-actions@v1` with `command:`): fills per-command defaults, then runs that action. */
import * as core from '@actions/core';
import { InputError } from '../../common/errors.js';
import { runAction, type ActionEntry, isPost } from './runner.js';

const COMMAND_STATE = 'rootCommand';

export function inputEnvName(input: string): string {
  return `INPUT_${input.replace(/ /g, '_').toUpperCase()}`;
}

export async function runRoot(actions: Record<string, ActionEntry>, defaults: Record<string, Record<string, string>>): Promise<void> {
  // In post, the command comes back from state: inputs are still present, but state is the record of what ran.
  const command = (isPost() ? process.env[`STATE_${COMMAND_STATE}`] : undefined) || core.getInput('command').trim();
  // Own properties only: `__proto__` or `constructor` must be an unknown command, not Object.prototype's.
  const entry = Object.hasOwn(actions, command) ? actions[command] : undefined;
  if (!entry) {
    if (isPost()) return;
    core.setFailed(new InputError(`Input "command": "${command}" is not one of ${Object.keys(actions).join(' | ')}.`).message);
    return;
  }
  if (!isPost()) core.saveState(COMMAND_STATE, command);
  for (const [input, value] of Object.entries(Object.hasOwn(defaults, command) ? defaults[command] : {})) {
    const key = inputEnvName(input);
    if (!process.env[key]?.trim()) process.env[key] = value;
  }
  await runAction(entry);
}
