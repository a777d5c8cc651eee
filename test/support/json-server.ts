/**
 * A JSON API fake on a free loopback port, for bundles (a separate process nock cannot reach):
 * `handle` gets the request and its parsed body and answers [status, body, headers].
 */
import { createServer, type IncomingMessage } from 'node:http';
import { listenOnLoopback } from './loopback.js';

export type JsonAnswer = [status: number, body: unknown, headers?: Record<string, string>];

export async function serveJson(handle: (req: IncomingMessage, body: unknown) => JsonAnswer): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const [status, body, headers] = handle(req, text ? JSON.parse(text) : undefined);
      res.writeHead(status, headers);
      res.end(JSON.stringify(body));
    });
  });
  const { url: endpoint, stop } = await listenOnLoopback(server);
  return { endpoint, stop };
}
