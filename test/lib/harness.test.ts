import { describe, it, expect } from 'vitest';
import { inputEnv, parseFileCommands } from '../support/harness.js';
import { inputEnvName } from '../../actions/lib/root.js';

describe('runner harness', () => {
  it('parses both file-command forms the runner accepts', () => {
    const text = 'a=1\nreport<<ghadelimiter_123\n{"x":\n1}\nghadelimiter_123\nb=two=2\n';
    expect(parseFileCommands(text)).toEqual({ a: '1', report: '{"x":\n1}', b: 'two=2' });
  });

  it('names INPUT_* like the runner: upper-case, spaces to underscores, hyphens kept', () => {
    expect(inputEnv({ 'canary-target-group': 'x', 'my input': 'y', skip: undefined })).toEqual({
      'INPUT_CANARY-TARGET-GROUP': 'x',
      INPUT_MY_INPUT: 'y',
    });
    expect(inputEnvName('bake-time')).toBe('INPUT_BAKE-TIME');
  });
});
