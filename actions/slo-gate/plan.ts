/** slo-gate's inputs and the pure decision of what a verdict does to the step. */
import { getEnum } from '../lib/inputs.js';
import { readGateConfig } from '../metrics/gate.js';
import type { GateConfig, GateResult } from '../metrics/types.js';

export interface Inputs {
  gate: GateConfig;
  onInconclusive: 'fail' | 'pass';
}

export function readInputs(): Inputs {
  return { gate: readGateConfig(), onInconclusive: getEnum('on-inconclusive', ['fail', 'pass'] as const, 'fail') };
}

export interface Outcome {
  failStep: boolean;
  /** The line shown as the step's error, warning or notice. */
  message: string;
  level: 'error' | 'warning' | 'notice';
}

/** fail fails the step, inconclusive too unless on-inconclusive: pass; dry-run never fails. */
export function decideOutcome(result: GateResult, inputs: Pick<Inputs, 'onInconclusive'> & { dryRun: boolean }): Outcome {
  const line = `SLO gate ${result.result}: ${result.reason}`;
  if (result.result === 'pass') return { failStep: false, message: line, level: 'notice' };
  const wouldFail = result.result === 'fail' || inputs.onInconclusive === 'fail';
  if (inputs.dryRun) return { failStep: false, message: `${line} (dry-run: not failing the step${wouldFail ? '' : ', and on-inconclusive is pass'})`, level: 'warning' };
  if (!wouldFail) return { failStep: false, message: `${line} (on-inconclusive: pass)`, level: 'warning' };
  return { failStep: true, message: line, level: 'error' };
}
