import { InputError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

export const DURATION_FORM = 'a number with a unit: ms, s, m, h or d, combinable (e.g. 90s, 5m, 1h30m)';

/** The accepted span of one duration input, in milliseconds (both ends included). */
export interface DurationRange {
  min: number;
  max: number;
  /** Says the range when "a duration from <min> to <max>" does not (e.g. whole minutes only). */
  text?: string;
}

/** `from 1m to 24h`: for messages and the documentation of each input. */
export function formatRange(range: DurationRange): string {
  return `from ${range.min === 0 ? '0s' : formatDuration(range.min)} to ${formatDuration(range.max)}`;
}

/** The sum as written, which may be Infinity (`1<400 zeros>h`); null when the text is not a duration. */
function sumDuration(text: string): number | null {
  const s = text.trim();
  if (s === '') return null;
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = PART.exec(s)) !== null) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    consumed = PART.lastIndex;
  }
  if (consumed !== s.length) return null;
  return Math.round(total);
}

/**
 * Parses `2s`, `90s`, `1h30m`, `250ms`. Returns milliseconds; `null` when the text is not a duration
 * or too large to be a finite number of milliseconds.
 */
export function tryParseDuration(text: string): number | null {
  const ms = sumDuration(text);
  return ms !== null && Number.isFinite(ms) ? ms : null;
}

/**
 * Like tryParseDuration, but throws an InputError naming `what`, the accepted form and, with a
 * `range`, the accepted span. Without one the value still has to be finite.
 */
export function parseDuration(text: string, what: string, range?: DurationRange): number {
  const ms = sumDuration(text);
  const span = range ? ` ${formatRange(range)}` : '';
  if (ms === null) throw new InputError(`${what}: "${text}" is not a duration; expected ${DURATION_FORM}${span}`);
  if (!Number.isFinite(ms) || (range && (ms < range.min || ms > range.max))) {
    throw new InputError(`${what}: "${text}" is out of range; expected ${range?.text ?? `a duration${span || ' of finite length'}`}`);
  }
  return ms;
}

/** 5400000 → "1h30m"; 1500 → "1.5s". For messages and summaries. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms % 1000 !== 0 && ms < 60_000) return `${ms / 1000}s`;
  let rest = Math.round(ms / 1000);
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}
