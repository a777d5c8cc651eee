import * as core from '@actions/core';
import type { S3Client } from '@aws-sdk/client-s3';
import { maskSecret } from '../lib/secrets.js';
import { runAction, type ActionEntry } from '../lib/runner.js';
import { CallCounter } from '../cloudformation/call-counter.js';
import { failureText } from '../cloudformation/report.js';
import { buildPlan, readInputs, secretValues } from './plan.js';
import type { DeployLog } from './deploy.js';
import { loadProgress, saveProgress } from './state-helper.js';
import { RESERVED_OUTPUTS, summaryMarkdown } from './summary.js';

/** The SDK clients and the deploy, loaded once the inputs are valid: a bad input fails without them. */
async function loadDeploy() {
  const [{ CloudFormationClient }, { S3Client }, { awsClient }, deploy] = await Promise.all([
    import('@aws-sdk/client-cloudformation'), import('@aws-sdk/client-s3'), import('../../common/aws.js'), import('./deploy.js'),
  ]);
  return { CloudFormationClient, S3Client, awsClient, deployStack: deploy.deployStack };
}

const coreLog: DeployLog = { info: core.info, warning: core.warning, notice: core.notice };

export const action: ActionEntry = {
  async main(signal) {
    const plan = buildPlan(readInputs(), {
      workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
      runId: process.env.GITHUB_RUN_ID ?? '',
      runAttempt: process.env.GITHUB_RUN_ATTEMPT ?? '',
      repository: process.env.GITHUB_REPOSITORY ?? '',
      sha: process.env.GITHUB_SHA ?? '',
    });
    for (const secret of secretValues(plan)) maskSecret(secret);
    const { CloudFormationClient, S3Client, awsClient, deployStack } = await loadDeploy();

    const calls = new CallCounter();
    const cfn = calls.attach(awsClient(CloudFormationClient, { region: plan.region }));
    let s3: S3Client | undefined;
    const makeS3 = () => (s3 ??= calls.attach(awsClient(S3Client, { region: plan.region })));

    let result;
    try {
      result = await deployStack(plan, { cfn, s3: makeS3, signal, log: coreLog, onProgress: (p) => saveProgress(p, plan.region) });
    } finally {
      // Main ended by itself (success, failure or a handled stop): deployStack cleaned up, post has nothing to do.
      saveProgress(null);
    }

    for (const [key, value] of Object.entries(result.outputs)) {
      if (RESERVED_OUTPUTS.includes(key)) core.warning(`Stack output "${key}" has the name of one of this action's outputs; read it from the "outputs" JSON.`);
      else core.setOutput(key, value);
    }
    core.setOutput('outputs', JSON.stringify(result.outputs));
    core.setOutput('stack-id', result.stackId);
    core.setOutput('change-set-id', result.changeSetId ?? '');
    core.setOutput('status', result.status);
    core.setOutput('outcome', result.outcome);
    core.info(`AWS API calls: ${calls.toString()}`);
    await core.summary.addRaw(summaryMarkdown(plan, result, calls.toString())).write();

    if (result.outcome === 'failed') {
      // One annotation, titled with the stack and its status; the exit code fails the step (setFailed would add a second).
      core.error(result.failure ? failureText(plan.stackName, result.failure) : result.message, { title: `deploy-stack ${plan.stackName} ${result.status}` });
      process.exitCode = 1;
    }
  },

  async post() {
    const saved = loadProgress();
    if (!saved) return;
    core.warning('deploy-stack was interrupted before it finished; cleaning up.');
    const [{ CloudFormationClient, awsClient }, { cleanUpAfterKilledRun }] = await Promise.all([loadDeploy(), import('./post.js')]);
    const cfn = awsClient(CloudFormationClient, { region: saved.region });
    await cleanUpAfterKilledRun(saved.progress, cfn, coreLog);
  },
};

/** main, or post once main has run: what the bundle runs, and what GitHub's local runner (@github/local-action) calls. */
export function run(): Promise<void> {
  return runAction(action);
}
