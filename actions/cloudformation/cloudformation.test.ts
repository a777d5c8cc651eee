/** The pure decisions: what a stack status allows, how the poller paces itself, which failure is the cause. */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../common/clock.js';
import { firstFailure } from './events.js';
import { Poller, WaitTimeoutError } from './poll.js';
import { changeRows, changeTableMarkdown } from './report.js';
import { dispositionOf, isEmptyChangeSetReason, isSuccess, isTerminal } from './status.js';
import { ev } from '../../test/support/cloudformation/fake-cfn.js';

describe('stack status', () => {
  it.each([
    [undefined, 'create'],
    ['DELETE_COMPLETE', 'create'],
    ['REVIEW_IN_PROGRESS', 'create-over-review'],
    ['CREATE_COMPLETE', 'update'],
    ['UPDATE_COMPLETE', 'update'],
    ['UPDATE_ROLLBACK_COMPLETE', 'update'],
    ['IMPORT_ROLLBACK_COMPLETE', 'update'],
    ['ROLLBACK_COMPLETE', 'failed-create'],
    ['ROLLBACK_FAILED', 'failed-create'],
    ['CREATE_FAILED', 'failed-create'],
    ['UPDATE_IN_PROGRESS', 'busy'],
    ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'busy'],
    ['DELETE_IN_PROGRESS', 'busy'],
    ['UPDATE_ROLLBACK_FAILED', 'stuck'],
    ['DELETE_FAILED', 'stuck'],
  ])('%s → %s', (status, disposition) => {
    expect(dispositionOf(status)).toBe(disposition);
  });

  it('terminal, success and empty-change-set readings', () => {
    expect(isTerminal('UPDATE_ROLLBACK_COMPLETE')).toBe(true);
    expect(isTerminal('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS')).toBe(false);
    expect(isSuccess('UPDATE_COMPLETE')).toBe(true);
    expect(isSuccess('UPDATE_ROLLBACK_COMPLETE')).toBe(false);
    expect(isEmptyChangeSetReason("The submitted information didn't contain changes. Submit different information to create a change set.")).toBe(true);
    expect(isEmptyChangeSetReason('No updates are to be performed.')).toBe(true);
    expect(isEmptyChangeSetReason('Template format error')).toBe(false);
  });
});

describe('Poller', () => {
  function poller(deadlineMs = 3_600_000) {
    const clock = new FakeClock();
    const random = { value: 0.5 };
    const p = new Poller({ what: 'the test', clock, random: () => random.value, deadline: clock.now() + deadlineMs });
    return { clock, random, p };
  }

  it('sleeps between half and all of its interval (equal jitter)', () => {
    const { p, random } = poller();
    random.value = 0;
    expect(p.nextDelay()).toBe(1_000);
    random.value = 0.999999;
    expect(p.nextDelay()).toBe(2_000);
  });

  it('slows to 15 s while idle, to 60 s when throttled, and is back to 2 s on activity', () => {
    const { p, random } = poller();
    random.value = 1;
    for (let i = 0; i < 20; i++) p.idle();
    expect(p.nextDelay()).toBe(15_000);
    for (let i = 0; i < 5; i++) p.throttled();
    expect(p.nextDelay()).toBe(60_000);
    p.busy();
    expect(p.nextDelay()).toBe(2_000);
  });

  it('turns a throttled read into a slower next look, and throws other errors', async () => {
    const { p, random } = poller();
    random.value = 1;
    await expect(p.read(async () => { throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }); })).resolves.toBeUndefined();
    expect(p.nextDelay()).toBe(4_000);
    await expect(p.read(async () => { throw Object.assign(new Error('Access denied'), { name: 'AccessDenied' }); })).rejects.toThrow('Access denied');
  });

  it('never sleeps past the deadline, then times out naming what it waited for', async () => {
    const { p, clock } = poller(5_000);
    const start = clock.now();
    await p.sleep();
    await p.sleep();
    await p.sleep();
    await p.sleep();
    expect(clock.now() - start).toBe(5_000);
    await expect(p.sleep()).rejects.toThrow(new WaitTimeoutError('the test', 5_000));
  });
});

describe('firstFailure', () => {
  it('picks the first cause, not the cancellations it caused', () => {
    const events = [
      ev('svc', 'UPDATE_IN_PROGRESS'),
      ev('Db', 'UPDATE_FAILED', { reason: 'Resource update cancelled' }),
      ev('Queue', 'UPDATE_FAILED', { type: 'AWS::SQS::Queue', reason: 'Queue name already exists' }),
      ev('Topic', 'UPDATE_FAILED', { reason: 'Later failure' }),
      ev('svc', 'UPDATE_ROLLBACK_IN_PROGRESS', { reason: 'The following resource(s) failed to update: [Queue].' }),
    ];
    expect(firstFailure(events, 'svc')).toEqual({ logicalId: 'Queue', resourceType: 'AWS::SQS::Queue', status: 'UPDATE_FAILED', reason: 'Queue name already exists' });
  });

  it('is undefined when nothing failed', () => {
    expect(firstFailure([ev('svc', 'UPDATE_IN_PROGRESS'), ev('svc', 'UPDATE_COMPLETE')], 'svc')).toBeUndefined();
  });
});

describe('change table', () => {
  it('flags replacements and escapes pipes in markdown', () => {
    const rows = changeRows([
      { Type: 'Resource', ResourceChange: { Action: 'Modify', LogicalResourceId: 'Db', ResourceType: 'AWS::RDS::DBInstance', Replacement: 'Conditional', Scope: ['Properties', 'Tags'] } },
      { Type: 'Resource', ResourceChange: { Action: 'Add', LogicalResourceId: 'A|B', ResourceType: 'AWS::SNS::Topic' } },
    ]);
    expect(changeTableMarkdown(rows)).toBe(
      '| Action | Logical ID | Type | Replacement | Scope |\n|---|---|---|---|---|\n' +
        '| Modify | `Db` | AWS::RDS::DBInstance | **:warning: Conditional** | Properties, Tags |\n' +
        '| Add | `A\\|B` | AWS::SNS::Topic | - | - |\n',
    );
  });
});
