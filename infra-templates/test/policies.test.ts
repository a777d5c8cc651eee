/** The template library's generic walks (lib/policies.ts) over the real templates. */
import { describe, expect, test } from 'vitest';
import { loadTemplate } from '../lib/files.js';
import { policyStatements } from '../lib/policies.js';

describe('the generic IAM walk sees conditional statements', () => {
  test('statements inside Fn::If are checked like any other', () => {
    const sids = policyStatements(loadTemplate('service')).filter((p) => p.resource === 'TaskRole').map((p) => p.statement.Sid);
    expect(sids).toEqual(expect.arrayContaining(['SendTraces', 'RefreshSecret', 'ConnectToDatabase', 'EnvoyConfiguration', 'ConsumeQueue']));
  });
});
