export const id = 783;
export const ids = [783];
export const modules = {

/***/ 85898:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Do: () => (/* binding */ WaitTimeoutError),
/* harmony export */   vu: () => (/* binding */ Poller)
/* harmony export */ });
/* unused harmony export DEFAULT_POLL */
/* harmony import */ var _common_clock_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(74376);
/* harmony import */ var _common_duration_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76712);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(52251);
/* harmony import */ var _common_retry_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(72804);




const DEFAULT_POLL = { minMs: 2_000, maxMs: 15_000, throttledMaxMs: 60_000 };
class WaitTimeoutError extends Error {
    constructor(what, waitedMs) {
        super(`Timed out after ${(0,_common_duration_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a3)(waitedMs)} waiting for ${what}.`);
        this.name = 'WaitTimeoutError';
    }
}
class Poller {
    opts;
    policy;
    interval;
    clock;
    random;
    started;
    constructor(opts) {
        this.opts = opts;
        this.policy = { ...DEFAULT_POLL, ...opts.policy };
        this.interval = this.policy.minMs;
        this.clock = opts.clock ?? _common_clock_js__WEBPACK_IMPORTED_MODULE_0__/* .systemClock */ .m;
        this.random = opts.random ?? Math.random;
        this.started = this.clock.now();
    }
    /** Equal jitter (half fixed, half random): parallel deploys do not poll in lockstep, and none polls too eagerly. */
    nextDelay() {
        return Math.round(this.interval / 2 + (this.random() * this.interval) / 2);
    }
    /** Sleeps one interval, never past the deadline; throws WaitTimeoutError once the deadline is reached. */
    async sleep() {
        const left = this.opts.deadline - this.clock.now();
        if (left <= 0)
            throw new WaitTimeoutError(this.opts.what, this.clock.now() - this.started);
        await this.clock.sleep(Math.min(this.nextDelay(), left), this.opts.signal);
    }
    /** Something changed: look again soon. */
    busy() {
        this.interval = this.policy.minMs;
    }
    /** Nothing changed: look a little later next time. */
    idle() {
        this.interval = Math.min(this.policy.maxMs, Math.max(this.interval, Math.round(this.interval * 1.5)));
    }
    throttled() {
        this.interval = Math.min(this.policy.throttledMaxMs, this.interval * 2);
    }
    /** One read: a transient fault (throttling, 5xx, reset) slows the poller and gives undefined; others throw. */
    async read(fn) {
        try {
            return await fn();
        }
        catch (err) {
            if (this.opts.signal?.aborted || !(0,_common_retry_js__WEBPACK_IMPORTED_MODULE_3__/* .isTransientError */ .bV)(err))
                throw err;
            this.throttled();
            this.opts.onTransient?.(err, this.interval);
            return undefined;
        }
    }
    describeTransient(err) {
        return `${err.name ?? 'Error'}: ${(0,_common_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .errorMessage */ .g)(err)}`;
    }
}


/***/ }),

/***/ 75811:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GO: () => (/* binding */ describeStack),
/* harmony export */   XC: () => (/* binding */ stackOutputs),
/* harmony export */   XM: () => (/* binding */ discardChangeSet),
/* harmony export */   b5: () => (/* binding */ stopRunningUpdate)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_cloudformation__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3805);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(52251);
/* harmony import */ var _poll_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(85898);
/**
 * One stack's reads and clean-ups, shared by the deploy and by the post step that tidies up after a
 * killed run: describe it, read its outputs, discard a change set it did not execute, stop an update
 * nobody is following any more.
 */



