/**
 * The one entry of the one bundle (dist/index.js, built by scripts/build.mjs as github/codeql-action
 * builds its actions): every action's code is a chunk of it, loaded by dynamic import, so dist/
 * holds one copy of each shared chunk and a run loads only the chunks of the action it runs.
 *
 * Which action runs is named by the file the runner started: dist/<name>.js is a generated
 * two-line file that imports dist/index.js, and the runs: of actions/<name>/action.yml (and of its
 * short form <name>/action.yml) point at it, for main and post alike (the action tells post from
 * main by its own state). dist/index.js itself is the root action (`uses: <org>/mesh-actions@v1`
 * with `command:`): it fills that command's defaults and remembers the command for post.
 *
 * It speaks the runner's protocol directly (INPUT_* and STATE_* variables, the GITHUB_STATE file,
 * `::error::`) rather than through @actions/core, so the start path loads nothing the chosen action
 * does not. The root runs only on the real runner (GitHub's local runner runs actions/<name>), where
 * state is always in those variables.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';
import { basename } from 'node:path';
import { InputError, errorMessage } from '../../common/errors.js';
import { IS_POST_STATE } from './runner-state.js';

const COMMAND_STATE = 'rootCommand';
/** The file name of the root action's runs file, dist/index.js. */
const ROOT_ENTRY = 'index.js';

/** Loads (and so runs) one action's chunk. */
export type ActionLoader = () => Promise<unknown>;

export function inputEnvName(input: string): string {
  return `INPUT_${input.replace(/ /g, '_').toUpperCase()}`;
}

/** The runs file of an action, relative to the repository: a generated entry beside dist/index.js. */
function actionEntry(command: string): string {
  return `dist/${command}.js`;
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

async function load(command: string, loader: ActionLoader): Promise<void> {
  try {
    await loader();
  } catch (err) {
    // A release missing one of the action's chunks (or a corrupt one): an annotation, not a bare stack trace.
    fail(`${command}: could not load its code from dist/: ${errorMessage(err)}`);
  }
}

/**
 * Runs the action the started file names: dist/<name>.js runs <name>; dist/index.js runs the root
 * action. `entry` is the started file (process.argv[1] on the runner).
 */
export async function runEntry(
  actions: Record<string, ActionLoader>,
  defaults: Record<string, Record<string, string>>,
  entry = process.argv[1] ?? '',
): Promise<void> {
  const file = basename(entry);
  if (file === ROOT_ENTRY) return runRoot(actions, defaults);
  const command = file.replace(/\.[cm]?js$/, '');
  // Own properties only, as for `command:` below.
  if (!Object.hasOwn(actions, command)) {
    fail(`"${entry}" names no action: the runs file of an action is ${actionEntry('<name>')} with <name> one of ${Object.keys(actions).join(' | ')}, or dist/${ROOT_ENTRY} with the command input.`);
    return;
  }
  // The runner has filled the action's own defaults from its action.yml.
  await load(command, actions[command]);
}

export async function runRoot(actions: Record<string, ActionLoader>, defaults: Record<string, Record<string, string>>): Promise<void> {
  const post = process.env[`STATE_${IS_POST_STATE}`] === 'true';
  // In post, the command comes back from state: inputs are still present, but state is the record of what ran.
  const command = (post ? process.env[`STATE_${COMMAND_STATE}`] : undefined) || (process.env[inputEnvName('command')] ?? '').trim();
  // Own properties only: `__proto__` or `constructor` must be an unknown command, not Object.prototype's.
  const loader = Object.hasOwn(actions, command) ? actions[command] : undefined;
  if (!loader) {
    if (!post) fail(new InputError(`Input "command": "${command}" is not one of ${Object.keys(actions).join(' | ')}.`).message);
    return;
  }
  if (!post) saveState(COMMAND_STATE, command);
  for (const [input, value] of Object.entries(Object.hasOwn(defaults, command) ? defaults[command] : {})) {
    const key = inputEnvName(input);
    if (!process.env[key]?.trim()) process.env[key] = value;
  }
  await load(command, loader);
}
