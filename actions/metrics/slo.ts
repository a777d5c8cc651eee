/**
 * The `slo` input: one objective per line, `<metric> <op> <threshold>`. Values are normalised to a
 * base unit per metric kind (ms for latency, a fraction for rates, per second for request rate), so
 * the judge never sees units.
 */
import { InputError } from '../../common/errors.js';
import type { Objective } from './types.js';

export type MetricKind = 'latency' | 'error-rate' | 'request-rate' | 'custom';

/**
 * The accepted span of every threshold, in the metric's base unit after conversion (documented in
 * action.yml and the README). Anything larger is a typo, and `1<400 zeros>ms` (Infinity) would make
 * every objective pass.
 */
export const THRESHOLD_RANGES = {
  /** ms: up to an hour. */
  latency: { min: 0, max: 3_600_000, text: 'from 0ms to 3600000ms (1h)' },
  /** a fraction: 0 to 100 %. */
  'error-rate': { min: 0, max: 1, text: 'from 0 to 1 (0% to 100%)' },
  /** per second: up to ten million. */
  'request-rate': { min: 0, max: 10_000_000, text: 'from 0/s to 10000000/s' },
  /** in the written unit, before conversion. */
  custom: { min: 0, max: 1e12, text: 'from 0 to 1e12 (in the unit written)' },
  /** `<factor>x baseline`. */
  ratio: { min: 0, max: 100, text: 'above 0 and at most 100 (e.g. 1.2x baseline)' },
} as const;

export const SLO_FORMS = [
  '"<metric> <op> <threshold>" where',
  '  metric: p50 … p99.99 (latency percentile, at most two decimals), error-rate, request-rate, or a custom metric name ([A-Za-z_][A-Za-z0-9_.:-]*)',
  '  op: <, <=, >, >=',
  '  threshold: 200ms or 1.5s (latency), 1% or 0.01 (error-rate), 50/s, 50rps or 3000/min (request-rate),',
  '             a plain number, ms, s or % (custom), or 1.2x baseline (a ratio to the baseline, any metric)',
  `  ranges: latency ${THRESHOLD_RANGES.latency.text}; error-rate ${THRESHOLD_RANGES['error-rate'].text}; request-rate ${THRESHOLD_RANGES['request-rate'].text};`,
  `          custom ${THRESHOLD_RANGES.custom.text}; ratio ${THRESHOLD_RANGES.ratio.text}`,
  'e.g. "p95 < 200ms", "error-rate < 1%", "p99 < 1.2x baseline"',
].join('\n');

const LINE = /^([A-Za-z_][A-Za-z0-9_.:-]*)\s*(<=|>=|<|>)\s*(.+)$/;
const NUMBER = '(\\d+(?:\\.\\d+)?|\\.\\d+)';
const RELATIVE = new RegExp(`^${NUMBER}\\s*[x×]\\s*baseline$`, 'i');
const WITH_UNIT = new RegExp(`^${NUMBER}\\s*(ms|s|%|/s|rps|/min|rpm)?$`);

export function metricKind(metric: string): MetricKind {
  if (/^p\d/.test(metric)) return 'latency';
  if (metric === 'error-rate') return 'error-rate';
  if (metric === 'request-rate') return 'request-rate';
  return 'custom';
}

/**
 * `p95` → 95, `p99.9` → 99.9; null when the name is not a percentile in CloudWatch's form pNN.NN
 * (no leading zero, at most two decimals: CloudWatch refuses the whole call otherwise).
 */
export function percentileOf(metric: string): number | null {
  const m = /^p((?:[1-9]\d?|0)(?:\.\d{1,2})?)$/.exec(metric);
  if (!m) return null;
  const q = Number(m[1]);
  return q > 0 && q < 100 ? q : null;
}

function bad(line: string, why: string): InputError {
  return new InputError(`Input "slo": line "${line}" ${why}.\nAccepted form: ${SLO_FORMS}`);
}

/** Converts an absolute threshold to the metric's base unit, or explains why it cannot. */
function absolute(line: string, kind: MetricKind, value: number, unit: string): { value: number; unit: string } {
  const converted = convert(line, kind, value, unit);
  const range = THRESHOLD_RANGES[kind];
  const checked = kind === 'custom' ? value : converted.value;
  if (!(Number.isFinite(checked) && checked >= range.min && checked <= range.max)) {
    throw bad(line, `has a threshold out of range; a ${kind} threshold is ${range.text}`);
  }
  return converted;
}

