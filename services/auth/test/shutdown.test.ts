// auth's start command saturated by autocannon through SIGTERM: the drain, the listener's close and
// the last responses lose nothing (counting rules in test/support/services/shutdown-load.ts).
import { describe, expect, it } from 'vitest';
import { hashSecret } from '../src/credentials.js';
import { httpShutdownUnderLoad, startServiceProcess, expectCleanShutdown } from '../../../test/support/services/shutdown-load.js';

describe('auth graceful shutdown under load', () => {
  it('SIGTERM at saturation: 0 failed requests, 0 connection resets, exit 0', async () => {
    const secret = 'shutdown-load-secret-0123456789';
    const clients = { clients: [{ id: 'loader', secretHash: await hashSecret(secret), audiences: ['persona'], scopes: ['persona:read'] }] };
    const proc = await startServiceProcess('auth', {
      AUTH_SIGNING_KEY: 'generate', AUTH_CLIENTS: JSON.stringify(clients), SHUTDOWN_DRAIN_DELAY: '1s',
    }, async (port) => (await fetch(`http://127.0.0.1:${port}/ready`)).status === 200);
    const base = `http://127.0.0.1:${proc.port}`;
    try {
      const issued = await fetch(`${base}/oauth/token`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'loader', client_secret: secret, audience: 'persona' }),
      });
      expect(issued.status).toBe(200);
      const { access_token: token } = await issued.json() as { access_token: string };

      const f = await httpShutdownUnderLoad('auth', proc, {
        url: `${base}/verify`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, audience: 'persona' }),
      });
      expectCleanShutdown(f, 500);
    } finally {
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    }
  }, 90_000);
});
