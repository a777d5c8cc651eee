/**
 * The root dispatcher's command lookup: only the actions themselves are commands. `__proto__`,
 * `constructor` and the other Object.prototype names used to reach the prototype and fail with
 * "t.main is not a function"; they are unknown commands, refused with the accepted ones.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runRoot, type ActionLoader } from '../../actions/lib/root.js';
import { inputEnv } from '../../test/support/harness.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

async function dispatch(command: string, ran: string[], actions?: Record<string, ActionLoader>): Promise<string> {
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_') || k.startsWith('STATE_')) delete process.env[k];
  // saveState writes to GITHUB_STATE when set; these runs keep it on stdout.
  delete process.env.GITHUB_STATE;
  Object.assign(process.env, inputEnv({ command }));
  const entry = (name: string): ActionLoader => async () => void ran.push(name);
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  await runRoot(actions ?? { 'slo-gate': entry('slo-gate'), rollback: entry('rollback') }, { 'slo-gate': { window: '10m' } });
  return out;
}

describe('runRoot', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'])('%s is not a command', async (command) => {
    const ran: string[] = [];
    const out = await dispatch(command, ran);
    expect(ran).toEqual([]);
    expect(process.exitCode).toBe(1);
    expect(out).toContain(`::error::Input "command": "${command}" is not one of slo-gate | rollback.`);
    expect(out).not.toMatch(/is not a function/);
  });

  it('fails with an annotation when the action\'s bundle cannot be loaded', async () => {
    const out = await dispatch('rollback', [], { rollback: () => Promise.reject(new Error('Cannot find module')) });
    expect(process.exitCode).toBe(1);
    expect(out).toContain('::error::rollback: could not load ../actions/rollback/dist/index.js: Cannot find module');
  });

  it('runs a known command with its defaults filled in', async () => {
    const ran: string[] = [];
    await dispatch('slo-gate', ran);
    expect(ran).toEqual(['slo-gate']);
    expect(process.env.INPUT_WINDOW).toBe('10m');
    expect(process.exitCode).toBeUndefined();
  });
});
