// The provider factory: the backend the configuration names, each owning its validation and
// whether it has a baseline, and canary-ramp's ALB dimensions filled into an alb preset.
import { describe, expect, it } from 'vitest';
import { openProvider } from './factory.js';
import { validateGate } from '../gate.js';
import { parseObjectives } from '../slo.js';
import { PROMETHEUS_DEFAULTS } from './sources.js';
import type { GateConfig, GateSettings } from '../types.js';
import { InputError } from '../../../common/errors.js';

const settings = (slo: string[]): GateSettings => ({ objectives: parseObjectives(slo), windowMs: 600_000, warmupMs: 0, minRequests: 100, onNoData: 'inconclusive', dryRun: false, region: 'eu-central-1' });
const TG = 'targetgroup/green/0123456789abcdef';
const ALB_OVERRIDES = {
  alb: {
    loadBalancer: 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/app/web/0123456789abcdef/fedcba9876543210',
    canaryTargetGroup: `arn:aws:elasticloadbalancing:eu-central-1:123456789012:${TG}`,
    baselineTargetGroup: 'targetgroup/blue/fedcba9876543210',
  },
};

describe('openProvider', () => {
  it('opens the backend the configuration names, with its own baseline and validation', async () => {
    const cw: GateConfig = { ...settings(['p95 < 1.2x baseline']), provider: 'cloudwatch', source: { preset: 'emf', namespace: 'MeshServices', service: 'auth', canaryVersion: '2', metricNames: { requests: 'Requests', errors: 'Errors', latency: 'Duration' } } };
    const p = await openProvider(cw);
    expect([p.name, p.hasBaseline]).toEqual(['cloudwatch', false]);
    expect(() => validateGate(cw, p)).toThrow(/^Input "slo": "p95 < 1\.2x baseline" compares with the baseline, but no baseline is given; set baseline-target-group \(alb\), baseline-service, baseline-version/);

    const prom: GateConfig = { ...settings(['queue_depth < 10']), provider: 'prometheus', source: { url: 'http://127.0.0.1:9090', sigv4: false, preset: 'http-histogram', canarySelector: 'v="2"', baselineSelector: 'v="1"', queries: {}, stepSeconds: 2, ...PROMETHEUS_DEFAULTS } };
    const q = await openProvider(prom);
    expect([q.name, q.hasBaseline]).toEqual(['prometheus', true]);
    expect(() => validateGate(prom, q)).toThrow(InputError);
    expect(() => validateGate(prom, q)).toThrow(/^Input "prometheus-queries": no PromQL for "queue_depth"/);

    const k6: GateConfig = { ...settings(['p95 < 1.2x baseline']), provider: 'k6-summary', source: { canarySummary: 'c.json', latencyMetric: 'http_req_duration' } };
    const k = await openProvider(k6);
    expect([k.name, k.hasBaseline]).toEqual(['k6-summary', false]);
    expect(() => validateGate(k6, k)).toThrow(/set k6-baseline-summary\.$/);
  });

  it('an alb preset takes canary-ramp\'s dimensions from the router\'s ARNs; without them it names the missing input', async () => {
    const alb: GateConfig = { ...settings(['p95 < 1.2x baseline']), provider: 'cloudwatch', source: { preset: 'alb' } };
    const bare = await openProvider(alb);
    expect(bare.hasBaseline).toBe(false);
    expect(() => validateGate(alb, bare)).toThrow(/^Input "load-balancer" is required for preset alb/);
    const ramp = await openProvider(alb, ALB_OVERRIDES);
    expect(ramp.hasBaseline).toBe(true);
    expect(() => validateGate(alb, ramp)).not.toThrow();
  });
});
