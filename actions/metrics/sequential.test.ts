// The anytime-valid evidence: exact values where they are known in closed form, and seeded
// simulations (not timed) that hold its defining property, an e-value whose mean under the null is
// at most 1, so that it reaches 1/α over any number of looks at most α of the time.
import { describe, expect, it } from 'vitest';
import { overdispersion, pairedStats, poolStats, rampLogE, rateRatioLogE, rateVsThresholdLogE, statsLogE, tMixture, tMixtureLogE, T_SCALES } from './sequential.js';
import { rng } from '../../bench/ramp-sim.js';

describe('t mixture', () => {
  it('is the scale-invariant Bayes factor, averaged over its prior scales (closed form at n = 3)', () => {
    const d = [1, 2, 3];
    // mean 2, sd 1, t = 2√3, ν = 2: BF_g = (1+3g)^(-1/2) · ((1 + t²/2) / (1 + t²/(2(1+3g))))^(3/2)
    const want = T_SCALES.map((g) => (1 + 3 * g) ** -0.5 * ((1 + 6) / (1 + 6 / (1 + 3 * g))) ** 1.5);
    expect(Math.exp(tMixtureLogE(d).logE)).toBeCloseTo(want.reduce((a, b) => a + b) / want.length, 9);
    expect(tMixtureLogE(d).t).toBeCloseTo(2 * Math.sqrt(3), 12);
  });

  it('counts only a positive mean, is scale-free, and is capped with two values however far apart', () => {
    expect(tMixtureLogE([-1, -2, -3]).logE).toBe(tMixtureLogE([0.5, -0.5, 0]).logE);
    expect(tMixtureLogE([1, 2, 3]).logE).toBeCloseTo(tMixtureLogE([1000, 2000, 3000]).logE, 9);
    const cap = Math.log(T_SCALES.map((g) => Math.sqrt(1 + 2 * g)).reduce((a, b) => a + b) / T_SCALES.length);
    expect(tMixtureLogE([5, 5.000001]).logE).toBeLessThanOrEqual(cap + 1e-9);
    expect(tMixtureLogE([5]).logE).toBe(0);
  });

  it('from sums equals from values, and pools steps as one sample', () => {
    expect(tMixture(pairedStats([0.1, 0.3, 0.2, 0.4]) as never).logE).toBeCloseTo(tMixtureLogE([0.1, 0.3, 0.2, 0.4]).logE, 12);
    expect(statsLogE(poolStats([pairedStats([0.1, 0.3]), pairedStats([0.2, 0.4])])!)).toBeCloseTo(tMixtureLogE([0.1, 0.3, 0.2, 0.4]).logE, 12);
  });

  it('under the null its mean is at most 1 at every sample size (20 000 seeded samples each)', () => {
    const r = rng(7);
    for (const n of [3, 5, 10, 30]) {
      let sum = 0;
      for (let i = 0; i < 20_000; i++) sum += Math.exp(tMixtureLogE(Array.from({ length: n }, () => r.normal())).logE);
      expect(sum / 20_000, `n=${n}`).toBeLessThan(1);
    }
  });

  it('looked at after every one of 100 values, it reaches 1/α at most α of the time (α = 0.1; and inside the margin less)', () => {
    const r = rng(11);
    const crossings = (shift: number) => {
      let crossed = 0;
      for (let i = 0; i < 2000; i++) {
        const d: number[] = [];
        for (let k = 0; k < 100; k++) {
          d.push(shift + r.normal());
          if (tMixtureLogE(d).logE >= Math.log(10)) {
            crossed++;
            break;
          }
        }
      }
      return crossed / 2000;
    };
    const atMargin = crossings(0);
    expect(atMargin).toBeLessThanOrEqual(0.1);
    expect(crossings(-0.3)).toBeLessThan(atMargin);
  });
});

