/**
 * The target of synthetic load tests: an HTTP server on a free loopback port that records every
 * request it receives (time, method, path, headers, body), so tests count the load where it lands.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { listenOnLoopback } from './loopback.js';

export interface Received {
  at: number;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface LoadTarget {
  url: string;
  received: Received[];
  /** Requests received at or after `since` (epoch ms). */
  countSince(since: number): number;
  stop(): Promise<void>;
}

/** `answer` gives each request's status; null leaves the request unanswered (a hung backend). */
export async function startTarget(answer: (r: Received, n: number) => number | null = () => 200): Promise<LoadTarget> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const at = Date.now();
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const r = { at, method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      received.push(r);
      const status = answer(r, received.length);
      if (status !== null) res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  const { url, stop } = await listenOnLoopback(server);
  return {
    url,
    received,
    countSince: (since) => received.filter((r) => r.at >= since).length,
    stop,
  };
}
