/** A loopback HTTP server serving fixed files by path, recording what was asked for. */
import { createServer, type Server } from 'node:http';
import { listenOnLoopback } from '../loopback.js';

export interface FileServer {
  url: string;
  files: Map<string, Buffer>;
  requests: string[];
  close(): Promise<void>;
}

export async function serveFiles(files = new Map<string, Buffer>()): Promise<FileServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const body = files.get(path);
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  });
  const { url, stop } = await listenOnLoopback(server);
  return { url, files, requests, close: stop };
}