describe('rate mixtures', () => {
  it('a rate at its threshold: mean e-value at most 1, and at most α of paths ever reach 1/α over 60 looks', () => {
    const r = rng(3);
    let sum = 0;
    let crossed = 0;
    for (let i = 0; i < 3000; i++) {
      const events: number[] = [];
      const trials: number[] = [];
      let hit = false;
      for (let k = 0; k < 60; k++) {
        trials.push(50);
        events.push(r.binomial(50, 0.01));
        if (!hit && rateVsThresholdLogE({ events, trials }, 0.01, 'greater').logE >= Math.log(10)) hit = true;
      }
      sum += Math.exp(rateVsThresholdLogE({ events: events.slice(0, 10), trials: trials.slice(0, 10) }, 0.01, 'greater').logE);
      if (hit) crossed++;
    }
    expect(sum / 3000).toBeLessThan(1.05);
    expect(crossed / 3000).toBeLessThanOrEqual(0.1);
  });

  it('a canary at exactly factor × the baseline rate, with the traffic split moving as a ramp does: at most α of paths reach 1/α', () => {
    const r = rng(5);
    let crossed = 0;
    for (let i = 0; i < 2000; i++) {
      const c = { events: [] as number[], trials: [] as number[] };
      const b = { events: [] as number[], trials: [] as number[] };
      for (let k = 0; k < 40; k++) {
        const share = [0.01, 0.05, 0.25, 0.5][Math.floor(k / 10)];
        const [n, m] = [Math.round(2000 * share), Math.round(2000 * (1 - share))];
        c.trials.push(n);
        c.events.push(r.binomial(n, 0.01));
        b.trials.push(m);
        b.events.push(r.binomial(m, 0.005));
        if (rateRatioLogE(c, b, 2, 'greater').logE >= Math.log(10)) {
          crossed++;
          break;
        }
      }
    }
    expect(crossed / 2000).toBeLessThanOrEqual(0.1);
  });

  it('finds a rate beyond its limit, in either direction', () => {
    expect(rateVsThresholdLogE({ events: [30], trials: [1000] }, 0.01, 'greater').logE).toBeGreaterThan(Math.log(1000));
    expect(rateVsThresholdLogE({ events: [0], trials: [2000] }, 0.01, 'less').logE).toBeGreaterThan(Math.log(100));
    expect(rateRatioLogE({ events: [40], trials: [1000] }, { events: [1], trials: [1000] }, 2, 'greater').logE).toBeGreaterThan(Math.log(1000));
  });

  it('overdispersion: 1 for binomial periods, well above 1 when the rate drifts between periods', () => {
    const r = rng(9);
    const trials = Array(30).fill(2000);
    expect(overdispersion([{ events: trials.map((n) => r.binomial(n, 0.02)), trials }])).toBeLessThan(1.6);
    expect(overdispersion([{ events: trials.map((n, i) => r.binomial(n, i % 2 ? 0.01 : 0.03)), trials }])).toBeGreaterThan(5);
    // Tempered by it, drift alone is not evidence.
    const drift = { events: trials.map((n, i) => r.binomial(n, i % 2 ? 0.01 : 0.03)), trials };
    expect(rateVsThresholdLogE(drift, 0.02, 'greater').phi).toBeGreaterThan(5);
  });
});

describe('rampLogE', () => {
  it('weighs the first start step by half, the later ones equally, and steps not reached as 1', () => {
    const a = pairedStats([0.3, 0.4, 0.5]);
    const b = pairedStats([0.2, 0.6]);
    const e = (s: Parameters<typeof statsLogE>[0]) => Math.exp(statsLogE(s));
    expect(Math.exp(rampLogE([a, b], 3))).toBeCloseTo(e(poolStats([a, b])!) / 2 + e(b) / 4 + 1 / 4, 9);
    expect(rampLogE([a], 1)).toBeCloseTo(statsLogE(a), 12);
    expect(rampLogE([], 4)).toBeCloseTo(0, 12);
  });
});