function convert(line: string, kind: MetricKind, value: number, unit: string): { value: number; unit: string } {
  switch (kind) {
    case 'latency':
      if (unit === 'ms') return { value, unit: 'ms' };
      if (unit === 's') return { value: value * 1000, unit: 'ms' };
      throw bad(line, 'needs a latency unit (ms or s)');
    case 'error-rate': {
      const fraction = unit === '%' ? value / 100 : unit === '' ? value : NaN;
      if (Number.isNaN(fraction)) throw bad(line, 'needs a rate: a percentage (1%) or a fraction (0.01)');
      if (fraction > 1) throw bad(line, 'has an error rate above 100%');
      return { value: fraction, unit: 'ratio' };
    }
    case 'request-rate':
      if (unit === '' || unit === '/s' || unit === 'rps') return { value, unit: '/s' };
      if (unit === '/min' || unit === 'rpm') return { value: value / 60, unit: '/s' };
      throw bad(line, 'needs a request rate (50/s, 50rps or 3000/min)');
    case 'custom':
      if (unit === 's') return { value: value * 1000, unit: 'ms' };
      if (unit === '%') return { value: value / 100, unit: 'ratio' };
      if (unit === '' || unit === 'ms') return { value, unit: unit || 'none' };
      throw bad(line, `has a unit "${unit}" that a custom metric cannot take (use none, ms, s or %)`);
  }
}

export function parseObjective(line: string): Objective {
  const text = line.trim();
  const m = LINE.exec(text);
  if (!m) throw bad(text, 'does not parse');
  const [, metric, comparator, rhs] = m;
  const kind = metricKind(metric);
  if (kind === 'latency' && percentileOf(metric) === null) throw bad(text, `names "${metric}", which is not a percentile from p0.01 to p99.99 (at most two decimals, no leading zero)`);
  const threshold = rhs.trim();
  const rel = RELATIVE.exec(threshold);
  if (rel) {
    const factor = Number(rel[1]);
    if (!(factor > 0)) throw bad(text, 'has a baseline ratio that is not above 0');
    if (!(factor <= THRESHOLD_RANGES.ratio.max)) throw bad(text, `has a baseline ratio out of range; a ratio is ${THRESHOLD_RANGES.ratio.text}`);
    return { text, metric, comparator: comparator as Objective['comparator'], threshold: { kind: 'relative', factor } };
  }
  const abs = WITH_UNIT.exec(threshold);
  if (!abs) throw bad(text, `has a threshold "${threshold}" that is neither a number with a unit nor "<n>x baseline"`);
  const { value, unit } = absolute(text, kind, Number(abs[1]), abs[2] ?? '');
  return { text, metric, comparator: comparator as Objective['comparator'], threshold: { kind: 'absolute', value, unit } };
}

/** Parses every line (blank and #-comment lines are dropped by the caller); duplicate lines are refused. */
export function parseObjectives(lines: string[]): Objective[] {
  if (lines.length === 0) throw new InputError(`Input "slo" is required: one objective per line.\nAccepted form: ${SLO_FORMS}`);
  const seen = new Set<string>();
  return lines.map((line) => {
    const o = parseObjective(line);
    const key = `${o.metric} ${o.comparator} ${JSON.stringify(o.threshold)}`;
    if (seen.has(key)) throw bad(o.text, 'repeats an earlier objective');
    seen.add(key);
    return o;
  });
}

/** True when `observed` satisfies the objective against `bound` (the threshold, or factor × baseline). */
export function satisfies(comparator: Objective['comparator'], observed: number, bound: number): boolean {
  switch (comparator) {
    case '<': return observed < bound;
    case '<=': return observed <= bound;
    case '>': return observed > bound;
    case '>=': return observed >= bound;
  }
}

/** Higher is worse for `<`/`<=` objectives (latency, errors); lower is worse for `>`/`>=` ones. */
export function worseDirection(comparator: Objective['comparator']): 'greater' | 'less' {
  return comparator === '<' || comparator === '<=' ? 'greater' : 'less';
}
