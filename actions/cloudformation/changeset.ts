/** Waits for a change set and reads all of its changes (DescribeChangeSet pages them). */
import {
  DescribeChangeSetCommand,
  type Change,
  type CloudFormationClient,
  type DescribeChangeSetCommandOutput,
} from '@aws-sdk/client-cloudformation';
import type { Poller } from './poll.js';

export interface ChangeSetState {
  status: string;
  executionStatus?: string;
  reason?: string;
  changes: Change[];
  stackId?: string;
}

const SETTLED = new Set(['CREATE_COMPLETE', 'FAILED', 'DELETE_COMPLETE', 'DELETE_FAILED']);

/** Polls until the change set is created or has failed; pages through every change once it is ready. */
export async function waitForChangeSet(cfn: CloudFormationClient, changeSetId: string, poller: Poller): Promise<ChangeSetState> {
  let last: string | undefined;
  for (;;) {
    await poller.sleep();
    const first = await poller.read(() => cfn.send(new DescribeChangeSetCommand({ ChangeSetName: changeSetId })));
    if (!first) continue;
    const status = first.Status ?? 'UNKNOWN';
    if (!SETTLED.has(status)) {
      if (status === last) poller.idle();
      last = status;
      continue;
    }
    const changes = [...(first.Changes ?? [])];
    let token = first.NextToken;
    while (token) {
      const next: DescribeChangeSetCommandOutput | undefined = await poller.read(() =>
        cfn.send(new DescribeChangeSetCommand({ ChangeSetName: changeSetId, NextToken: token })),
      );
      if (!next) {
        await poller.sleep();
        continue;
      }
      changes.push(...(next.Changes ?? []));
      token = next.NextToken;
    }
    return { status, executionStatus: first.ExecutionStatus, reason: first.StatusReason, changes, stackId: first.StackId };
  }
}
