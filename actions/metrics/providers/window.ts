/** The window a backend reads, in whole periods of its own length (CloudWatch 60 s, Prometheus its step). */
export type AlignedWindow = { start: Date; end: Date; seconds: number };

/** The window aligned to whole periods, so every period is complete and the window value covers exactly them. */
export function alignWindow(w: { start: Date; end: Date }, periodSeconds: number): AlignedWindow {
  const p = periodSeconds * 1000;
  const start = Math.floor(w.start.getTime() / p) * p;
  let end = Math.floor(w.end.getTime() / p) * p;
  if (end <= start) end = start + p;
  return { start: new Date(start), end: new Date(end), seconds: (end - start) / 1000 };
}
