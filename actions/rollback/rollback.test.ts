/** rollBack's ordering against a live ramp, with an in-memory backend that plays the ramp's next step. */
import { describe, expect, it } from 'vitest';
import { rollBack } from './rollback.js';
import { weightsFor, type Baseline } from '../traffic/port.js';
import { MemoryRouter } from '../../test/support/memory-router.js';

/**
 * While the rollback writes, the live ramp reaches its next step: like the ramp, it shifts only when
 * the mark still says in-progress (its confirm-then-shift), so what it sees depends on the order.
 */
class RacingRampRouter extends MemoryRouter {
  constructor() {
    super(10);
    this.mark = { state: 'in-progress', owner: '5/1', baseline: weightsFor(0), step: 10, deadline: 2_000_000_000 };
  }
  override async restore(b: Baseline): Promise<void> {
    await super.restore(b);
    if (this.mark?.state === 'in-progress') await this.shift(50); // the ramp's next step lands right after
  }
}

describe('rollBack during a live ramp', () => {
  it('closes the ramp mark before writing weights, so the ramp cannot shift over the rollback', async () => {
    const router = new RacingRampRouter();
    const result = await rollBack(router, 'stable');
    expect(result).toMatchObject({ changed: true, before: weightsFor(10), after: weightsFor(0) });
    expect(router.weights).toEqual(weightsFor(0));
    expect(router.mark).toMatchObject({ state: 'done', owner: '5/1' });
  });
});
