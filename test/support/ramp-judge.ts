/** Gate results and scripted judges for the control loop's tests (runRamp under a FakeClock). */
import type { Judge } from '../../actions/canary-ramp/ramp.js';
import { CancelledError } from '../../actions/lib/runner.js';
import type { GateResult, Verdict } from '../../actions/metrics/types.js';

/** A gate result of one p95 objective with `result` as its verdict (450 ms when failing, 120 ms otherwise). */
export function gate(result: Verdict, reason: string = result): GateResult {
  return {
    result, reason, window: { start: '', end: '' },
    objectives: [{ objective: 'p95 < 200ms', verdict: result, canary: { value: result === 'fail' ? 450 : 120, samples: 10 }, test: { name: 'threshold' }, reason }],
  };
}

/** A judge that answers from a script (the last answer repeats) and records the windows it was asked about. */
export function scripted(...answers: (Verdict | Error)[]) {
  const windows: { start: Date; end: Date }[] = [];
  let i = 0;
  const judge: Judge = async (w) => {
    windows.push(w);
    const a = answers[Math.min(i++, answers.length - 1)];
    if (a instanceof Error) throw a;
    return gate(a);
  };
  return { judge, windows };
}

/** A judge that passes every check and, at its `n`-th, cancels the run (SIGTERM, as the runner does) through `signal`. */
export function cancelledAtCheck(n: number): { judge: Judge; signal: AbortSignal } {
  const controller = new AbortController();
  let checks = 0;
  const judge: Judge = async () => {
    if (++checks === n) controller.abort(new CancelledError('SIGTERM'));
    return gate('pass');
  };
  return { judge, signal: controller.signal };
}
