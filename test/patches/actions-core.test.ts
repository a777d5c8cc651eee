/**
 * patches/@actions+core+*.patch (applied by `postinstall`): @actions/core loads its OIDC client,
 * and with it @actions/http-client and undici, only when getIDToken is called. Unpatched, every
 * action pays for undici at start-up (about half of its cold start), though none asks for a token.
 * Each case runs a fresh node, so the module graph is exactly what one import loads.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/harness.js';

/** Records every module URL the child resolves, then runs `body` (ESM, top-level await allowed). */
function script(body: string): string {
  return `
import { registerHooks } from 'node:module';
const loaded = [];
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); loaded.push(r.url); return r; } });
const heavy = () => loaded.filter((url) => /\\/node_modules\\/(undici|@actions\\/http-client)\\//.test(url) || /\\/oidc-utils\\.js$/.test(url));
const core = await import('@actions/core');
const atImport = heavy();
${body}
`;
}

function runNode(source: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', source], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The child's last stdout line, where each script prints its JSON result. */
function result(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

describe('@actions/core as patched', () => {
  const closers: Array<() => void> = [];
  afterEach(() => closers.splice(0).forEach((close) => close()));

  it('loads neither undici nor @actions/http-client at import, and still has every export', async () => {
    const { code, stdout, stderr } = await runNode(script(`
console.log(JSON.stringify({ atImport, getIDToken: typeof core.getIDToken, getInput: typeof core.getInput, summary: typeof core.summary?.addRaw, platform: typeof core.platform?.isLinux }));
`));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(result(stdout)).toEqual({ atImport: [], getIDToken: 'function', getInput: 'function', summary: 'function', platform: 'boolean' });
  });

  it('getIDToken loads the OIDC client on first use and asks the runner for a token', async () => {
    const requests: Array<{ url: string; authorization?: string }> = [];
    const server = createServer((req: IncomingMessage, res) => {
      requests.push({ url: req.url ?? '', authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ value: 'header.payload.signature' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    const { port } = server.address() as AddressInfo;

    const { code, stdout, stderr } = await runNode(script(`
const token = await core.getIDToken('sts.amazonaws.com');
console.log(JSON.stringify({ atImport, token, afterCall: heavy().length > 0 }));
`), {
      ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // The token is masked before anything could print it.
    expect(stdout).toContain('::add-mask::header.payload.signature');
    expect(result(stdout)).toEqual({ atImport: [], token: 'header.payload.signature', afterCall: true });
    expect(requests).toEqual([{ url: '/token?api-version=2.0&audience=sts.amazonaws.com', authorization: 'Bearer request-token' }]);
  });
});
