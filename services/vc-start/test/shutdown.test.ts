// vc-start's start command (PGlite) saturated by autocannon through SIGTERM: every write in flight
// commits and answers, nothing is reset (counting rules in test/support/services/shutdown-load.ts).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { httpShutdownUnderLoad, startServiceProcess, expectCleanShutdown } from '../../../test/support/services/shutdown-load.js';

describe('vc-start graceful shutdown under load', () => {
  it('SIGTERM at saturation (POST /verifications, a new Idempotency-Key each): 0 failed requests, 0 connection resets, exit 0', async () => {
    const proc = await startServiceProcess('vc-start', { SHUTDOWN_DRAIN_DELAY: '1s' }, async (port) => (await fetch(`http://127.0.0.1:${port}/ready`)).status === 200);
    try {
      const f = await httpShutdownUnderLoad('vc-start', proc, {
        url: `http://127.0.0.1:${proc.port}/verifications`,
        method: 'POST',
        setupRequest: (req) => {
          const key = randomUUID();
          return { ...req, headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify({ subject: 'load@example.com', method: 'email', reference: key }) };
        },
        connections: 16,
      }, 200);
      expectCleanShutdown(f, 200);
    } finally {
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    }
  }, 120_000);
});
