/**
 * Streams a stack's events as they happen and reads the outcome from them. DescribeStackEvents is
 * newest first and paginated; the streamer pages only until it meets an event it has already seen,
 * prints new ones oldest first, and stops at the stack's own terminal event.
 */
import { DescribeStackEventsCommand, type CloudFormationClient, type StackEvent } from '@aws-sdk/client-cloudformation';
import { isTerminal } from './status.js';
import type { Poller } from './poll.js';

export interface StreamResult {
  /** The stack's terminal status as its events tell it. */
  status: string;
}

export function isStackEvent(e: StackEvent, stackName: string): boolean {
  return e.ResourceType === 'AWS::CloudFormation::Stack' && (e.LogicalResourceId === stackName || e.PhysicalResourceId === e.StackId);
}

export class StackEventStream {
  /** Every event this run has seen, oldest first. */
  readonly events: StackEvent[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly cfn: CloudFormationClient,
    /** The stack ARN: after a recreate the name points at a new stack, the ARN never does. */
    private readonly stackId: string,
    private readonly stackName: string,
    private readonly onEvent: (e: StackEvent) => void,
  ) {}

  /** Marks the newest existing event so that only later ones count (one call). */
  async baseline(): Promise<void> {
    const page = await this.cfn.send(new DescribeStackEventsCommand({ StackName: this.stackId }));
    for (const e of page.StackEvents ?? []) if (e.EventId) this.seen.add(e.EventId);
  }

  /** Events newer than any seen, oldest first. Pages until a seen event (or the end). */
  async fetchNew(): Promise<StackEvent[]> {
    const fresh: StackEvent[] = [];
    let token: string | undefined;
    do {
      const page = await this.cfn.send(new DescribeStackEventsCommand({ StackName: this.stackId, NextToken: token }));
      let reachedSeen = false;
      for (const e of page.StackEvents ?? []) {
        if (e.EventId && this.seen.has(e.EventId)) {
          reachedSeen = true;
          break;
        }
        fresh.push(e);
      }
      token = reachedSeen ? undefined : page.NextToken;
    } while (token);
    fresh.reverse();
    for (const e of fresh) if (e.EventId) this.seen.add(e.EventId);
    return fresh;
  }

  /** Polls until the stack reaches a terminal status; throws WaitTimeoutError at the poller's deadline. */
  async untilTerminal(poller: Poller): Promise<StreamResult> {
    for (;;) {
      await poller.sleep();
      const fresh = await poller.read(() => this.fetchNew());
      if (fresh === undefined) continue;
      if (fresh.length === 0) {
        poller.idle();
        continue;
      }
      poller.busy();
      let terminal: string | undefined;
      for (const e of fresh) {
        this.events.push(e);
        this.onEvent(e);
        if (isStackEvent(e, this.stackName) && e.ResourceStatus && isTerminal(e.ResourceStatus)) terminal = e.ResourceStatus;
        else if (isStackEvent(e, this.stackName)) terminal = undefined;
      }
      if (terminal) return { status: terminal };
    }
  }
}

export interface FailureCause {
  logicalId: string;
  resourceType: string;
  status: string;
  reason: string;
}

const CONSEQUENCE = /Resource (creation|update) cancelled|cancelled|The following resource\(s\) failed/i;

/**
 * The first failure, which is the cause; later ones ("Resource creation cancelled") are its consequences.
 * Falls back to the stack's own rollback reason (an alarm trigger, a timeout) when no resource failed.
 */
export function firstFailure(events: readonly StackEvent[], stackName: string): FailureCause | undefined {
  const failed = events.filter((e) => e.ResourceStatus?.endsWith('_FAILED'));
  const resource = failed.filter((e) => !isStackEvent(e, stackName));
  const pick = resource.find((e) => !CONSEQUENCE.test(e.ResourceStatusReason ?? '')) ?? resource[0];
  const stackLevel = events.find((e) => isStackEvent(e, stackName) && /ROLLBACK_IN_PROGRESS$|_FAILED$/.test(e.ResourceStatus ?? '') && e.ResourceStatusReason);
  const chosen = pick ?? stackLevel;
  if (!chosen) return undefined;
  return {
    logicalId: chosen.LogicalResourceId ?? '?',
    resourceType: chosen.ResourceType ?? '?',
    status: chosen.ResourceStatus ?? '?',
    reason: chosen.ResourceStatusReason ?? '(no reason given)',
  };
}
