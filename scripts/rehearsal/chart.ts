/**
 * Terminal line charts (plain text, no dependencies): several series over one time axis in a small
 * grid, each drawn with its own mark; where two series meet the later one's mark wins.
 */

export interface ChartSeries {
  name: string;
  mark: string;
  /** One value per point of the time axis; null where nothing was measured. */
  values: (number | null)[];
}

export interface ChartOptions {
  title: string;
  unit?: string;
  height?: number;
  /** Points are averaged into at most this many columns. */
  width?: number;
  /** Fixed y range; otherwise 0 .. the largest value. */
  max?: number;
  /** Seconds since the start, for the axis labels. */
  seconds: number[];
}

function resample(values: (number | null)[], columns: number): (number | null)[] {
  if (values.length <= columns) return values;
  return Array.from({ length: columns }, (_, c) => {
    const slice = values.slice(Math.floor((c * values.length) / columns), Math.floor(((c + 1) * values.length) / columns)).filter((v): v is number => v !== null);
    return slice.length ? Math.max(...slice) : null;
  });
}

function formatTick(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1).replace(/\.0$/, '');
  return v.toPrecision(2).replace(/\.?0+$/, '');
}

export function renderChart(series: ChartSeries[], o: ChartOptions): string {
  const height = o.height ?? 6;
  const columns = Math.min(o.width ?? 60, Math.max(...series.map((s) => s.values.length), 1));
  const cols = series.map((s) => ({ ...s, values: resample(s.values, columns) }));
  const known = cols.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = o.max ?? Math.max(...known, 0);
  const top = max > 0 ? max : 1;
  const grid = Array.from({ length: height }, () => Array<string>(columns).fill(' '));
  for (const s of cols) {
    s.values.forEach((v, x) => {
      if (v === null) return;
      // Anything above zero leaves the bottom row, so a small value is not read as none.
      const level = Math.min(height - 1, Math.max(v > 0 ? 1 : 0, Math.round((Math.max(0, v) / top) * (height - 1))));
      const row = height - 1 - level;
      grid[row][x] = s.mark;
    });
  }
  const labels = Array.from({ length: height }, (_, r) => (r === 0 ? formatTick(top) : r === height - 1 ? '0' : ''));
  const pad = Math.max(...labels.map((l) => l.length));
  const legend = cols.map((s) => `${s.mark} ${s.name}`).join('   ');
  const lines = [`${o.title}${o.unit ? ` (${o.unit})` : ''}   ${legend}`];
  grid.forEach((row, r) => lines.push(`${labels[r].padStart(pad)} ┤${row.join('')}`));
  const first = o.seconds[0] ?? 0;
  const last = o.seconds.at(-1) ?? 0;
  const axisLabel = `${formatTick(first)}s`;
  const end = `${formatTick(last)}s`;
  lines.push(`${' '.repeat(pad)} └${'─'.repeat(columns)}`);
  lines.push(`${' '.repeat(pad)}  ${axisLabel}${' '.repeat(Math.max(1, columns - axisLabel.length - end.length))}${end}`);
  return lines.join('\n');
}