function isMissingStack(err) {
    return err.name === 'ValidationError' && /does not exist/i.test((0,_common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .errorMessage */ .g)(err));
}
/** The stack, or undefined when there is none by that name or ID. */
async function describeStack(cfn, nameOrId) {
    try {
        const out = await cfn.send(new _aws_sdk_client_cloudformation__WEBPACK_IMPORTED_MODULE_2__.DescribeStacksCommand({ StackName: nameOrId }));
        return out.Stacks?.[0];
    }
    catch (err) {
        if (isMissingStack(err))
            return undefined;
        throw err;
    }
}
function stackOutputs(stack) {
    const out = {};
    for (const o of stack?.Outputs ?? [])
        if (o.OutputKey)
            out[o.OutputKey] = o.OutputValue ?? '';
    return out;
}
/** Deletes what this run created and did not execute; never throws (it runs on the way out of a failure). */
async function discardChangeSet(cfn, changeSetId, emptyStackId, log) {
    try {
        await cfn.send(new _aws_sdk_client_cloudformation__WEBPACK_IMPORTED_MODULE_2__.DeleteChangeSetCommand({ ChangeSetName: changeSetId }));
        // A CREATE change set leaves an empty REVIEW_IN_PROGRESS stack behind; it is ours, so it goes too.
        if (emptyStackId)
            await cfn.send(new _aws_sdk_client_cloudformation__WEBPACK_IMPORTED_MODULE_2__.DeleteStackCommand({ StackName: emptyStackId }));
    }
    catch (err) {
        log.warning(`Could not delete change set ${changeSetId}: ${(0,_common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .errorMessage */ .g)(err)}`);
    }
}
/**
 * A timeout or a cancelled job must not leave an update running unattended: cancelling it makes
 * CloudFormation roll back to the last good version, a state the next run can deploy over. A
 * create cannot be cancelled; it finishes or rolls back on its own, and we say so.
 */
async function stopRunningUpdate(cfn, stackId, updating, cause, log) {
    const why = cause instanceof _poll_js__WEBPACK_IMPORTED_MODULE_1__/* .WaitTimeoutError */ .Do ? 'timed out' : 'was stopped';
    if (!updating) {
        log.warning(`The deploy ${why} while the stack was being created; CloudFormation finishes (or rolls back) the creation on its own.`);
        return;
    }
    try {
        // A fresh call, not tied to the aborted signal: this is the clean-up.
        await cfn.send(new _aws_sdk_client_cloudformation__WEBPACK_IMPORTED_MODULE_2__.CancelUpdateStackCommand({ StackName: stackId }));
        log.warning(`The deploy ${why}; cancelled the update so CloudFormation rolls the stack back to its previous version.`);
    }
    catch (err) {
        log.warning(`The deploy ${why}; cancelling the update failed (${(0,_common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .errorMessage */ .g)(err)}): check the stack.`);
    }
}


/***/ }),

/***/ 55783:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  awsErrorText: () => (/* binding */ awsErrorText),
  deployStack: () => (/* binding */ deployStack)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-cloudformation/dist-cjs/index.js
var dist_cjs = __webpack_require__(3805);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-s3/dist-cjs/index.js
var client_s3_dist_cjs = __webpack_require__(53711);
// EXTERNAL MODULE: ./common/clock.ts
var common_clock = __webpack_require__(74376);
// EXTERNAL MODULE: ./common/duration.ts
var duration = __webpack_require__(76712);
// EXTERNAL MODULE: ./common/errors.ts
var errors = __webpack_require__(52251);
;// CONCATENATED MODULE: ./actions/cloudformation/changeset.ts
/** Waits for a change set and reads all of its changes (DescribeChangeSet pages them). */

