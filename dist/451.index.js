export const id = 451;
export const ids = [451];
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

/***/ 18451:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   cleanUpAfterKilledRun: () => (/* binding */ cleanUpAfterKilledRun)
/* harmony export */ });
/* harmony import */ var _cloudformation_stack_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(75811);

async function cleanUpAfterKilledRun(progress, cfn, log) {
    if (progress.phase === 'change-set') {
        await (0,_cloudformation_stack_js__WEBPACK_IMPORTED_MODULE_0__/* .discardChangeSet */ .XM)(cfn, progress.changeSetId, progress.emptyStackId, log);
        log.info(`Deleted change set ${progress.changeSetId}, which the interrupted run had not executed.`);
        return 'change-set-deleted';
    }
    const status = (await (0,_cloudformation_stack_js__WEBPACK_IMPORTED_MODULE_0__/* .describeStack */ .GO)(cfn, progress.stackId))?.StackStatus ?? 'DELETE_COMPLETE';
    if (status === 'REVIEW_IN_PROGRESS' || !status.endsWith('_IN_PROGRESS')) {
        // Execution never started (or is long over): only an unexecuted change set can be left.
        if (status === 'REVIEW_IN_PROGRESS' || status === 'UPDATE_COMPLETE' || status === 'UPDATE_ROLLBACK_COMPLETE' || status === 'CREATE_COMPLETE') {
            await (0,_cloudformation_stack_js__WEBPACK_IMPORTED_MODULE_0__/* .discardChangeSet */ .XM)(cfn, progress.changeSetId, status === 'REVIEW_IN_PROGRESS' ? progress.emptyStackId : undefined, log);
        }
        log.info(`Stack is ${status}; nothing is running.`);
        return 'left-to-finish';
    }
    if (progress.updating && status === 'UPDATE_IN_PROGRESS') {
        await (0,_cloudformation_stack_js__WEBPACK_IMPORTED_MODULE_0__/* .stopRunningUpdate */ .b5)(cfn, progress.stackId, true, new Error('killed'), log);
        return 'update-cancelled';
    }
    log.warning(`Stack is ${status}; CloudFormation finishes it on its own.`);
    return 'left-to-finish';
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
