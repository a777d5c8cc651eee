/** The operator's restore help when an action could not put traffic back: pure text from the router config. */
import { describe, expect, it } from 'vitest';
import type { RouterConfig } from './router-inputs.js';
import { restoreInstructions, shellQuote, workflowTarget } from './recovery.js';

const RULE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee';
const BLUE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/blue/73e2d6bc24d8a067';
const GREEN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/green/83e2d6bc24d8a067';

describe('restoreInstructions', () => {
  it('alb rule with a recorded 80/20 baseline: weights per target group, rollback to: baseline, rule-arn, the CLI command with the region', () => {
    const cfg: RouterConfig = { kind: 'alb', region: 'eu-west-1', ruleArn: RULE, stableTargetGroupArn: BLUE, canaryTargetGroupArn: GREEN };
    const text = restoreInstructions(cfg, {
      resource: RULE, baseline: { stable: 80, canary: 20 },
      lastRead: { weights: { stable: 50, canary: 50 }, at: '2026-12-06T10:00:00.000Z' },
      cliCommand: `aws elbv2 modify-rule --rule-arn ${RULE} --actions '[]'`,
    });
    expect(text.split('\n')).toEqual([
      `Traffic on ${RULE} as read last (2026-12-06T10:00:00.000Z): stable target group ${BLUE} 50%, canary target group ${GREEN} 50%.`,
      'Put it back to the baseline (stable 80% / canary 20%) with any of:',
      '- the rollback action, as a workflow step:',
      '    - uses: mesh-actions/mesh-actions/rollback@v1',
      '      with:',
      '        router: alb',
      `        rule-arn: ${RULE}`,
      `        stable-target-group-arn: ${BLUE}`,
      `        canary-target-group-arn: ${GREEN}`,
      '        to: baseline',
      '        region: eu-west-1',
      `- the rollback workflow: gh workflow run rollback.yml -f router=alb -f target='${RULE} ${BLUE} ${GREEN}' -f to=baseline -f region=eu-west-1 -f aws-role-arn=<deploy role ARN>`,
      `- the AWS CLI: aws elbv2 modify-rule --rule-arn ${RULE} --actions '[]' --region eu-west-1`,
      'Runbook: https://github.com/mesh-actions/mesh-actions/blob/v1/docs/runbooks/failed-or-stuck-ramp.md#failed-could-not-restore',
    ]);
  });

  it('appmesh and ecs: their own inputs and workflow target; unknown weights said as such', () => {
    const mesh: RouterConfig = { kind: 'appmesh', region: 'eu-central-1', mesh: 'prod', virtualRouter: 'orders-router', route: 'orders', stableNode: 'orders-v1', canaryNode: 'orders-v2', meshOwner: '123456789012' };
    const text = restoreInstructions(mesh, { resource: 'route orders', baseline: { stable: 100, canary: 0 }, lastRead: null });
    expect(text).toContain('Traffic on route orders could not be read: where it stands is unknown.');
    expect(text).toContain('        mesh-owner: 123456789012\n        to: stable\n');
    expect(text).toContain("-f target='prod orders-router orders orders-v1 orders-v2 123456789012'");
    expect(text).not.toContain('AWS CLI');

    const ecs: RouterConfig = { kind: 'ecs', region: 'eu-central-1', cluster: 'prod', service: 'orders' };
    expect(workflowTarget(ecs)).toBe('prod orders');
    expect(restoreInstructions(ecs, { resource: 'service orders', baseline: { stable: 100, canary: 0 }, lastRead: { weights: { stable: 95, canary: 5 }, at: 't' } }))
      .toContain('the running revision 95%, the new revision 5% of production traffic');
  });

  it('quotes for a POSIX shell whatever the text holds', () => {
    expect(shellQuote('plain-arn:a/b')).toBe('plain-arn:a/b');
    expect(shellQuote(`{"MessageBody":"it's down"}`)).toBe(`'{"MessageBody":"it'\\''s down"}'`);
  });
});
