import { describe, it, expect } from 'vitest';
import { actionDefaults, inputEnv, parseFileCommands, stepInputEnv } from './harness.js';
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

  it('applies action.yml defaults as the runner does: unset inputs get their default, set ones (even empty) win', () => {
    const defaults = actionDefaults('deploy-stack');
    expect(defaults).toMatchObject({ capabilities: 'CAPABILITY_IAM', execute: 'true', timeout: '1h' });
    expect(defaults).not.toHaveProperty('stack-name');
    expect(actionDefaults('.')).toEqual({});
  });

  it('hands those defaults to the step, and lets the step override them', () => {
    expect(stepInputEnv('deploy-stack', { 'stack-name': 's' })).toMatchObject({ INPUT_CAPABILITIES: 'CAPABILITY_IAM', 'INPUT_STACK-NAME': 's' });
    expect(stepInputEnv('deploy-stack', { capabilities: '' })).toMatchObject({ INPUT_CAPABILITIES: '' });
    expect(stepInputEnv('deploy-stack', { capabilities: undefined })).toMatchObject({ INPUT_CAPABILITIES: 'CAPABILITY_IAM' });
    expect(stepInputEnv('deploy-stack', {})).not.toHaveProperty('INPUT_TEMPLATE');
  });
});
