/**
 * A traffic router that keeps its weights and its ramp mark in memory: the backend of the control
 * loop's tests and of the ramp simulations. Tests subclass it to record writes or inject faults.
 */
import { weightsFor, type Baseline, type RampMark, type TrafficRouter, type Weights } from '../../actions/traffic/port.js';

export class MemoryRouter implements TrafficRouter {
  readonly kind = 'alb' as const;
  readonly resource: string = 'memory listener';
  weights: Weights;
  mark: RampMark | null = null;

  constructor(canaryPercent = 0) {
    this.weights = weightsFor(canaryPercent);
  }
  async snapshot(): Promise<Baseline> {
    return { weights: { ...this.weights } };
  }
  async read(_signal?: AbortSignal): Promise<Weights> {
    return { ...this.weights };
  }
  async shift(percent: number, _signal?: AbortSignal): Promise<void> {
    this.weights = weightsFor(percent);
  }
  async restore(b: Baseline, _signal?: AbortSignal): Promise<void> {
    this.weights = { ...b.weights };
  }
  async platformSteps(): Promise<null> {
    return null;
  }
  async readMark(): Promise<RampMark | null> {
    return this.mark;
  }
  async writeMark(mark: RampMark | null): Promise<void> {
    this.mark = mark;
  }
  metricsScope(): undefined {
    return undefined;
  }
}
