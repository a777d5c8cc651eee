/** Steady load through the data plane: autocannon at a fixed overall rate, until stopped. */
import autocannon from 'autocannon';

export interface LoadResult {
  requests: number;
  /** Responses by status code; 0 counts connection errors and timeouts. */
  statuses: Record<string, number>;
}

export interface Load {
  stop(): Promise<LoadResult>;
}

export function startLoad(o: { url: string; rate: number; token: string }): Load {
  const statuses: Record<string, number> = {};
  let requests = 0;
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const instance = autocannon({
    url: `${o.url}/verify`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: o.token, audience: 'persona' }),
    // Enough connections that +300 ms on a slow canary does not throttle the rate.
    connections: Math.max(4, Math.min(64, Math.ceil(o.rate / 10))),
    overallRate: o.rate,
    duration: 3600,
    timeout: 5,
  }, () => finished());
  instance.on('response', (_client: unknown, status: number) => {
    requests++;
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  instance.on('reqError', () => {
    requests++;
    statuses['0'] = (statuses['0'] ?? 0) + 1;
  });
  return {
    async stop() {
      instance.stop();
      await done;
      return { requests, statuses };
    },
  };
}
