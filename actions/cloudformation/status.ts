/** What a stack status means for the next deploy and for a running one. Pure: no calls. */

export type StackDisposition =
  /** No stack (or only a deleted one): the change set creates it. */
  | 'create'
  /** A stack made by an earlier unexecuted CREATE change set: CloudFormation takes another CREATE one. */
  | 'create-over-review'
  | 'update'
  /** Creation failed and rolled back: it can only be deleted (aws-cloudformation-github-deploy#107). */
  | 'failed-create'
  /** An operation is running: a second one would be refused. */
  | 'busy'
  /** Needs a person: DELETE_FAILED, UPDATE_ROLLBACK_FAILED (continue-update-rollback), ... */
  | 'stuck';

export function dispositionOf(status: string | undefined): StackDisposition {
  if (!status || status === 'DELETE_COMPLETE') return 'create';
  if (status === 'REVIEW_IN_PROGRESS') return 'create-over-review';
  if (status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED' || status === 'CREATE_FAILED') return 'failed-create';
  if (status.endsWith('_IN_PROGRESS')) return 'busy';
  if (status.endsWith('_FAILED')) return 'stuck';
  return 'update';
}

/** A status no further event will change without a new operation. */
export function isTerminal(status: string): boolean {
  return !status.endsWith('_IN_PROGRESS');
}

/** Terminal and what the operation asked for. Anything else terminal (a rollback) is a failed deploy. */
export function isSuccess(status: string): boolean {
  return status === 'CREATE_COMPLETE' || status === 'UPDATE_COMPLETE' || status === 'IMPORT_COMPLETE';
}

/** The reason CloudFormation gives for a change set with nothing to do (both wordings are in use). */
export function isEmptyChangeSetReason(reason: string | undefined): boolean {
  return !!reason && /didn't contain changes|No updates are to be performed/i.test(reason);
}