const SETTLED = new Set(['CREATE_COMPLETE', 'FAILED', 'DELETE_COMPLETE', 'DELETE_FAILED']);
/** Polls until the change set is created or has failed; pages through every change once it is ready. */
async function waitForChangeSet(cfn, changeSetId, poller) {
    let last;
    for (;;) {
        await poller.sleep();
        const first = await poller.read(() => cfn.send(new dist_cjs.DescribeChangeSetCommand({ ChangeSetName: changeSetId })));
        if (!first)
            continue;
        const status = first.Status ?? 'UNKNOWN';
        if (!SETTLED.has(status)) {
            if (status === last)
                poller.idle();
            last = status;
            continue;
        }
        const changes = [...(first.Changes ?? [])];
        let token = first.NextToken;
        while (token) {
            const next = await poller.read(() => cfn.send(new dist_cjs.DescribeChangeSetCommand({ ChangeSetName: changeSetId, NextToken: token })));
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

;// CONCATENATED MODULE: ./actions/cloudformation/status.ts
/** What a stack status means for the next deploy and for a running one. Pure: no calls. */
function dispositionOf(status) {
    if (!status || status === 'DELETE_COMPLETE')
        return 'create';
    if (status === 'REVIEW_IN_PROGRESS')
        return 'create-over-review';
    if (status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED' || status === 'CREATE_FAILED')
        return 'failed-create';
    if (status.endsWith('_IN_PROGRESS'))
        return 'busy';
    if (status.endsWith('_FAILED'))
        return 'stuck';
    return 'update';
}
/** A status no further event will change without a new operation. */
function isTerminal(status) {
    return !status.endsWith('_IN_PROGRESS');
}
/** Terminal and what the operation asked for. Anything else terminal (a rollback) is a failed deploy. */
function isSuccess(status) {
    return status === 'CREATE_COMPLETE' || status === 'UPDATE_COMPLETE' || status === 'IMPORT_COMPLETE';
}
/** The reason CloudFormation gives for a change set with nothing to do (both wordings are in use). */
function isEmptyChangeSetReason(reason) {
    return !!reason && /didn't contain changes|No updates are to be performed/i.test(reason);
}

;// CONCATENATED MODULE: ./actions/cloudformation/events.ts
/**
 * Streams a stack's events as they happen and reads the outcome from them. DescribeStackEvents is
 * newest first and paginated; the streamer pages only until it meets an event it has already seen,
 * prints new ones oldest first, and stops at the stack's own terminal event.
 */


function isStackEvent(e, stackName) {
    return e.ResourceType === 'AWS::CloudFormation::Stack' && (e.LogicalResourceId === stackName || e.PhysicalResourceId === e.StackId);
}
class StackEventStream {
    cfn;
    stackId;
    stackName;
    onEvent;
    /** Every event this run has seen, oldest first. */
    events = [];
    seen = new Set();
    constructor(cfn, 
    /** The stack ARN: after a recreate the name points at a new stack, the ARN never does. */
    stackId, stackName, onEvent) {
        this.cfn = cfn;
        this.stackId = stackId;
        this.stackName = stackName;
        this.onEvent = onEvent;
    }
    /** Marks the newest existing event so that only later ones count (one call). */
    async baseline() {
        const page = await this.cfn.send(new dist_cjs.DescribeStackEventsCommand({ StackName: this.stackId }));
        for (const e of page.StackEvents ?? [])
            if (e.EventId)
                this.seen.add(e.EventId);
    }
    /** Events newer than any seen, oldest first. Pages until a seen event (or the end). */
    async fetchNew() {
        const fresh = [];
        let token;
        do {
            const page = await this.cfn.send(new dist_cjs.DescribeStackEventsCommand({ StackName: this.stackId, NextToken: token }));
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
        for (const e of fresh)
            if (e.EventId)
                this.seen.add(e.EventId);
        return fresh;
    }
    /** Polls until the stack reaches a terminal status; throws WaitTimeoutError at the poller's deadline. */
    async untilTerminal(poller) {
        for (;;) {
            await poller.sleep();
            const fresh = await poller.read(() => this.fetchNew());
            if (fresh === undefined)
                continue;
            if (fresh.length === 0) {
                poller.idle();
                continue;
            }
            poller.busy();
            let terminal;
            for (const e of fresh) {
                this.events.push(e);
                this.onEvent(e);
                if (isStackEvent(e, this.stackName) && e.ResourceStatus && isTerminal(e.ResourceStatus))
                    terminal = e.ResourceStatus;
                else if (isStackEvent(e, this.stackName))
                    terminal = undefined;
            }
            if (terminal)
                return { status: terminal };
        }
    }
}
const CONSEQUENCE = /Resource (creation|update) cancelled|cancelled|The following resource\(s\) failed/i;
/**
 * The first failure, which is the cause; later ones ("Resource creation cancelled") are its consequences.
 * Falls back to the stack's own rollback reason (an alarm trigger, a timeout) when no resource failed.
 */
function firstFailure(events, stackName) {
    const failed = events.filter((e) => e.ResourceStatus?.endsWith('_FAILED'));
    const resource = failed.filter((e) => !isStackEvent(e, stackName));
    const pick = resource.find((e) => !CONSEQUENCE.test(e.ResourceStatusReason ?? '')) ?? resource[0];
    const stackLevel = events.find((e) => isStackEvent(e, stackName) && /ROLLBACK_IN_PROGRESS$|_FAILED$/.test(e.ResourceStatus ?? '') && e.ResourceStatusReason);
    const chosen = pick ?? stackLevel;
    if (!chosen)
        return undefined;
    return {
        logicalId: chosen.LogicalResourceId ?? '?',
        resourceType: chosen.ResourceType ?? '?',
        status: chosen.ResourceStatus ?? '?',
        reason: chosen.ResourceStatusReason ?? '(no reason given)',
    };
}

// EXTERNAL MODULE: ./actions/cloudformation/parameters.ts
var parameters = __webpack_require__(22643);
// EXTERNAL MODULE: ./actions/cloudformation/poll.ts
var poll = __webpack_require__(85898);
// EXTERNAL MODULE: ./actions/cloudformation/report.ts
var report = __webpack_require__(16641);
// EXTERNAL MODULE: ./actions/cloudformation/stack.ts
var cloudformation_stack = __webpack_require__(75811);
// EXTERNAL MODULE: ./actions/cloudformation/template.ts
var template = __webpack_require__(49869);
;// CONCATENATED MODULE: ./actions/deploy-stack/deploy.ts
/**
 * deployStack(plan, deps): one CloudFormation deploy through a change set, callable from tests and
 * other actions. Reads first (DescribeStacks), decides, validates everything, then writes. A failed
 * deploy is a result (with the first failing resource), not an exception, so callers can still set
 * outputs; exceptions are for inputs and for states a person must look at. The five phases (read,
 * validate, write the change set, wait for it, execute) are the functions below, in that order.
 */













const silent = { info: () => { }, warning: () => { }, notice: () => { } };
/** Name, message and HTTP status: a 5xx with an HTML body otherwise reads only as an XML parse error. */
function awsErrorText(err) {
    const e = err;
    const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
    return `${e.name ?? 'Error'}: ${(0,errors/* errorMessage */.g)(err).split('\n')[0]}${status ? ` (HTTP ${status})` : ''}`;
}
const STUCK_HINT = {
    UPDATE_ROLLBACK_FAILED: 'continue the rollback (aws cloudformation continue-update-rollback), then deploy again',
    DELETE_FAILED: 'delete the resources that blocked deletion and delete the stack, then deploy again',
};
function insufficientCapabilities(err, plan) {
    if (err.name !== 'InsufficientCapabilitiesException')
        return undefined;
    const needed = /\[([^\]]+)\]/.exec((0,errors/* errorMessage */.g)(err))?.[1] ?? 'more capabilities';
    return new errors/* InputError */.d(`Input "capabilities": the template needs ${needed} but only ${plan.capabilities.join(', ') || 'none'} ${plan.capabilities.length === 1 ? 'was' : 'were'} acknowledged; add it to "capabilities" if you accept what the template creates.`);
}
async function deployStack(plan, deps) {
    const run = await readStack(plan, deps);
    const parameters = validate(run);
    const template = await uploadTemplate(run);
    if (run.disposition === 'failed-create')
        await deleteFailedStack(run);
    const created = await createChangeSet(run, changeSetInput(run, template, parameters));
    if (!created)
        return noChanges(run);
    const rows = await waitForChanges(run, created);
    if (!rows)
        return noChanges(run, created.changeSetId);
    if (!plan.execute)
        return readyForReview(run, created, rows);
    const stream = await executeChangeSet(run, created);
    const final = await settle(run, created, stream);
    return executed(run, created, rows, stream, final);
}
/** 1. Read: the stack decides between create, update, recreate and refusing. */
async function readStack(plan, deps) {
    const { cfn } = deps;
    const log = deps.log ?? silent;
    const clock = deps.clock ?? common_clock/* systemClock */.m;
    const deadline = clock.now() + plan.timeoutMs;
    const poller = (what) => new poll/* Poller */.vu({
        what,
        deadline,
        clock,
        random: deps.random,
        signal: deps.signal,
        policy: deps.poll,
        onTransient: (err, next) => log.info(`AWS is slowing us down (${(0,errors/* errorMessage */.g)(err)}); next look in about ${(0,duration/* formatDuration */.a3)(next)}.`),
    });
    const stack = await (0,cloudformation_stack/* describeStack */.GO)(cfn, plan.stackName);
    const disposition = dispositionOf(stack?.StackStatus);
    if (disposition === 'busy') {
        throw new Error(`Stack ${plan.stackName} is ${stack.StackStatus}: another operation is running on it. Wait for it to finish (a workflow concurrency group per stack prevents this).`);
    }
    if (disposition === 'stuck') {
        const hint = STUCK_HINT[stack.StackStatus] ?? 'resolve it in the CloudFormation console, then deploy again';
        throw new Error(`Stack ${plan.stackName} is ${stack.StackStatus} and cannot be deployed to: ${hint}.${stack.StackStatusReason ? ` (${stack.StackStatusReason})` : ''}`);
    }
    if (disposition === 'failed-create' && !plan.recreateFailedStack) {
        throw new Error(`Stack ${plan.stackName} is ${stack.StackStatus}: its creation failed and CloudFormation cannot update it. ` +
            'Set "recreate-failed-stack: true" to delete it and create it again, or delete it yourself.' +
            (stack.StackStatusReason ? ` Last reason: ${stack.StackStatusReason}` : ''));
    }
    return { plan, deps, cfn, log, color: deps.color ?? true, poller, stack, disposition, updating: disposition === 'update', recreated: false };
}
/** 2. Validate all that is left before the first write: the parameters, against the stack's current ones on an update. */
function validate(run) {
    const current = run.updating ? new Map((run.stack.Parameters ?? []).filter((p) => p.ParameterKey).map((p) => [p.ParameterKey, p.ParameterValue ?? ''])) : null;
    return (0,parameters/* resolveParameters */.vA)(run.plan.parameters, run.plan.template.declared, current);
}
/**
 * 3. Writes start here. The template upload first: a bucket that refuses it must not cost the
 * failed stack that recreate-failed-stack would delete next.
 */
async function uploadTemplate(run) {
    const { plan, deps } = run;
    if (plan.template.kind === 'body')
        return { TemplateBody: plan.template.body };
    if (plan.template.kind === 'url')
        return { TemplateURL: plan.template.url };
    if (!deps.s3)
        throw new Error('deployStack: an S3 client is needed to upload a template over 51,200 bytes.');
    const { bucket, key, body } = plan.template;
    await deps.s3().send(new client_s3_dist_cjs.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/plain' }));
    run.log.info(`Uploaded the template (${Buffer.byteLength(body)} bytes) to s3://${bucket}/${key}.`);
    return { TemplateURL: (0,template/* s3HttpsUrl */.hc)(bucket, key, plan.region) };
}
/** recreate-failed-stack: deletes the stack whose creation failed, following its events until it is gone. */
async function deleteFailedStack(run) {
    const { plan, cfn, log } = run;
    log.warning(`Stack ${plan.stackName} is ${run.stack.StackStatus}; deleting it to create it again (recreate-failed-stack: true).`);
    const oldId = run.stack.StackId;
    await cfn.send(new dist_cjs.DeleteStackCommand({ StackName: oldId, RoleARN: plan.roleArn }));
    const deletion = new StackEventStream(cfn, oldId, plan.stackName, (e) => log.info((0,report/* eventLine */.V8)(e, run.color)));
    await deletion.baseline();
    const deleted = await deletion.untilTerminal(run.poller(`stack ${plan.stackName} to be deleted`));
    if (deleted.status !== 'DELETE_COMPLETE')
        throw new Error(`Stack ${plan.stackName} could not be deleted for recreation: it is ${deleted.status}.`);
    run.stack = undefined;
    run.recreated = true;
}
function changeSetInput(run, template, parameters) {
    const { plan } = run;
    return {
        StackName: plan.stackName,
        ChangeSetName: plan.changeSetName,
        // Same token on every SDK retry: a retried create cannot collide with the one that got through.
        ClientToken: plan.changeSetName,
        ChangeSetType: run.updating ? 'UPDATE' : 'CREATE',
        ...template,
        Parameters: parameters,
        Capabilities: plan.capabilities,
        RoleARN: plan.roleArn,
        Tags: [...plan.tags].map(([Key, Value]) => ({ Key, Value })),
        Description: plan.description,
        RollbackConfiguration: plan.rollbackAlarms.length
            ? {
                RollbackTriggers: plan.rollbackAlarms.map((Arn) => ({ Arn, Type: 'AWS::CloudWatch::Alarm' })),
                MonitoringTimeInMinutes: plan.rollbackMonitoringMinutes,
            }
            : undefined,
    };
}
/** Creates the change set; null when the endpoint refuses an identical update outright (nothing to change). */
async function createChangeSet(run, input) {
    const { plan, cfn } = run;
    let created;
    try {
        created = await cfn.send(new dist_cjs.CreateChangeSetCommand(input));
    }
    catch (err) {
        // Some endpoints refuse an identical update outright instead of failing the change set.
        if (run.updating && err.name === 'ValidationError' && isEmptyChangeSetReason((0,errors/* errorMessage */.g)(err)))
            return null;
        throw insufficientCapabilities(err, plan) ?? err;
    }
    const type = run.updating ? 'UPDATE' : 'CREATE';
    const changeSetId = created.Id;
    const stackId = created.StackId ?? run.stack?.StackId ?? plan.stackName;
    const ownsEmptyStack = type === 'CREATE' && run.disposition !== 'create-over-review' ? stackId : undefined;
    run.deps.onProgress?.({ phase: 'change-set', changeSetId, stackId, emptyStackId: ownsEmptyStack });
    run.log.info(`Created change set ${plan.changeSetName} (${type}) for stack ${plan.stackName}.`);
    return { changeSetId, stackId, type, ownsEmptyStack };
}
/**
 * 4. Wait for the change set; anything that stops us here leaves nothing behind. Its changes, or
 * null when it has none to make.
 */
async function waitForChanges(run, cs) {
    const { plan, cfn, log } = run;
    let state;
    try {
        state = await waitForChangeSet(cfn, cs.changeSetId, run.poller(`change set ${plan.changeSetName}`));
    }
    catch (err) {
        await (0,cloudformation_stack/* discardChangeSet */.XM)(cfn, cs.changeSetId, cs.ownsEmptyStack, log);
        throw err;
    }
    if (state.status === 'FAILED') {
        if (run.updating && isEmptyChangeSetReason(state.reason))
            return null;
        await (0,cloudformation_stack/* discardChangeSet */.XM)(cfn, cs.changeSetId, cs.ownsEmptyStack, log);
        const capabilityError = /requires capabilities/i.test(state.reason ?? '') ? insufficientCapabilities({ name: 'InsufficientCapabilitiesException', message: state.reason }, plan) : undefined;
        throw capabilityError ?? new Error(`Change set ${plan.changeSetName} failed: ${state.reason ?? 'no reason given'}`);
    }
    const rows = (0,report/* changeRows */.QP)(state.changes);
    log.info(`Changes (${rows.length}):\n${(0,report/* changeTableText */.iK)(rows, run.color)}`);
    for (const row of rows.filter((r) => r.replacement === 'True' || r.replacement === 'Conditional')) {
        log.warning(`${row.logicalId} (${row.resourceType}) will be ${row.replacement === 'True' ? 'REPLACED' : 'possibly replaced'}: a new physical resource, the old one deleted.`);
    }
    return rows;
}
/** Nothing to change: the change set (if any) goes, the stack stays as it is. */
async function noChanges(run, changeSetId) {
    const { plan, log } = run;
    if (changeSetId)
        await (0,cloudformation_stack/* discardChangeSet */.XM)(run.cfn, changeSetId, undefined, log);
    const message = `No changes: stack ${plan.stackName} already matches the template and parameters; nothing was executed.`;
    // A failing step changes nothing, termination protection included.
    if (plan.failOnEmptyChangeSet)
        throw new Error(`${message} (fail-on-empty-changeset: true)`);
    await applyTerminationProtection(run);
    log.notice(message);
    const stack = run.stack;
    return { outcome: 'no-changes', status: stack.StackStatus, stackId: stack.StackId, changes: [], outputs: (0,cloudformation_stack/* stackOutputs */.XC)(stack), message, events: [], recreated: run.recreated };
}
async function applyTerminationProtection(run) {
    const { plan, stack } = run;
    if (plan.terminationProtection === undefined || !stack?.StackId)
        return;
    if (!!stack.EnableTerminationProtection === plan.terminationProtection)
        return;
    await run.cfn.send(new dist_cjs.UpdateTerminationProtectionCommand({ StackName: stack.StackId, EnableTerminationProtection: plan.terminationProtection }));
    run.log.info(`Termination protection ${plan.terminationProtection ? 'enabled' : 'disabled'} on ${plan.stackName}.`);
}
/** execute: false: the change set stays for a person to review. */
function readyForReview(run, cs, rows) {
    const { plan } = run;
    const message = `Change set ${plan.changeSetName} is ready for review (execute: false); nothing was executed.`;
    run.log.notice(message);
    return {
        outcome: 'change-set-created',
        status: run.stack?.StackStatus ?? 'REVIEW_IN_PROGRESS',
        stackId: cs.stackId,
        changeSetId: cs.changeSetId,
        changeSetName: plan.changeSetName,
        changes: rows,
        outputs: (0,cloudformation_stack/* stackOutputs */.XC)(run.stack),
        message,
        events: [],
        recreated: run.recreated,
    };
}
/** 5. Execute, with the event stream started first; a change set that never ran is discarded. */
async function executeChangeSet(run, cs) {
    const { plan, cfn, log, deps } = run;
    const discard = () => (0,cloudformation_stack/* discardChangeSet */.XM)(cfn, cs.changeSetId, cs.ownsEmptyStack, log);
    const stream = new StackEventStream(cfn, cs.stackId, plan.stackName, (e) => log.info((0,report/* eventLine */.V8)(e, run.color)));
    try {
        if (run.updating)
            await stream.baseline();
    }
    catch (err) {
        // Not executed yet: a failed read here must not leave the change set behind.
        await discard();
        throw err;
    }
    if (deps.signal?.aborted) {
        await discard();
        throw deps.signal.reason;
    }
    deps.onProgress?.({ phase: 'executing', changeSetId: cs.changeSetId, stackId: cs.stackId, updating: run.updating, emptyStackId: cs.ownsEmptyStack });
    try {
        await cfn.send(new dist_cjs.ExecuteChangeSetCommand({ ChangeSetName: cs.changeSetId, ClientRequestToken: plan.changeSetName }));
    }
    catch (err) {
        // The request may have failed after CloudFormation started; only the stack can tell.
        const now = await (0,cloudformation_stack/* describeStack */.GO)(cfn, cs.stackId).catch(() => undefined);
        if (!now?.StackStatus?.endsWith('_IN_PROGRESS') || now.StackStatus === 'REVIEW_IN_PROGRESS') {
            await discard();
            throw new Error(`ExecuteChangeSet failed (${awsErrorText(err)}); the change set was deleted and the stack left as it was (${now?.StackStatus ?? 'not readable'}).`);
        }
        log.warning(`ExecuteChangeSet reported ${awsErrorText(err)}, but the stack is ${now.StackStatus}: following it.`);
    }
    log.info(`Executing change set ${plan.changeSetName}; stack events follow.`);
    return stream;
}
/** Streams events until the stack settles; a timeout or a stop cancels a running update. */
async function settle(run, cs, stream) {
    const { plan, cfn } = run;
    let final;
    try {
        const wait = run.poller(`stack ${plan.stackName} to finish ${cs.type === 'CREATE' ? 'creating' : 'updating'}`);
        const streamed = await stream.untilTerminal(wait);
        // The events say it settled; DescribeStacks confirms it and brings the outputs. The terminal
        // event is already seen, so a throttled or lagging read is retried here, not by waiting on events.
        for (;;) {
            final = await wait.read(() => (0,cloudformation_stack/* describeStack */.GO)(cfn, cs.stackId));
            if (final?.StackStatus && isTerminal(final.StackStatus))
                break;
            run.log.info(`Events show ${streamed.status}; confirming with DescribeStacks.`);
            await wait.sleep();
        }
    }
    catch (err) {
        await (0,cloudformation_stack/* stopRunningUpdate */.b5)(cfn, cs.stackId, run.updating, err, run.log);
        throw err;
    }
    return final;
}
/** The executed deploy as a result: created or updated, or failed with the first failing resource. */
async function executed(run, cs, rows, stream, final) {
    const { plan } = run;
    const status = final.StackStatus;
    run.stack = final;
    const result = {
        status, stackId: cs.stackId, changeSetId: cs.changeSetId, changeSetName: plan.changeSetName,
        changes: rows, outputs: (0,cloudformation_stack/* stackOutputs */.XC)(final), events: stream.events, recreated: run.recreated,
    };
    if (isSuccess(status)) {
        await applyTerminationProtection(run);
        const outcome = cs.type === 'CREATE' ? 'created' : 'updated';
        return { ...result, outcome, message: `Stack ${plan.stackName} ${outcome}: ${status} (${rows.length} change${rows.length === 1 ? '' : 's'}).` };
    }
    const failure = firstFailure(stream.events, plan.stackName);
    const message = failure
        ? `${(0,report/* failureText */.kY)(plan.stackName, failure)} (stack is now ${status})`
        : `Stack ${plan.stackName} ended ${status}${final.StackStatusReason ? `: ${final.StackStatusReason}` : ''}.`;
    return { ...result, outcome: 'failed', failure, message };
}


/***/ }),

/***/ 74376:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   m: () => (/* binding */ systemClock)
/* harmony export */ });
/* unused harmony export FakeClock */
const systemClock = {
    now: () => Date.now(),
    sleep: (ms, signal) => new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(signal.reason);
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        const onAbort = () => {
            clearTimeout(timer);
            reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
/** A clock that only moves when something sleeps on it: deterministic tests of long ramps. */
class FakeClock {
    t;
    constructor(t = Date.UTC(2026, 0, 1)) {
        this.t = t;
    }
    now() {
        return this.t;
    }
    async sleep(ms, signal) {
        if (signal?.aborted)
            throw signal.reason;
        this.t += ms;
        await Promise.resolve();
    }
    advance(ms) {
        this.t += ms;
    }
}


/***/ }),

/***/ 72804:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   bD: () => (/* binding */ withRetry),
/* harmony export */   bV: () => (/* binding */ isTransientError),
/* harmony export */   x4: () => (/* binding */ fullJitterDelay)
/* harmony export */ });
/* harmony import */ var _clock_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(74376);

/** Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): sleep U(0, min(cap, base·2^n)). */
function fullJitterDelay(attempt, baseMs, capMs, random) {
    return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}
const TRANSIENT_CODES = new Set([
    'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
]);
const THROTTLING_NAMES = new Set([
    'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottledException', 'TooManyRequestsException',
    'ProvisionedThroughputExceededException', 'TransactionInProgressException', 'RequestLimitExceeded',
    'BandwidthLimitExceeded', 'LimitExceededException', 'RequestThrottled', 'SlowDown', 'PriorRequestNotComplete',
    'EC2ThrottledException', 'Rate exceeded',
]);
/** True for faults that a later identical call may not meet: throttling, 5xx, resets, timeouts. */
function isTransientError(err) {
    if (!err || typeof err !== 'object')
        return false;
    const e = err;
    if (e.name === 'AbortError')
        return false;
    if (e.$retryable)
        return true;
    if (e.name && THROTTLING_NAMES.has(e.name))
        return true;
    if (e.code && (TRANSIENT_CODES.has(e.code) || THROTTLING_NAMES.has(e.code)))
        return true;
    const status = e.$metadata?.httpStatusCode;
    if (status !== undefined && (status >= 500 || status === 429))
        return true;
    if (typeof e.message === 'string' && /rate exceeded|socket hang up|ECONNRESET/i.test(e.message))
        return true;
    if (e.cause)
        return isTransientError(e.cause);
    return false;
}
/** Runs `fn` until it succeeds, a non-retryable error occurs, or attempts run out (then the last error is thrown). */
async function withRetry(fn, opts = {}) {
    const attempts = opts.attempts ?? 5;
    const baseMs = opts.baseMs ?? 500;
    const capMs = opts.capMs ?? 20_000;
    const clock = opts.clock ?? _clock_js__WEBPACK_IMPORTED_MODULE_0__/* .systemClock */ .m;
    const random = opts.random ?? Math.random;
    const retryable = opts.retryable ?? isTransientError;
    for (let attempt = 0;; attempt++) {
        try {
            return await fn(attempt);
        }
        catch (err) {
            if (attempt + 1 >= attempts || !retryable(err) || opts.signal?.aborted)
                throw err;
            const delay = fullJitterDelay(attempt, baseMs, capMs, random);
            opts.onRetry?.(err, attempt + 1, delay);
            await clock.sleep(delay, opts.signal);
        }
    }
}


/***/ })

};
