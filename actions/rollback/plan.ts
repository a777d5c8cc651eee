/** rollback's inputs and the pure choice of target weights. */
import { getEnum } from '../lib/inputs.js';
import { readRouterConfig, type RouterConfig } from '../traffic/router-inputs.js';
import { RouterStateError, formatWeights, weightsFor, type RampMark, type Weights } from '../traffic/port.js';

export type RollbackTo = 'stable' | 'baseline';

export interface RollbackInputs {
  router: RouterConfig;
  to: RollbackTo;
}

export function readRollbackInputs(): RollbackInputs {
  return { router: readRouterConfig(), to: getEnum<RollbackTo>('to', ['stable', 'baseline'], 'stable') };
}

/** stable → stable 100 %; baseline → the weights the last ramp recorded before it started. */
export function targetWeights(to: RollbackTo, mark: RampMark | null, resource: string): { weights: Weights; why: string } {
  if (to === 'stable') return { weights: weightsFor(0), why: 'stable takes all traffic' };
  if (!mark) {
    throw new RouterStateError(`no canary ramp is recorded on ${resource}, so its baseline is unknown; use to: stable`);
  }
  return { weights: mark.baseline, why: `the baseline run ${mark.owner} recorded before its ramp (${formatWeights(mark.baseline)})` };
}
