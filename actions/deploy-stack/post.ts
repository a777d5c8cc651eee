/**
 * The post step's work when main was killed mid-deploy (a job timeout, a runner that lost
 * patience): leave no unexecuted change set behind, and no update running unattended.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { describeStack, discardChangeSet, stopRunningUpdate } from '../cloudformation/stack.js';
import type { DeployLog, DeployProgress } from './deploy.js';

export type Cleanup = 'change-set-deleted' | 'update-cancelled' | 'left-to-finish';

export async function cleanUpAfterKilledRun(progress: DeployProgress, cfn: CloudFormationClient, log: DeployLog): Promise<Cleanup> {
  if (progress.phase === 'change-set') {
    await discardChangeSet(cfn, progress.changeSetId, progress.emptyStackId, log);
    log.info(`Deleted change set ${progress.changeSetId}, which the interrupted run had not executed.`);
    return 'change-set-deleted';
  }
  const status = (await describeStack(cfn, progress.stackId))?.StackStatus ?? 'DELETE_COMPLETE';
  if (status === 'REVIEW_IN_PROGRESS' || !status.endsWith('_IN_PROGRESS')) {
    // Execution never started (or is long over): only an unexecuted change set can be left.
    if (status === 'REVIEW_IN_PROGRESS' || status === 'UPDATE_COMPLETE' || status === 'UPDATE_ROLLBACK_COMPLETE' || status === 'CREATE_COMPLETE') {
      await discardChangeSet(cfn, progress.changeSetId, status === 'REVIEW_IN_PROGRESS' ? progress.emptyStackId : undefined, log);
    }
    log.info(`Stack is ${status}; nothing is running.`);
    return 'left-to-finish';
  }
  if (progress.updating && status === 'UPDATE_IN_PROGRESS') {
    await stopRunningUpdate(cfn, progress.stackId, true, new Error('killed'), log);
    return 'update-cancelled';
  }
  log.warning(`Stack is ${status}; CloudFormation finishes it on its own.`);
  return 'left-to-finish';
}
