/**
 * The root action (`uses: <org>/mesh-actions@v1` with `command:`): fills per-command defaults, then
 * loads that action's own bundle (actions/<name>/dist/index.js, committed beside dist/ in every
 * release), which runs main or post itself. So the root shares every chunk with the actions instead
 * of carrying a second copy of all six, and starts only the one it runs.
 *
 * It speaks the runner's protocol directly (INPUT_* and STATE_* variables, the GITHUB_STATE file,
 * `::error::`) rather than through @actions/core: the action's bundle brings its own copy, and a
 * second one here would double the start-up work. The root runs only on the real runner (GitHub's
 * local runner runs actions/<name>), where state is always in those variables.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';
import { InputError, errorMessage } from '../../common/errors.js';
import { IS_POST_STATE } from './runner-state.js';

const COMMAND_STATE = 'rootCommand';

/** Loads (and so runs) one action's bundle. */
export type ActionLoader = () => Promise<unknown>;

export function inputEnvName(input: string): string {
  return `INPUT_${input.replace(/ /g, '_').toUpperCase()}`;
}

/** The specifier of an action's bundle, relative to dist/index.js (the root bundle) in the repository. */
export function actionBundle(command: string): string {
  return `../actions/${command}/dist/index.js`;
}

/**
 * Imports the action's bundle at run time: webpackIgnore keeps ncc from bundling it into the root,
 * and a relative import() resolves against the importing file, dist/index.js.
 */
export function bundleLoader(command: string): ActionLoader {
  return () => import(/* webpackIgnore: true */ actionBundle(command));
}

/** core.saveState's format: a heredoc in GITHUB_STATE whose delimiter cannot occur in the value. */
function saveState(name: string, value: string): void {
  const file = process.env.GITHUB_STATE;
  if (!file) {
    process.stdout.write(`::save-state name=${name}::${value}${EOL}`);
    return;
  }
  const delimiter = `ghadelimiter_${randomUUID()}`;
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8');
}

/** core.setFailed's effect: an error annotation (escaped as the runner expects) and exit code 1. */
function fail(message: string): void {
  const escaped = message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  process.stdout.write(`::error::${escaped}${EOL}`);
  process.exitCode = 1;
}

export async function runRoot(actions: Record<string, ActionLoader>, defaults: Record<string, Record<string, string>>): Promise<void> {
  const post = process.env[`STATE_${IS_POST_STATE}`] === 'true';
  // In post, the command comes back from state: inputs are still present, but state is the record of what ran.
  const command = (post ? process.env[`STATE_${COMMAND_STATE}`] : undefined) || (process.env[inputEnvName('command')] ?? '').trim();
  // Own properties only: `__proto__` or `constructor` must be an unknown command, not Object.prototype's.
  const load = Object.hasOwn(actions, command) ? actions[command] : undefined;
  if (!load) {
    if (!post) fail(new InputError(`Input "command": "${command}" is not one of ${Object.keys(actions).join(' | ')}.`).message);
    return;
  }
  if (!post) saveState(COMMAND_STATE, command);
  for (const [input, value] of Object.entries(Object.hasOwn(defaults, command) ? defaults[command] : {})) {
    const key = inputEnvName(input);
    if (!process.env[key]?.trim()) process.env[key] = value;
  }
  try {
    await load();
  } catch (err) {
    // A release without the action's bundle (or a corrupt one): an annotation, not a bare stack trace.
    fail(`${command}: could not load ${actionBundle(command)}: ${errorMessage(err)}`);
  }
}
