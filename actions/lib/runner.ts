/**
 * The thin part every action entry shares: main vs post (one bundle serves both, as in
 * docker/build-push-action), cancellation as an AbortSignal, and errors turned into a failed step.
 */
import * as core from '@actions/core';
import { InputError, errorMessage } from '../../common/errors.js';
import { IS_POST_STATE } from './runner-state.js';

export interface ActionEntry {
  main(signal: AbortSignal): Promise<void>;
  /** Runs as `runs.post`; sees state saved by main through core.getState. */
  post?(signal: AbortSignal): Promise<void>;
}

/** Through core.getState, not the environment: GitHub's local runner keeps state in memory. */
export function isPost(): boolean {
  return core.getState(IS_POST_STATE) === 'true';
}

/**
 * SIGINT/SIGTERM (the runner cancelling the job) abort the signal so loops can stop in a known state.
 * The handlers stay installed for the life of the process: a second Ctrl-C or the runner's SIGTERM
 * after its SIGINT must not kill a restore half-way (Node's default for a signal without a handler),
 * so later signals are only logged. Every restore has its own bounded budget, so the process still ends.
 */
export function cancellationSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      core.warning(`Received ${sig}: stopping.`);
      controller.abort(new CancelledError(sig));
    } else {
      core.warning(`Received ${sig} again: ignored while traffic is put back in a known state (bounded; the step ends when it is).`);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}

export class CancelledError extends Error {
  constructor(readonly signalName: string) {
    super(`cancelled by ${signalName}`);
    this.name = 'CancelledError';
  }
}

export async function runAction(entry: ActionEntry): Promise<void> {
  const post = isPost();
  if (!post) core.saveState(IS_POST_STATE, 'true');
  const signal = cancellationSignal();
  try {
    if (post) await entry.post?.(signal);
    else await entry.main(signal);
  } catch (err) {
    if (!(err instanceof InputError) && err instanceof Error && err.stack) core.debug(err.stack);
    core.setFailed(errorMessage(err));
  }
}
