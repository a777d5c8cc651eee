/** A complete set of deploy-stack inputs for tests, overridden per case. */
import { buildPlan, type DeployPlan, type Inputs, type RunContext } from '../../../actions/deploy-stack/plan.js';

export const fixtures = new URL('../../fixtures/cloudformation/', import.meta.url).pathname;

export function testInputs(over: Partial<Inputs> = {}): Inputs {
  return {
    name: 'svc',
    template: 'svc.yaml',
    parameters: '',
    tags: '',
    capabilities: ['CAPABILITY_IAM'],
    roleArn: '',
    terminationProtection: '',
    rollbackAlarms: [],
    rollbackMonitoringMs: 300_000,
    execute: true,
    failOnEmptyChangeSet: false,
    recreateFailedStack: false,
    s3Bucket: '',
    timeoutMs: 1_800_000,
    region: 'eu-central-1',
    ...over,
  };
}

/** deploy-stack's inputs for one platform stack as the deploy workflow gives them (named IAM, tagged, no rollback monitoring). */
export function platformInputs(env: string, stack: string, template: string, region: string, over: Partial<Inputs> = {}): Inputs {
  return testInputs({
    name: `${env}-${stack}`, template, region, tags: `Environment=${env}\nProject=mesh`, capabilities: ['CAPABILITY_NAMED_IAM'],
    rollbackMonitoringMs: 0, timeoutMs: 300_000, ...over,
  });
}

export function testPlan(over: Partial<Inputs>, ctx: Partial<RunContext> = {}): DeployPlan {
  return buildPlan(testInputs(over), { workspace: fixtures, runId: '1', runAttempt: '1', repository: 'example/svc', sha: 'abcdef', ...ctx });
}
