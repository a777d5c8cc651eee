/**
 * One stack's reads and clean-ups, shared by the deploy and by the post step that tidies up after a
 * killed run: describe it, read its outputs, discard a change set it did not execute, stop an update
 * nobody is following any more.
 */
import {
  CancelUpdateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  type CloudFormationClient,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { errorMessage } from '../../common/errors.js';
import { WaitTimeoutError } from './poll.js';

/** Where a clean-up says what it could not do (it never throws: it runs on the way out of a failure). */
export interface CleanupLog {
  warning(message: string): void;
}

function isMissingStack(err: unknown): boolean {
  return (err as { name?: string }).name === 'ValidationError' && /does not exist/i.test(errorMessage(err));
}

/** The stack, or undefined when there is none by that name or ID. */
export async function describeStack(cfn: CloudFormationClient, nameOrId: string): Promise<Stack | undefined> {
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: nameOrId }));
    return out.Stacks?.[0];
  } catch (err) {
    if (isMissingStack(err)) return undefined;
    throw err;
  }
}

export function stackOutputs(stack: Stack | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of stack?.Outputs ?? []) if (o.OutputKey) out[o.OutputKey] = o.OutputValue ?? '';
  return out;
}

/** Deletes what this run created and did not execute; never throws (it runs on the way out of a failure). */
export async function discardChangeSet(cfn: CloudFormationClient, changeSetId: string, emptyStackId: string | undefined, log: CleanupLog): Promise<void> {
  try {
    await cfn.send(new DeleteChangeSetCommand({ ChangeSetName: changeSetId }));
    // A CREATE change set leaves an empty REVIEW_IN_PROGRESS stack behind; it is ours, so it goes too.
    if (emptyStackId) await cfn.send(new DeleteStackCommand({ StackName: emptyStackId }));
  } catch (err) {
    log.warning(`Could not delete change set ${changeSetId}: ${errorMessage(err)}`);
  }
}

/**
 * A timeout or a cancelled job must not leave an update running unattended: cancelling it makes
 * CloudFormation roll back to the last good version, a state the next run can deploy over. A
 * create cannot be cancelled; it finishes or rolls back on its own, and we say so.
 */
export async function stopRunningUpdate(cfn: CloudFormationClient, stackId: string, updating: boolean, cause: unknown, log: CleanupLog): Promise<void> {
  const why = cause instanceof WaitTimeoutError ? 'timed out' : 'was stopped';
  if (!updating) {
    log.warning(`The deploy ${why} while the stack was being created; CloudFormation finishes (or rolls back) the creation on its own.`);
    return;
  }
  try {
    // A fresh call, not tied to the aborted signal: this is the clean-up.
    await cfn.send(new CancelUpdateStackCommand({ StackName: stackId }));
    log.warning(`The deploy ${why}; cancelled the update so CloudFormation rolls the stack back to its previous version.`);
  } catch (err) {
    log.warning(`The deploy ${why}; cancelling the update failed (${errorMessage(err)}): check the stack.`);
  }
}
