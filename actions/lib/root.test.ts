/**
 * The one bundle's dispatcher. The root action's command lookup: only the actions themselves are
 * commands. `__proto__`, `constructor` and the other Object.prototype names used to reach the
 * prototype and fail with "t.main is not a function"; they are unknown commands, refused with the
 * accepted ones. And the entry an action's runs file names picks that action.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runEntry, runRoot, type ActionLoader } from '../../actions/lib/root.js';
import { inputEnv } from '../../test/support/harness.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

async function dispatch(command: string, ran: string[], actions?: Record<string, ActionLoader>, entry?: string): Promise<string> {
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_') || k.startsWith('STATE_')) delete process.env[k];
  // saveState writes to GITHUB_STATE when set; these runs keep it on stdout.
  delete process.env.GITHUB_STATE;
  Object.assign(process.env, inputEnv({ command }));
  const loader = (name: string): ActionLoader => async () => void ran.push(name);
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const table = actions ?? { 'slo-gate': loader('slo-gate'), rollback: loader('rollback') };
  const defaults = { 'slo-gate': { window: '10m' } };
  if (entry === undefined) await runRoot(table, defaults);
  else await runEntry(table, defaults, entry);
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

  it('fails with an annotation when the action\'s code cannot be loaded', async () => {
    const out = await dispatch('rollback', [], { rollback: () => Promise.reject(new Error('Cannot find module \'/a/dist/15.index.js\'')) });
    expect(process.exitCode).toBe(1);
    expect(out).toContain("::error::rollback: could not load its code from dist/: Cannot find module '/a/dist/15.index.js'");
  });

  it('runs a known command with its defaults filled in', async () => {
    const ran: string[] = [];
    await dispatch('slo-gate', ran);
    expect(ran).toEqual(['slo-gate']);
    expect(process.env.INPUT_WINDOW).toBe('10m');
    expect(process.exitCode).toBeUndefined();
  });
});

describe('runEntry', () => {
  it('dist/<name>.js runs that action as the runner gives it, without the root\'s command or defaults', async () => {
    const ran: string[] = [];
    // A command input left over from nothing: the file name decides.
    const out = await dispatch('slo-gate', ran, undefined, '/home/runner/work/_actions/o/r/v1/dist/rollback.js');
    expect(ran).toEqual(['rollback']);
    expect(out).toBe('');
    expect(process.env.INPUT_WINDOW).toBeUndefined();
    expect(process.exitCode).toBeUndefined();
  });

  it('dist/index.js is the root action', async () => {
    const ran: string[] = [];
    const out = await dispatch('slo-gate', ran, undefined, '/r/dist/index.js');
    expect(ran).toEqual(['slo-gate']);
    expect(out).toContain('::save-state name=rootCommand::slo-gate');
    expect(process.env.INPUT_WINDOW).toBe('10m');
  });

  it.each(['/r/dist/canary-ramp.js', '/r/dist/__proto__.js', '/r/dist/', ''])('%j names no action', async (entry) => {
    const ran: string[] = [];
    const out = await dispatch('slo-gate', ran, undefined, entry);
    expect(ran).toEqual([]);
    expect(process.exitCode).toBe(1);
    expect(out).toMatch(/^::error::.* names no action: the runs file of an action is dist\/<name>\.js with <name> one of slo-gate \| rollback, or dist\/index\.js with the command input\.\n$/);
  });
});
