/** An HTTP proxy in front of the registry that answers the first N matching requests with a fault, then passes everything through. */
import { createServer, request, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { listenOnLoopback } from '../loopback.js';

export interface FlakyProxy {
  host: string;
  faults: { method: string; path: string; status: number }[];
  /** registries.conf marking both the proxy and the registry as plain-http loopback registries. */
  registriesConf: string;
  close(): Promise<void>;
}

export async function startFlakyProxy(target: string, match: (method: string, path: string) => boolean, count: number, status = 503, confPath: string): Promise<FlakyProxy> {
  const faults: FlakyProxy['faults'] = [];
  let left = count;
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (left > 0 && match(req.method ?? 'GET', path)) {
      left--;
      faults.push({ method: req.method ?? '', path, status });
      req.resume();
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAVAILABLE","message":"injected fault"}]}');
      return;
    }
    const [hostname, port] = target.split(':');
    const upstream = request({ hostname, port: Number(port), method: req.method, path, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  const { port, stop } = await listenOnLoopback(server);
  const host = `127.0.0.1:${port}`;
  writeFileSync(confPath, [target, host].map((h) => `[[registry]]\nlocation = "${h}"\ninsecure = true\n`).join('\n'));
  return {
    host, faults, registriesConf: confPath,
    close: stop,
  };
}
