export const id = 738;
export const ids = [738];
export const modules = {

/***/ 12738:
/***/ ((module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
__webpack_require__.r(__webpack_exports__);
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(36906);
// The action's entry in the one bundle: the runner starts dist/canary-ramp.js, which loads it, for main and again for post.

await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .e)();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 89094:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   sF: () => (/* binding */ describeLoad),
/* harmony export */   u9: () => (/* binding */ readLoadPlan)
/* harmony export */ });
/* unused harmony exports parseLoadPlan, LOAD_RANGE_TEXT */
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(52251);
/* harmony import */ var _common_duration_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76712);
/* harmony import */ var _lib_inputs_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(87721);
/* harmony import */ var _lib_headers_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(95872);
/* harmony import */ var _lib_secrets_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(19039);
/**
 * canary-ramp's synthetic load inputs (`load-*`), parsed by a pure function into a plan: for services
 * too quiet to be judged, requests sent to a URL that reaches the canary during every bake. They are
 * real traffic: the judge counts them like any other request. Off unless `load-url` is set.
 */





const LOAD_TOOLS = ['autocannon', 'k6'];
const LOAD_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/**
 * The accepted span of every numeric load input (documented in action.yml and the README). Rates are
 * whole requests per second (autocannon spreads a rate over its connections in whole requests); a
 * thousand a second is far beyond what a service needs to be judged and well within one runner.
 */
const LOAD_RANGES = {
    'load-rate': { min: 1, max: 1000, integer: true },
    'load-connections': { min: 1, max: 100, integer: true },
};
const LOAD_TIMEOUT_RANGE = { min: 1000, max: 60_000 };
const LOAD_DEFAULTS = { rate: 10, timeout: '10s', method: 'GET', tool: 'autocannon' };
const LOAD_INPUTS = ['load-url', 'load-rate', 'load-connections', 'load-timeout', 'load-headers', 'load-method', 'load-body', 'load-tool'];
const LOAD_URL_FORM = 'an absolute http(s) URL that reaches the canary (a test listener, a header-routed rule, a Service Connect test endpoint)';
/** Enough connections that a response time of 200 ms does not hold the rate back: one per 5 requests/s. */
function defaultConnections(rate) {
    return Math.min(LOAD_RANGES['load-connections'].max, Math.max(1, Math.ceil(rate / 5)));
}
/** The URL without userinfo, and the Basic credentials it held. Never repeats a value that may hold credentials. */
function parseUrl(text) {
    const url = URL.canParse(text) ? new URL(text) : null;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
        const shown = text.includes('@') ? '' : ` "${text}"`;
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d(`Input "load-url":${shown} is not valid; expected ${LOAD_URL_FORM}.`);
    }
    const basic = url.username || url.password ? { username: (0,_lib_secrets_js__WEBPACK_IMPORTED_MODULE_4__/* .decodeUserinfo */ .uQ)(url.username), password: (0,_lib_secrets_js__WEBPACK_IMPORTED_MODULE_4__/* .decodeUserinfo */ .uQ)(url.password) } : undefined;
    url.username = '';
    url.password = '';
    url.hash = '';
    return { url, ...(basic ? { basic } : {}) };
}
/**
 * The load plan from the inputs, or null when `load-url` is unset (no load). Every other load input is
 * validated either way, so a bad value fails the step whether or not the load is on.
 */
function parseLoadPlan(inputs) {
    const value = (name) => (inputs[name] ?? '').trim();
    const tool = value('load-tool') || LOAD_DEFAULTS.tool;
    if (!LOAD_TOOLS.includes(tool))
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d(`Input "load-tool": "${tool}" is not one of ${LOAD_TOOLS.join(' | ')}.`);
    const rateText = value('load-rate');
    const rate = rateText ? (0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .parseNumber */ .$J)(rateText, 'Input "load-rate"', LOAD_RANGES['load-rate']) : LOAD_DEFAULTS.rate;
    const connectionsText = value('load-connections');
    const connections = connectionsText ? (0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .parseNumber */ .$J)(connectionsText, 'Input "load-connections"', LOAD_RANGES['load-connections']) : defaultConnections(rate);
    const timeoutMs = (0,_common_duration_js__WEBPACK_IMPORTED_MODULE_1__/* .parseDuration */ .E9)(value('load-timeout') || LOAD_DEFAULTS.timeout, 'Input "load-timeout"', LOAD_TIMEOUT_RANGE);
    const method = (value('load-method') || LOAD_DEFAULTS.method).toUpperCase();
    if (!LOAD_METHODS.includes(method))
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d(`Input "load-method": "${value('load-method')}" is not one of ${LOAD_METHODS.join(' | ')}.`);
    const body = inputs['load-body'] ?? '';
    if (body && !BODY_METHODS.has(method))
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d(`Input "load-body" needs input "load-method" ${[...BODY_METHODS].join(', ')}; got ${method}.`);
    const headers = (0,_lib_headers_js__WEBPACK_IMPORTED_MODULE_3__/* .parseHeaderLines */ .o)(inputs['load-headers'] ?? '', 'load-headers');
    const urlText = value('load-url');
    if (!urlText)
        return null;
    const { url, basic } = parseUrl(urlText);
    if (basic) {
        if (Object.keys(headers).some((k) => k.toLowerCase() === 'authorization')) {
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d('Inputs "load-url" and "load-headers" both carry credentials (user:password@ in the URL and an Authorization header); give one.');
        }
        headers.Authorization = `Basic ${Buffer.from(`${basic.username}:${basic.password}`, 'utf8').toString('base64')}`;
    }
    const display = `${url.origin}${url.pathname}${url.search ? '?…' : ''}`;
    return { tool: tool, url: url.href, display, method: method, headers, ...(body ? { body } : {}), rate, connections, timeoutMs };
}
/**
 * Masks every credential the load inputs hold (in the URL, in credential-like headers) in each form
 * it travels in, before anything could print them. Reads the raw text, so it also covers values a
 * failed parse never reached.
 */
function maskLoadCredentials(inputs) {
    const urlText = (inputs['load-url'] ?? '').trim();
    if (URL.canParse(urlText)) {
        const { username, password } = new URL(urlText);
        if (password)
            (0,_lib_secrets_js__WEBPACK_IMPORTED_MODULE_4__/* .maskUrlCredentials */ .gn)(urlText);
        else if (username) {
            // A token written as the user name (https://TOKEN@host) is as secret as a password.
            (0,_lib_secrets_js__WEBPACK_IMPORTED_MODULE_4__/* .maskSecret */ .$l)(username);
            (0,_lib_secrets_js__WEBPACK_IMPORTED_MODULE_4__/* .maskBasicAuth */ .H8)((0,_lib_secrets_js__WEBPACK_IMPORTED_MODULE_4__/* .decodeUserinfo */ .uQ)(username), '');
        }
    }
    (0,_lib_headers_js__WEBPACK_IMPORTED_MODULE_3__/* .maskCredentialHeaders */ .s)(inputs['load-headers'] ?? '');
}
/** `load-*` from INPUT_* env: credentials masked first, then parsed. */
function readLoadPlan() {
    const inputs = Object.fromEntries(LOAD_INPUTS.map((n) => [n, (0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .raw */ .lS)(n)]));
    maskLoadCredentials(inputs);
    return parseLoadPlan(inputs);
}
/** `autocannon GET https://test.example.com/health at 20 requests/s over 4 connections, 10s timeout per request`. */
function describeLoad(plan) {
    const unit = plan.tool === 'k6' ? 'virtual users' : 'connections';
    return `${plan.tool} ${plan.method} ${plan.display} at ${plan.rate} request${plan.rate === 1 ? '' : 's'}/s over ${plan.connections} ${unit}, ${(0,_common_duration_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a3)(plan.timeoutMs)} timeout per request`;
}
/** For action.yml and the README: the documented ranges, from the same constants the parser uses. */
const LOAD_RANGE_TEXT = {
    'load-rate': (0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .describeRange */ .pC)(LOAD_RANGES['load-rate']),
    'load-connections': (0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .describeRange */ .pC)(LOAD_RANGES['load-connections']),
    'load-timeout': `a duration ${(0,_common_duration_js__WEBPACK_IMPORTED_MODULE_1__/* .formatRange */ .Lu)(LOAD_TIMEOUT_RANGE)}`,
};


/***/ }),

/***/ 6688:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ch: () => (/* binding */ secondsUntil),
/* harmony export */   TZ: () => (/* binding */ openLoad),
/* harmony export */   XZ: () => (/* binding */ failedRun),
/* harmony export */   bD: () => (/* binding */ emptyStats),
/* harmony export */   od: () => (/* binding */ settlesWithin),
/* harmony export */   zt: () => (/* binding */ formatLoadStats)
/* harmony export */ });
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(52251);
/**
 * The synthetic load port: the ramp starts a run when a step begins baking and stops it when the
 * step is decided, and knows nothing else (start, stop, stats). The drivers (autocannon in this
 * process, k6 as a child process) are loaded only when `load-url` is set, so a ramp without load
 * pays nothing for them at start.
 */

/** The install hint for a missing k6, in the one place that says it. */
const K6_INSTALL = 'install it before this step (grafana/setup-k6-action, or https://grafana.com/docs/k6/latest/set-up/install-k6/) or use load-tool: autocannon';
/**
 * The driver for `plan.tool`, imported on demand. k6 must be on PATH: found before anything else runs,
 * so an absent k6 fails the step like any bad input, before a single AWS call.
 */
async function openLoad(plan, opts) {
    if (plan.tool === 'k6') {
        const which = opts.which ?? (async (tool) => (await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 88701))).which(tool, false));
        const k6Path = await which('k6');
        if (!k6Path)
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d(`Input "load-tool": k6 is not on PATH; ${K6_INSTALL}.`);
        const { k6Load } = await __webpack_require__.e(/* import() */ 608).then(__webpack_require__.bind(__webpack_require__, 96608));
        return k6Load(plan, { ...opts, k6Path });
    }
    const { autocannonLoad } = await Promise.all(/* import() */[__webpack_require__.e(88), __webpack_require__.e(174), __webpack_require__.e(247)]).then(__webpack_require__.bind(__webpack_require__, 86247));
    if (plan.url.startsWith('https:') && Object.keys(plan.headers).length) {
        // autocannon does not verify the server's certificate (it connects with rejectUnauthorized: false).
        opts.warn(`load-url is https and load-headers are set: autocannon does not verify the server's certificate, so use headers you would send over plain http, or load-tool: k6 (which verifies it).`);
    }
    return autocannonLoad(plan, opts);
}
/** Zero counts for a run of `plan`. */
function emptyStats(plan) {
    return { tool: plan.tool, url: plan.display, rate: plan.rate, requests: 0, non2xx: 0, errors: 0, durationMs: 0 };
}
/** A run that could not start: nothing is sent, and the why is in its stats (the ramp goes on without load). */
function failedRun(plan, note) {
    const stats = { ...emptyStats(plan), note };
    return { stats: () => stats, stop: async () => stats };
}
/** Whole seconds from `now` to `deadline`, at least 1: how long a run sends before it ends by itself. */
function secondsUntil(deadline, now) {
    return Math.max(1, Math.ceil((deadline - now) / 1000));
}
/** Waits for `done` at most `ms`: true when it settled in time. How a driver's stop() bounds its wait. */
async function settlesWithin(done, ms) {
    let timer;
    const late = new Promise((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    try {
        return await Promise.race([done.then(() => true, () => true), late]);
    }
    finally {
        clearTimeout(timer);
    }
}
/** `1,204 requests (3 non-2xx, 0 errors) in 5m at 20/s`: one line per run for the log and the summary. */
function formatLoadStats(s) {
    const n = (x) => x.toLocaleString('en-US');
    const secs = Math.round(s.durationMs / 1000);
    return `${n(s.requests)} requests (${n(s.non2xx)} non-2xx, ${n(s.errors)} errors) in ${secs}s at ${s.rate}/s${s.note ? `; ${s.note}` : ''}`;
}


/***/ }),

/***/ 36906:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  e: () => (/* binding */ run)
});

// UNUSED EXPORTS: action

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(41914);
// EXTERNAL MODULE: ./common/clock.ts
var clock = __webpack_require__(74376);
// EXTERNAL MODULE: ./common/errors.ts
var errors = __webpack_require__(52251);
// EXTERNAL MODULE: ./actions/lib/runner.ts
var runner = __webpack_require__(53266);
// EXTERNAL MODULE: ./actions/metrics/gate.ts + 5 modules
var metrics_gate = __webpack_require__(30751);
// EXTERNAL MODULE: ./actions/metrics/providers/factory.ts
var factory = __webpack_require__(33639);
// EXTERNAL MODULE: ./actions/metrics/providers/sources.ts
var sources = __webpack_require__(59611);
// EXTERNAL MODULE: ./actions/traffic/call.ts
var call = __webpack_require__(56910);
// EXTERNAL MODULE: ./actions/traffic/recovery.ts
var recovery = __webpack_require__(2333);
// EXTERNAL MODULE: ./actions/lib/arn.ts
var arn = __webpack_require__(40301);
;// CONCATENATED MODULE: ./actions/canary-ramp/gate-scope.ts

function gateOverrides(scope) {
    if (!scope)
        return undefined;
    return {
        alb: {
            loadBalancer: (0,arn/* loadBalancerDimension */.Tj)(scope.ruleArn ?? scope.listenerArn, scope.ruleArn ? 'rule-arn' : 'listener-arn'),
            canaryTargetGroup: (0,arn/* targetGroupDimension */.RA)(scope.canaryTargetGroupArn, 'canary-target-group-arn'),
            baselineTargetGroup: (0,arn/* targetGroupDimension */.RA)(scope.stableTargetGroupArn, 'stable-target-group-arn'),
        },
    };
}

// EXTERNAL MODULE: ./common/duration.ts
var duration = __webpack_require__(76712);
// EXTERNAL MODULE: ./actions/lib/inputs.ts
var inputs = __webpack_require__(87721);
// EXTERNAL MODULE: ./actions/traffic/router-inputs.ts
var router_inputs = __webpack_require__(64569);
// EXTERNAL MODULE: ./actions/canary-ramp/load-plan.ts
var load_plan = __webpack_require__(89094);
;// CONCATENATED MODULE: ./actions/canary-ramp/plan.ts
/**
 * canary-ramp's inputs, typed and validated before the first AWS call, and the pure decisions made
 * from them (the step plan, the metric-period and timeout warnings).
 */





const DEFAULT_STEPS = '1,5,25,50,100';
const HOUR = 3_600_000;
/**
 * The accepted span of every numeric input (documented in action.yml and the README). A bake is at
 * most a day; the timeout at most 5 days, the longest a self-hosted runner keeps a job (the warning
 * about GitHub-hosted runners' 6 h stays a warning).
 */
const RAMP_RANGES = {
    'bake-time': { min: 0, max: 24 * HOUR },
    'analysis-interval': { min: 1000, max: HOUR },
    timeout: { min: 1000, max: 120 * HOUR },
};
const RAMP_COUNTS = {
    'max-failed-checks': { min: 1, max: 1000, integer: true },
    'max-inconclusive': { min: 0, max: 1000, integer: true },
};
const STEPS_FORM = `increasing whole percents from 1 to 100 separated by commas, ending at 100, each optionally with a bake time ${(0,duration/* formatRange */.Lu)(RAMP_RANGES['bake-time'])} (e.g. 1,5,25:15m,50,100)`;
/**
 * `1,5,25:15m,50,100` → steps. A step below 100 bakes for `bake-time` unless it says otherwise; the
 * final 100 is the promotion and bakes only when given a time (`100:10m`).
 */
function parseSteps(text, bakeMs) {
    const items = text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
    if (!items.length)
        throw new errors/* InputError */.d(`Input "steps" is empty; expected ${STEPS_FORM}.`);
    const steps = items.map((item) => {
        const m = /^(\d+)%?(?::(.+))?$/.exec(item);
        if (!m)
            throw new errors/* InputError */.d(`Input "steps": "${item}" is not a step; expected ${STEPS_FORM}.`);
        const percent = Number(m[1]);
        if (!(percent >= 1 && percent <= 100))
            throw new errors/* InputError */.d(`Input "steps": ${m[1]} is out of range; weights are percents from 1 to 100 (whole numbers).`);
        const stepBake = m[2] === undefined ? (percent === 100 ? 0 : bakeMs) : (0,duration/* parseDuration */.E9)(m[2], `Input "steps": the bake time in "${item}"`, RAMP_RANGES['bake-time']);
        return { percent, bakeMs: stepBake };
    });
    for (let i = 1; i < steps.length; i++) {
        if (steps[i].percent <= steps[i - 1].percent) {
            throw new errors/* InputError */.d(`Input "steps": ${steps[i].percent} after ${steps[i - 1].percent} is not increasing; expected ${STEPS_FORM}.`);
        }
    }
    if (steps.at(-1).percent !== 100)
        throw new errors/* InputError */.d(`Input "steps" must end at 100 (a promotion leaves the canary with all traffic); got ${text}.`);
    return steps;
}
function readRampInputs() {
    const router = (0,router_inputs/* readRouterConfig */.a)();
    // A k6 summary is one finished run: every check of every step would judge the same numbers.
    if ((0,inputs/* getString */.AA)('provider') === 'k6-summary') {
        throw new errors/* InputError */.d('Input "provider": k6-summary is not available to canary-ramp (a summary file does not change from step to step); use cloudwatch or prometheus.');
    }
    const bakeMs = (0,inputs/* getDuration */.Ds)('bake-time', '5m', RAMP_RANGES['bake-time']);
    const steps = parseSteps((0,inputs/* getString */.AA)('steps', DEFAULT_STEPS), bakeMs);
    const intervalMs = (0,inputs/* getDuration */.Ds)('analysis-interval', '1m', RAMP_RANGES['analysis-interval']);
    const timeoutMs = (0,inputs/* getDuration */.Ds)('timeout', '5h30m', RAMP_RANGES.timeout);
    return {
        router,
        bakeMs,
        settings: {
            steps,
            intervalMs,
            timeoutMs,
            maxFailedChecks: (0,inputs/* getNumber */.WZ)('max-failed-checks', 2, RAMP_COUNTS['max-failed-checks']),
            onInconclusive: (0,inputs/* getEnum */.GV)('on-inconclusive', ['hold', 'fail', 'pass'], 'hold'),
            maxInconclusive: (0,inputs/* getNumber */.WZ)('max-inconclusive', 5, RAMP_COUNTS['max-inconclusive']),
            onTimeout: (0,inputs/* getEnum */.GV)('on-timeout', ['rollback', 'promote'], 'rollback'),
        },
        dryRun: (0,inputs/* getBool */.Jz)('dry-run', false),
        takeover: (0,inputs/* getBool */.Jz)('takeover', false),
        load: (0,load_plan/* readLoadPlan */.u9)(),
    };
}
/** A warning (never a refusal) when checks come faster than the metrics can change. */
function intervalWarning(intervalMs, metricPeriodMs) {
    if (!metricPeriodMs || intervalMs >= metricPeriodMs)
        return null;
    return `analysis-interval ${(0,duration/* formatDuration */.a3)(intervalMs)} is shorter than the metric period ${(0,duration/* formatDuration */.a3)(metricPeriodMs)}: consecutive checks may see the same data points.`;
}
/** GitHub-hosted runners stop a job after 6 h; self-hosted ones allow more, hence a warning. */
const GITHUB_JOB_LIMIT_MS = 6 * 3_600_000;
/** A warning when the ramp's own rollback could never run before GitHub stops the job. */
function timeoutWarning(timeoutMs) {
    if (timeoutMs < GITHUB_JOB_LIMIT_MS)
        return null;
    return `timeout ${(0,duration/* formatDuration */.a3)(timeoutMs)} is not below GitHub's 6-hour job limit: on a GitHub-hosted runner the job is stopped first ` +
        '(post still restores the baseline, but the ramp cannot roll back by itself or report why). Keep it below the job\'s timeout-minutes, e.g. 5h30m.';
}

// EXTERNAL MODULE: ./actions/canary-ramp/load.ts
var canary_ramp_load = __webpack_require__(6688);
// EXTERNAL MODULE: ./common/deadline.ts
var common_deadline = __webpack_require__(85096);
// EXTERNAL MODULE: ./actions/traffic/port.ts
var port = __webpack_require__(7009);
;// CONCATENATED MODULE: ./actions/canary-ramp/ramp.ts







/** The last read of the weights after an end that could not confirm them (for the report and the error). */
const FINAL_READ_BUDGET_MS = 10_000;
/** Thrown by onStep when the ramp no longer owns the resource. */
class HandedOverError extends Error {
    constructor(message) {
        super(message);
        this.name = 'HandedOverError';
    }
}
class StepFailed extends Error {
}
/** The timeout came while a step waited for data, and on-timeout is promote. */
class PromoteOnTimeout extends Error {
}
/** The step's final evidence per objective: the last its checks reported. */
function stepEvidence(checks) {
    const out = {};
    for (const c of checks)
        for (const o of c.objectives)
            if (o.evidence)
                out[o.objective] = o.evidence.step;
    return out;
}
async function runRamp(settings, baseline, deps) {
    return new Ramp(settings, baseline, deps).run();
}
const iso = (ms) => new Date(ms).toISOString();
/** One ramp's state; run() walks the steps and ends every way through rollBack, handedOver or promoteNow. */
class Ramp {
    settings;
    baseline;
    deps;
    steps = [];
    deadline;
    /** Aborts at the deadline. */
    timeUp;
    /** Every call of the ramp: cancelled, or out of time. */
    bounded;
    failedChecks = 0;
    evidence;
    /** The step being shifted to, for a timeout's message. */
    pending;
    lastRead;
    constructor(settings, baseline, deps) {
        this.settings = settings;
        this.baseline = baseline;
        this.deps = deps;
        const { clock } = deps;
        this.deadline = deps.deadline ?? clock.now() + settings.timeoutMs;
        // Every call of the ramp (router reads and writes, the mark, the judge's queries) ends at the
        // deadline or on cancellation, even one that hangs; the restore after it has its own budget.
        this.timeUp = (0,common_deadline/* abortAfter */.d)(this.deadline - clock.now());
        this.bounded = AbortSignal.any([deps.signal, this.timeUp]);
        this.evidence = { plannedSteps: settings.steps.filter((s) => s.bakeMs > 0).length, finished: [] };
        this.pending = settings.steps[0]?.percent ?? 0;
        this.lastRead = deps.lastRead ?? null;
    }
    async run() {
        const { settings, deps, steps } = this;
        const { clock, signal } = deps;
        try {
            for (const step of settings.steps) {
                this.pending = step.percent;
                if (signal.aborted)
                    throw signal.reason;
                if (clock.now() > this.deadline)
                    throw new StepFailed(`timeout ${(0,duration/* formatDuration */.a3)(settings.timeoutMs)} reached before ${step.percent}%`);
                const { report, stepStart } = await this.shiftTo(step);
                await this.bakeUnderLoad(step, report, stepStart);
                if (step.bakeMs > 0)
                    this.evidence.finished.push(stepEvidence(report.checks));
                report.outcome = 'advanced';
                report.endedAt = iso(clock.now());
            }
            const last = steps.at(-1)?.weights ?? null;
            return { result: 'promoted', reason: `every step passed; the canary has ${last?.canary ?? 100}% of the traffic`, steps, weights: last, lastRead: this.lastRead };
        }
        catch (err) {
            return this.ended(err);
        }
    }
    /** Records the step, moves the weight and reads it back; the step's report, and its start (now). */
    async shiftTo(step) {
        const { deps, bounded } = this;
        await deps.onStep(step.percent, bounded);
        deps.log(`Step ${step.percent}%: shifting ${deps.router.resource}`);
        await deps.router.shift(step.percent, bounded);
        const expected = (0,port/* weightsFor */.NK)(step.percent);
        const actual = await this.readWeights(bounded);
        if (!(0,port/* sameWeights */.ML)(actual, expected))
            throw new StepFailed(`read back ${(0,port/* formatWeights */.V7)(actual)} after setting ${(0,port/* formatWeights */.V7)(expected)}`);
        const stepStart = deps.clock.now();
        const report = { percent: step.percent, weights: actual, startedAt: iso(stepStart), checks: [], outcome: 'in-progress' };
        this.steps.push(report);
        return { report, stepStart };
    }
    /** How the ramp ends after a throw: promoted on timeout, rolled back, or left to whoever took over. */
    ended(err) {
        const { settings, deps: { signal } } = this;
        if (err instanceof PromoteOnTimeout)
            return this.promoteNow(err.message).catch((e) => this.rollBack(`fault while promoting on timeout: ${(0,errors/* errorMessage */.g)(e)}`));
        if (err instanceof StepFailed)
            return this.rollBack(err.message);
        if (err instanceof HandedOverError)
            return this.handedOver(err);
        if (signal.aborted || err instanceof runner/* CancelledError */.cc)
            return this.rollBack(`cancelled (${(0,errors/* errorMessage */.g)(signal.reason ?? err)})`);
        if (this.timeUp.aborted) {
            const open = this.steps.at(-1);
            const where = open?.outcome === 'in-progress' ? `at ${open.percent}%` : `before ${this.pending}%`;
            return this.rollBack(`timeout ${(0,duration/* formatDuration */.a3)(settings.timeoutMs)} reached ${where} (a call was cut short: ${(0,errors/* errorMessage */.g)(err)})`);
        }
        return this.rollBack(`fault: ${(0,errors/* errorMessage */.g)(err)}`);
    }
    async readWeights(sig) {
        const w = await this.deps.router.read(sig);
        this.lastRead = { weights: w, at: iso(this.deps.clock.now()) };
        return w;
    }
    /** The end's last look at the weights, on its own short budget; null when they cannot be read. */
    finalRead() {
        return this.readWeights((0,common_deadline/* abortAfter */.d)(FINAL_READ_BUDGET_MS)).catch(() => null);
    }
    /** A bake with the synthetic load on: started with the bake, stopped once the step is decided, whatever ends it. */
    async bakeUnderLoad(step, report, stepStart) {
        const { load, log } = this.deps;
        if (!load || step.bakeMs <= 0)
            return this.bake(step, report, stepStart);
        const run = load.start();
        try {
            await this.bake(step, report, stepStart);
        }
        finally {
            report.load = await run.stop();
            log(`  ${step.percent}% synthetic load: ${(0,canary_ramp_load/* formatLoadStats */.zt)(report.load)}`);
        }
    }
    /** Bakes one step; resolves when it may advance, throws StepFailed when it must roll back. */
    async bake(step, report, stepStart) {
        if (step.bakeMs <= 0)
            return;
        const { settings, deps: { clock, signal, log } } = this;
        const windowStart = stepStart + settings.warmupMs;
        let next = windowStart + settings.intervalMs;
        const run = { inconclusive: 0 };
        for (;;) {
            if (next > this.deadline)
                this.timedOut(step, report);
            const wait = next - clock.now();
            if (wait > 0)
                await clock.sleep(wait, signal);
            const check = await this.judgeOnce(windowStart);
            report.checks.push(check);
            log(`  ${step.percent}% check ${report.checks.length}: ${check.verdict}: ${check.reason}`);
            next += settings.intervalMs;
            if (this.decide(check, step, report, stepStart, run) === 'advance')
                return;
        }
    }
    /** The deadline came during a bake: throws what on-timeout says to do. */
    timedOut(step, report) {
        const { settings } = this;
        const last = report.checks.at(-1);
        if (last?.awaitingData) {
            const why = `timeout ${(0,duration/* formatDuration */.a3)(settings.timeoutMs)} reached at ${step.percent}% while waiting for min-requests (${last.reason})`;
            if (settings.onTimeout === 'promote')
                throw new PromoteOnTimeout(`${why}; promoted without that evidence (on-timeout: promote)`);
            throw new StepFailed(`${why}; rolled back (on-timeout: rollback): more traffic on the step, a lower min-requests or a longer timeout would let the evidence decide`);
        }
        throw new StepFailed(`timeout ${(0,duration/* formatDuration */.a3)(settings.timeoutMs)} reached at ${step.percent}%`);
    }
    /** One check's consequence: advance, or go on baking; throws StepFailed when the step must roll back. */
    decide(check, step, report, stepStart, run) {
        const { settings, deps: { clock } } = this;
        // Evidence is error-controlled over the whole ramp, and a threshold broken twice over is no
        // noise: one such verdict is enough.
        if (check.verdict === 'fail' && check.objectives.some((o) => o.verdict === 'fail' && o.decisive)) {
            throw new StepFailed(`decisive failure at ${step.percent}%: ${check.reason}`);
        }
        if (check.verdict === 'inconclusive' && check.awaitingData && settings.onInconclusive === 'hold') {
            // Not enough traffic yet: the step holds its weight until it has (bounded by the timeout).
            const overBake = Math.min(settings.intervalMs, clock.now() - stepStart - step.bakeMs);
            if (overBake > 0)
                report.waited = { ms: (report.waited?.ms ?? 0) + overBake, reason: check.reason };
            return 'bake';
        }
        const verdict = check.verdict === 'inconclusive' && settings.onInconclusive !== 'hold' ? settings.onInconclusive : check.verdict;
        if (verdict === 'fail' || verdict === 'error') {
            this.failedChecks++;
            run.inconclusive = 0;
            if (this.failedChecks >= settings.maxFailedChecks) {
                throw new StepFailed(`${this.failedChecks} failed check(s) (max-failed-checks ${settings.maxFailedChecks}) at ${step.percent}%: ${check.reason}`);
            }
        }
        else if (verdict === 'inconclusive') {
            run.inconclusive++;
            if (run.inconclusive > settings.maxInconclusive) {
                throw new StepFailed(`${run.inconclusive} inconclusive checks in a row (max-inconclusive ${settings.maxInconclusive}) at ${step.percent}%: ${check.reason}`);
            }
        }
        else {
            run.inconclusive = 0;
            // Advance only on a pass after the full bake: a held or failed check needs a pass to follow.
            if (clock.now() - stepStart >= step.bakeMs)
                return 'advance';
        }
        return 'bake';
    }
    async judgeOnce(windowStart) {
        const { deps: { clock, signal, judge }, timeUp } = this;
        const now = clock.now();
        try {
            const r = await judge({ start: new Date(Math.min(windowStart, now)), end: new Date(now) }, this.bounded, this.evidence);
            return { at: iso(now), verdict: r.result, reason: r.reason, objectives: r.objectives, ...(r.awaitingData ? { awaitingData: true } : {}) };
        }
        catch (err) {
            if (signal.aborted)
                throw signal.reason ?? err;
            if (timeUp.aborted)
                throw err; // the deadline cut the query short: the ramp's timeout, not a verdict
            // A judge that cannot measure counts against the canary: a persisting fault ends in rollback.
            return { at: iso(now), verdict: 'error', reason: `the judge failed: ${(0,errors/* errorMessage */.g)(err)}`, objectives: [] };
        }
    }
    async handedOver(err) {
        const open = this.steps.at(-1);
        if (open?.outcome === 'in-progress')
            open.endedAt = iso(this.deps.clock.now());
        const weights = await this.finalRead();
        return { result: 'failed', reason: `${err.message}; traffic left as they set it`, steps: this.steps, weights, lastRead: this.lastRead, handedOver: true };
    }
    async rollBack(reason) {
        const { baseline, steps, deps } = this;
        const budget = (0,common_deadline/* abortAfter */.d)(recovery/* RESTORE_BUDGET_MS */.w$);
        try {
            await deps.confirmOwner?.(budget);
        }
        catch (err) {
            // Restoring now would undo the new owner's weights. A mark that cannot be read is no such proof.
            if (err instanceof HandedOverError)
                return this.handedOver(new HandedOverError(`${reason}; but ${err.message}`));
        }
        const open = steps.at(-1);
        if (open && open.outcome === 'in-progress') {
            open.outcome = 'rolled-back';
            open.endedAt = iso(deps.clock.now());
        }
        deps.log(`Rolling back to the baseline (${(0,port/* formatWeights */.V7)(baseline.weights)}): ${reason}`);
        try {
            await deps.router.restore(baseline, budget);
            const now = await this.readWeights(budget);
            if (!(0,port/* sameWeights */.ML)(now, baseline.weights))
                throw new Error(`read back ${(0,port/* formatWeights */.V7)(now)} after restoring`);
            return { result: 'rolled-back', reason, steps, weights: now, lastRead: this.lastRead };
        }
        catch (err) {
            const cause = budget.aborted ? `not done within ${(0,duration/* formatDuration */.a3)(recovery/* RESTORE_BUDGET_MS */.w$)}: ${(0,errors/* errorMessage */.g)(err)}` : (0,errors/* errorMessage */.g)(err);
            const weights = await this.finalRead();
            return {
                result: 'failed',
                reason: `${reason}; restoring the baseline failed too (${cause}): the post step and the rollback action retry it`,
                steps,
                weights,
                lastRead: this.lastRead,
                restoreFailed: true,
            };
        }
    }
    /** on-timeout: promote: the canary takes all traffic at once, said so in the reason. */
    async promoteNow(reason) {
        const { steps, deps } = this;
        const now = () => iso(deps.clock.now());
        const open = steps.at(-1);
        if (open?.outcome === 'in-progress') {
            open.outcome = 'advanced';
            open.endedAt = now();
        }
        // After the deadline: the promotion, like a restore, has its own budget.
        const budget = (0,common_deadline/* abortAfter */.d)(recovery/* RESTORE_BUDGET_MS */.w$);
        await deps.onStep(100, budget);
        await deps.router.shift(100, budget);
        const actual = await this.readWeights(budget);
        if (!(0,port/* sameWeights */.ML)(actual, (0,port/* weightsFor */.NK)(100)))
            throw new Error(`read back ${(0,port/* formatWeights */.V7)(actual)} after setting ${(0,port/* formatWeights */.V7)((0,port/* weightsFor */.NK)(100))}`);
        steps.push({ percent: 100, weights: actual, startedAt: now(), endedAt: now(), checks: [], outcome: 'advanced' });
        deps.log(reason);
        return { result: 'promoted', reason, steps, weights: actual, lastRead: this.lastRead };
    }
}

;// CONCATENATED MODULE: ./actions/canary-ramp/session-plan.ts
/** ECS picks the step sizes; each step still bakes for `bake-time` (the last one, 100, does not). */
function platformPlan(percents, bakeMs) {
    return percents.map((percent) => ({ percent, bakeMs: percent >= 100 ? 0 : bakeMs }));
}
/**
 * What a mark left on the resource means for this run: none → start fresh; an earlier attempt of this
 * run, stale (past its owner's deadline) or taken over → start from its recorded baseline;
 * another live ramp → refuse.
 */
function decideOnMark(mark, owner, nowMs, takeover, resource) {
    if (!mark || mark.state === 'done')
        return { kind: 'fresh' };
    // Only an earlier attempt is a lost runner of ours: the same attempt is another job of this run
    // (a matrix leg, a second job on the same route), as live as any other run's ramp.
    const [markRun, markAttempt] = mark.owner.split('/');
    const [run, attempt] = owner.split('/');
    const earlierAttempt = markRun === run && Number(markAttempt) < Number(attempt);
    const stale = mark.deadline * 1000 < nowMs;
    if (earlierAttempt)
        return { kind: 'resume', why: `run ${mark.owner} (an earlier attempt of this run) left a ramp at ${mark.step}%`, mark };
    if (stale)
        return { kind: 'resume', why: `run ${mark.owner} left a ramp at ${mark.step}% and its deadline has passed`, mark };
    if (takeover)
        return { kind: 'resume', why: `taking over the ramp of run ${mark.owner} at ${mark.step}% (takeover: true)`, mark };
    return {
        kind: 'refuse',
        message: `Another canary ramp (run ${mark.owner}, now at ${mark.step}%) is in progress on ${resource} until ${new Date(mark.deadline * 1000).toISOString()}. ` +
            'Wait for it, roll it back with the rollback action, or set takeover: true to take it over from its recorded baseline.',
    };
}

;// CONCATENATED MODULE: ./actions/canary-ramp/session.ts







/** Closing the mark after the ramp ended: one call and its retries. */
const CLOSE_MARK_BUDGET_MS = 15_000;
/** The baseline could not be put back: says where traffic was read last, for the operator's message. */
class RestoreFailedError extends Error {
    lastRead;
    constructor(message, lastRead) {
        super(message);
        this.lastRead = lastRead;
        this.name = 'RestoreFailedError';
    }
}
/** Thrown when another live ramp holds the resource. */
class RampConflictError extends Error {
    constructor(message) {
        super(message);
        this.name = 'RampConflictError';
    }
}
async function rampSession(opts, deps) {
    const { router, clock, owner, log, warn } = deps;
    // The timeout bounds the whole session, its first reads included: every call before the ramp's
    // end is aborted at the deadline or on cancellation.
    const endsAt = clock.now() + opts.settings.timeoutMs;
    const bounded = AbortSignal.any([deps.signal, (0,common_deadline/* abortAfter */.d)(opts.settings.timeoutMs)]);
    let lastRead;
    const snapshot = async () => {
        const b = await router.snapshot(bounded);
        lastRead = { weights: b.weights, at: new Date(clock.now()).toISOString() };
        return b;
    };
    const platform = await router.platformSteps(bounded);
    const settings = platform ? { ...opts.settings, steps: platformPlan(platform, opts.bakeMs) } : opts.settings;
    if (platform)
        log(`ECS decides the steps from the service's deployment configuration: ${platform.join(', ')}%.`);
    const decision = decideOnMark(await router.readMark(bounded), owner, clock.now(), opts.takeover, router.resource);
    if (decision.kind === 'refuse')
        throw new RampConflictError(decision.message);
    let baseline = decision.kind === 'resume' ? { weights: decision.mark.baseline } : await snapshot();
    log(`Baseline on ${router.resource}: ${(0,port/* formatWeights */.V7)(baseline.weights)}.`);
    if (decision.kind === 'fresh' && baseline.weights.canary > 0) {
        warn(`The canary already has ${baseline.weights.canary}% before the ramp: a rollback returns to that, not to stable 100%. ` +
            'If the target groups have swapped roles since the last promotion, swap stable-target-group-arn and canary-target-group-arn.');
    }
    log(`Plan: ${settings.steps.map((s) => `${s.percent}%${s.bakeMs ? ` for ${(0,duration/* formatDuration */.a3)(s.bakeMs)}` : ''}`).join(' → ')}, checks every ${(0,duration/* formatDuration */.a3)(settings.intervalMs)}.`);
    if (opts.dryRun) {
        const current = await router.read(bounded);
        return { result: 'dry-run', reason: 'dry run: nothing was changed', resource: router.resource, baseline: baseline.weights, weights: current, steps: [], stepsCompleted: 0 };
    }
    // Recorded before the first write, so post can restore whatever happens from here on.
    deps.saveState({ phase: 'in-progress', owner, baseline });
    if (decision.kind === 'resume') {
        warn(`${decision.why}: starting again from its recorded baseline (${(0,port/* formatWeights */.V7)(baseline.weights)}).`);
        // ECS keeps its own place (the deployment waits at its hook); the others go back to the baseline first.
        if (router.kind !== 'ecs') {
            await router.restore(baseline, bounded);
            const restored = await snapshot();
            if (!(0,port/* sameWeights */.ML)(restored.weights, baseline.weights))
                throw new Error(`restoring the recorded baseline read back ${(0,port/* formatWeights */.V7)(restored.weights)}`);
            baseline = restored;
            deps.saveState({ phase: 'in-progress', owner, baseline });
        }
    }
    const deadline = Math.ceil(endsAt / 1000);
    const mark = (state, step) => ({ state, owner, baseline: baseline.weights, step, deadline });
    let lastStep = 0;
    // The rollback action (or a takeover) rewrites the mark: a live ramp stops at its next step, and
    // does not restore its baseline over theirs. Before our first mark there is nothing to compare.
    const confirmOwner = async (signal) => {
        if (lastStep === 0)
            return;
        const current = await router.readMark(signal);
        if (!current || current.state !== 'in-progress' || current.owner !== owner) {
            throw new HandedOverError(`the ramp mark on ${router.resource} was changed (${current ? `${current.state} by run ${current.owner}` : 'removed'}): another run or the rollback action took over`);
        }
    };
    const outcome = await runRamp(settings, baseline, {
        router, judge: deps.judge, clock, signal: deps.signal, deadline: endsAt, lastRead, log, confirmOwner, load: deps.load,
        onStep: async (percent, signal) => {
            await confirmOwner(signal);
            await router.writeMark(mark('in-progress', percent), signal);
            lastStep = percent;
        },
    });
    if (outcome.handedOver)
        deps.saveState({ phase: 'done', owner, baseline });
    else if (outcome.result !== 'failed') {
        // Traffic is in a known state (promoted, or back at the baseline): post must leave it alone.
        deps.saveState({ phase: 'done', owner, baseline });
        await router.writeMark(mark('done', lastStep), (0,common_deadline/* abortAfter */.d)(CLOSE_MARK_BUDGET_MS)).catch((err) => warn(`could not close the ramp mark on ${router.resource}: ${(0,errors/* errorMessage */.g)(err)}; post retries`));
    }
    return {
        ...outcome,
        resource: router.resource,
        baseline: baseline.weights,
        stepsCompleted: outcome.steps.filter((s) => s.outcome === 'advanced').length,
    };
}
/**
 * The post entry: restore the baseline only when main did not reach a known state. Every call is
 * bounded by `signal` (its own budget: the runner's signals must not cut a restore short); a restore
 * that fails throws RestoreFailedError with the weights read last.
 */
async function restoreSession(state, router, log, nowMs = Date.now(), signal = (0,common_deadline/* abortAfter */.d)(recovery/* RESTORE_BUDGET_MS */.w$)) {
    if (!state || !router)
        return 'nothing-recorded';
    const mark = await router.readMark(signal).catch(() => null);
    const ours = !!mark && mark.state === 'in-progress' && mark.owner === state.owner;
    const closed = (m) => ({ ...m, state: 'done' });
    if (state.phase === 'done') {
        if (ours)
            await router.writeMark(closed(mark), signal).catch((err) => log(`could not close the ramp mark: ${(0,errors/* errorMessage */.g)(err)}`));
        return 'left-alone';
    }
    // Someone else owns the traffic now: another ramp's live mark (one main would have refused), or ours
    // closed by the rollback action (main closes its own mark only after recording `done`). A mark main
    // was resuming (an earlier attempt of this run, a stale ramp) is ours to restore: main may have died
    // between taking it over and writing its own. With no mark at all this run never moved traffic.
    const othersLive = !!mark && mark.state === 'in-progress' && decideOnMark(mark, state.owner, nowMs, false, router.resource).kind === 'refuse';
    if (mark && !ours && (othersLive || (mark.state === 'done' && mark.owner === state.owner)))
        return 'taken-over';
    let lastRead = null;
    const read = async () => {
        const w = await router.read(signal);
        lastRead = { weights: w, at: new Date().toISOString() };
        return w;
    };
    const before = await read().catch(() => null);
    let after;
    try {
        await router.restore(state.baseline, signal);
        after = await read();
    }
    catch (err) {
        // One more look (on a short budget of its own: `signal` may be what ended) so the message says where traffic is.
        await router.read((0,common_deadline/* abortAfter */.d)(10_000)).then((w) => (lastRead = { weights: w, at: new Date().toISOString() }), () => undefined);
        const cause = signal.aborted ? `not done within its budget: ${(0,errors/* errorMessage */.g)(err)}` : (0,errors/* errorMessage */.g)(err);
        throw new RestoreFailedError(`restoring the baseline (${(0,port/* formatWeights */.V7)(state.baseline.weights)}) on ${router.resource} failed: ${cause}`, lastRead);
    }
    log(`Weights before: ${before ? (0,port/* formatWeights */.V7)(before) : 'unknown'}; after: ${(0,port/* formatWeights */.V7)(after)}.`);
    if (!(0,port/* sameWeights */.ML)(after, state.baseline.weights)) {
        throw new RestoreFailedError(`restoring the baseline read back ${(0,port/* formatWeights */.V7)(after)}, expected ${(0,port/* formatWeights */.V7)(state.baseline.weights)}`, lastRead);
    }
    await router.writeMark(closed(mark ?? { state: 'done', owner: state.owner, baseline: state.baseline.weights, step: 0, deadline: 0 }), signal);
    return 'restored';
}

;// CONCATENATED MODULE: ./actions/canary-ramp/state-helper.ts
/**
 * What main leaves for the post entry (core.saveState writes it to GITHUB_STATE at once, so it
 * survives a killed process): the router config and the exact baseline, and whether the ramp ended.
 */

const KEY = 'canaryRamp';
function saveRampState(state) {
    core/* saveState */.LZ(KEY, JSON.stringify(state));
}
function loadRampState() {
    const text = core/* getState */.Gu(KEY);
    if (!text)
        return null;
    try {
        const s = JSON.parse(text);
        return s && (s.phase === 'in-progress' || s.phase === 'done') && s.router && s.baseline ? s : null;
    }
    catch {
        return null;
    }
}
/** `<run id>/<attempt>`: re-runs of one workflow run share the run id. */
function runOwner(env = process.env) {
    return `${env.GITHUB_RUN_ID || 'local'}/${env.GITHUB_RUN_ATTEMPT || '1'}`;
}

;// CONCATENATED MODULE: ./actions/canary-ramp/summary.ts
/** The job summary and the JSON report of a ramp: pure functions of its outcome. */



const ICON = { pass: '✅', fail: '❌', inconclusive: '⏸️', error: '⚠️' };
function stepRow(s) {
    const counts = ['pass', 'fail', 'inconclusive', 'error']
        .map((v) => [v, s.checks.filter((c) => c.verdict === v).length])
        .filter(([, n]) => n > 0)
        .map(([v, n]) => `${ICON[v]} ${n}`)
        .join(' ');
    const last = s.checks.at(-1);
    return `| ${s.percent}% | ${s.weights.stable} / ${s.weights.canary} | ${s.startedAt} | ${s.endedAt ?? ''} | ${counts || 'not analysed'} | ${s.outcome} | ${last ? `${last.verdict}: ${last.reason}`.replace(/\|/g, '\\|') : ''} |`;
}
/**
 * One point per check (and per weight change): the canary's weight and each objective's canary value
 * over time, and beside them the stable version's weight and values (`baseline`: null where the
 * check measured no baseline).
 */
function chartSeries(steps) {
    const t0 = steps.length ? Date.parse(steps[0].startedAt) : 0;
    const labels = [];
    const weight = [];
    const stableWeight = [];
    const metrics = new Map();
    const baseline = new Map();
    const append = (into, values) => {
        for (const key of new Set([...metrics.keys(), ...values.keys()])) {
            if (!into.has(key))
                into.set(key, Array(labels.length - 1).fill(null));
            into.get(key).push(values.get(key) ?? null);
        }
    };
    const point = (at, w, checked) => {
        labels.push(`${((Date.parse(at) - t0) / 60_000).toFixed(1)}m`);
        weight.push(w.canary);
        stableWeight.push(w.stable);
        append(metrics, new Map(checked.map((o) => [o.objective, o.canary.value])));
        append(baseline, new Map(checked.map((o) => [o.objective, o.baseline?.value ?? null])));
    };
    for (const s of steps) {
        point(s.startedAt, s.weights, []);
        for (const c of s.checks)
            point(c.at, s.weights, c.objectives);
    }
    return { labels, weight, stableWeight, metrics, baseline };
}
/** Mermaid lines cannot have gaps: the last known value carries over a check without data. */
function filled(values) {
    const known = values.filter((v) => v !== null);
    if (!known.length)
        return null;
    let last = known[0];
    return values.map((v) => +(v === null ? last : (last = v)).toPrecision(4));
}
function mermaid(steps) {
    const { labels, weight, stableWeight, metrics, baseline } = chartSeries(steps);
    if (labels.length < 2)
        return '';
    const xs = labels.map((l) => `"${l}"`).join(', ');
    // xychart-beta has no legend: the title names the lines in the order they are drawn.
    const charts = [
        ['xychart-beta', '  title "Weight (%): canary, stable"', `  x-axis [${xs}]`, '  y-axis "%" 0 --> 100', `  line [${weight.join(', ')}]`, `  line [${stableWeight.join(', ')}]`].join('\n'),
    ];
    for (const [name, values] of metrics) {
        const canary = filled(values);
        if (!canary)
            continue;
        const stable = filled(baseline.get(name) ?? []);
        const title = `${name.replace(/"/g, "'")}: canary${stable ? ', stable' : ''}`;
        charts.push(['xychart-beta', `  title "${title}"`, `  x-axis [${xs}]`, `  line [${canary.join(', ')}]`, ...(stable ? [`  line [${stable.join(', ')}]`] : [])].join('\n'));
    }
    return charts.map((c) => '```mermaid\n' + c + '\n```').join('\n\n');
}
/** The synthetic load of each baked step: where it went, at what rate, what it sent and what failed. */
function loadLines(steps) {
    const loaded = steps.filter((s) => s.load);
    if (!loaded.length)
        return [];
    const { tool, url, rate } = loaded[0].load;
    const sum = (key) => loaded.reduce((n, s) => n + s.load[key], 0).toLocaleString('en-US');
    return [
        `**Synthetic load** (${tool}) to ${url} at ${rate} requests/s during each bake, judged with the rest of the traffic: ${sum('requests')} requests, ${sum('non2xx')} non-2xx, ${sum('errors')} errors.`,
        '',
        ...loaded.map((s) => `- ${s.percent}%: ${(0,canary_ramp_load/* formatLoadStats */.zt)(s.load)}`),
        '',
    ];
}
function renderRampSummary(r) {
    const lines = [
        `## canary-ramp: ${r.result}`,
        '',
        `Resource: ${r.resource}. Baseline: ${(0,port/* formatWeights */.V7)(r.baseline)}. Now: ${r.weights ? (0,port/* formatWeights */.V7)(r.weights) : 'unknown'}.`,
        '',
    ];
    if (r.steps.length) {
        lines.push('| step | stable / canary | started | ended | checks | outcome | last verdict |', '|---|---|---|---|---|---|---|');
        lines.push(...r.steps.map(stepRow), '');
        // A step held for lack of traffic says how long and why.
        const waits = r.steps.filter((s) => s.waited);
        if (waits.length)
            lines.push(...waits.map((s) => `- ${s.percent}% waited ${(0,duration/* formatDuration */.a3)(s.waited.ms)} beyond its bake for min-requests: ${s.waited.reason}`), '');
        lines.push(...loadLines(r.steps));
        const chart = mermaid(r.steps);
        if (chart)
            lines.push(chart, '');
    }
    const verb = r.result === 'promoted' ? '**Promoted**' : r.result === 'rolled-back' ? '**Rolled back**' : r.result === 'dry-run' ? '**Dry run**' : '**Failed**';
    lines.push(`${verb}: ${r.reason}`);
    return lines.join('\n') + '\n';
}

;// CONCATENATED MODULE: ./actions/canary-ramp/main.ts















/** Where traffic stands and the exact ways to put `baseline` back, for when the action could not. */
function howToRestore(cfg, router, baseline, lastRead) {
    return (0,recovery/* restoreInstructions */.CU)(cfg, { resource: router.resource, baseline: baseline.weights, lastRead, cliCommand: router.restoreCommand?.(baseline) });
}
/**
 * `deadline` (epoch ms): ECS waits end there, so a deployment that never pauses cannot outlast the ramp's timeout.
 * The routers and their AWS clients load here, once the inputs are valid: a bad input fails without them.
 */
async function routerFor(cfg, deadline) {
    const { makeRouter } = await Promise.all(/* import() */[__webpack_require__.e(759), __webpack_require__.e(861), __webpack_require__.e(337), __webpack_require__.e(466), __webpack_require__.e(363)]).then(__webpack_require__.bind(__webpack_require__, 38363));
    return makeRouter(cfg, { call: (0,call/* retryingCall */.$)({ log: (m) => core/* warning */.$e(m) }), clock: clock/* systemClock */.m, log: (m) => core/* info */.pq(m), deadline });
}
async function main(signal) {
    // Every input first: a bad one fails here, before any AWS call.
    const inputs = readRampInputs();
    const gate = (0,metrics_gate/* readGateConfig */.Gg)();
    const warning = intervalWarning(inputs.settings.intervalMs, (0,sources/* metricPeriodMs */.s3)(gate));
    for (const w of [warning, timeoutWarning(inputs.settings.timeoutMs)])
        if (w)
            core/* warning */.$e(w);
    // Neither the load nor an ECS wait may outlast the ramp's timeout.
    const deadline = clock/* systemClock */.m.now() + inputs.settings.timeoutMs;
    // Synthetic load: its driver is loaded (and k6 looked for) only when load-url is set, before any AWS call.
    const load = inputs.load ? await (0,canary_ramp_load/* openLoad */.TZ)(inputs.load, { deadline, warn: (m) => core/* warning */.$e(m) }) : undefined;
    if (load)
        core/* info */.pq(`Synthetic load during every bake: ${load.description}.`);
    const router = await routerFor(inputs.router, deadline);
    // One metrics provider for the whole ramp, whichever the backend: a check every interval for hours
    // must not open a new connection and resolve credentials each time.
    const provider = await (0,factory/* openProvider */.C)(gate, gateOverrides(router.metricsScope()));
    const judge = (window, sig, ramp) => (0,metrics_gate/* evaluateGate */.DR)(gate, {}, { window, signal: sig, ramp }, { provider });
    let result;
    let recorded;
    try {
        result = await rampSession({ settings: { ...inputs.settings, warmupMs: gate.warmupMs }, bakeMs: inputs.bakeMs, dryRun: inputs.dryRun, takeover: inputs.takeover }, {
            router, judge, clock: clock/* systemClock */.m, signal, owner: runOwner(), load,
            saveState: (s) => {
                recorded = s.baseline;
                saveRampState({ ...s, router: inputs.router });
            },
            log: (m) => core/* info */.pq(m),
            warn: (m) => core/* warning */.$e(m),
        });
    }
    catch (err) {
        // Could not act (a concurrent ramp, a route shape we must not touch, a fault before the first
        // write): still a `result` for the workflow to branch on, and the why in the summary.
        core/* setOutput */.uH('result', 'failed');
        core/* setOutput */.uH('steps-completed', '0');
        await core/* summary */.z.addRaw(`## canary-ramp: failed\n\n**Failed**: ${(0,errors/* errorMessage */.g)(err)}\n`).write().catch(() => undefined);
        throw err;
    }
    const { stepsCompleted, lastRead, restoreFailed, ...report } = result;
    const help = restoreFailed ? howToRestore(inputs.router, router, recorded ?? { weights: report.baseline }, lastRead ?? null) : '';
    core/* setOutput */.uH('result', report.result);
    core/* setOutput */.uH('weights', JSON.stringify(report.weights));
    core/* setOutput */.uH('report', JSON.stringify(report));
    core/* setOutput */.uH('steps-completed', String(stepsCompleted));
    await core/* summary */.z.addRaw(renderRampSummary(report) + (help ? `\n\n**Traffic is not back at the baseline.**\n\n\`\`\`\n${help}\n\`\`\`\n` : '')).write();
    core/* info */.pq(`${report.result}: ${report.reason}`);
    if (report.result !== 'promoted' && report.result !== 'dry-run')
        core/* setFailed */.C1(`canary-ramp ${report.result}: ${report.reason}${help ? `\n${help}` : ''}`);
}
/** Restores the baseline when main did not reach a known state; never touches traffic after a clean end. */
async function post() {
    const state = loadRampState();
    const router = state ? await routerFor(state.router) : null;
    let outcome;
    try {
        outcome = await restoreSession(state, router, (m) => core/* info */.pq(m));
    }
    catch (err) {
        if (!(err instanceof RestoreFailedError))
            throw err;
        throw new Error(`canary-ramp post: ${err.message}\n${howToRestore(state.router, router, state.baseline, err.lastRead)}`);
    }
    switch (outcome) {
        case 'nothing-recorded':
            return core/* info */.pq('canary-ramp post: main recorded no ramp; nothing to do.');
        case 'left-alone':
            return core/* info */.pq('canary-ramp post: the ramp finished; traffic left as it is.');
        case 'taken-over':
            return core/* warning */.$e(`canary-ramp post: another run or the rollback action has taken over ${router.resource}; leaving its traffic alone.`);
        case 'restored':
            saveRampState({ ...state, phase: 'done' });
            return core/* warning */.$e(`canary-ramp post: the ramp did not finish; the baseline is restored on ${router.resource}.`);
    }
}
const action = { main, post };
/** main, or post once main has run: what the bundle runs, and what GitHub's local runner (@github/local-action) calls. */
function run() {
    return (0,runner/* runAction */.Cs)(action);
}


/***/ }),

/***/ 40301:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Aq: () => (/* binding */ ALB_ARN),
/* harmony export */   RA: () => (/* binding */ targetGroupDimension),
/* harmony export */   Tj: () => (/* binding */ loadBalancerDimension)
/* harmony export */ });
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(52251);
/**
 * Elastic Load Balancing ARNs → the CloudWatch dimension values of `AWS/ApplicationELB`: the one
 * mapping traffic (canary-ramp's ALB router) and metrics (slo-gate's `alb` preset) both use, so a
 * ramp judges exactly the load balancer and target groups it shifts.
 */

/** Every partition (aws, aws-cn, aws-us-gov, aws-iso…), its region and account. */
const PREFIX = String.raw `arn:aws(?:-[a-z]+)*:elasticloadbalancing:[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}:`;
/** Load balancer and target group names: 1-32 letters, digits and hyphens; ids are hex. */
const LB = String.raw `(app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+)`;
const TG = String.raw `(targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+)`;
const LISTENER = String.raw `${PREFIX}listener\/${LB}\/[0-9a-f]+`;
const RULE = String.raw `${PREFIX}listener-rule\/${LB}\/[0-9a-f]+\/[0-9a-f]+`;
/**
 * The full ARNs the ALB router's inputs take: the same forms the dimensions below accept, so an ARN
 * the inputs let through cannot fail when the gate maps it to its dimensions mid-ramp.
 */
const ALB_ARN = {
    listener: new RegExp(`^${LISTENER}$`),
    rule: new RegExp(`^${RULE}$`),
    targetGroup: new RegExp(`^${PREFIX}${TG}$`),
};
/** The load balancer itself, its ARN, or one of its listeners' or listener rules' ARNs. */
const LB_FORMS = new RegExp(`^(?:${LB}|${PREFIX}loadbalancer\\/${LB}|${LISTENER}|${RULE})$`);
const TG_FORMS = new RegExp(`^(?:${PREFIX})?${TG}$`);
/**
 * The `LoadBalancer` dimension (`app/<name>/<id>`) from itself or from the ARN of an application
 * load balancer, one of its listeners or one of their rules; an InputError naming `input` otherwise.
 */
function loadBalancerDimension(value, input) {
    const m = LB_FORMS.exec(value.trim());
    const found = m?.slice(1).find(Boolean);
    if (!found) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d(`Input "${input}": "${value}" is not an application load balancer; expected app/<name>/<id>, or the ARN of the load balancer, a listener or a listener rule (arn:<partition>:elasticloadbalancing:<region>:<account>:listener/app/<name>/<id>/<listener-id>).`);
    }
    return found;
}
/** The `TargetGroup` dimension (`targetgroup/<name>/<id>`) from itself or its ARN; an InputError naming `input` otherwise. */
function targetGroupDimension(value, input) {
    const m = TG_FORMS.exec(value.trim());
    if (!m)
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d(`Input "${input}": "${value}" is not a target group; expected targetgroup/<name>/<id> or its ARN (arn:<partition>:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>).`);
    return m[1];
}


/***/ }),

/***/ 95872:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   o: () => (/* binding */ parseHeaderLines),
/* harmony export */   s: () => (/* binding */ maskCredentialHeaders)
/* harmony export */ });
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(52251);
/* harmony import */ var _secrets_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(19039);
/**
 * Request headers given as an input, one `Name: value` per line (smoke-test's `headers`,
 * canary-ramp's `load-headers`): parsed without ever repeating a value in an error, and the values
 * of credential-like names masked in every form they travel in.
 */


const HEADER_FORM = 'one "Name: value" per line';
/** RFC 9110 token characters. */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
/** Header names that carry credentials: their values are masked before anything could print them. */
const CREDENTIAL_HEADER = /auth|token|secret|key|password|passwd|cookie|session|signature|credential/i;
/** `Name: value` lines of input `input`; a bad line is named by its number only, since its value may be a credential. */
function parseHeaderLines(text, input) {
    const out = {};
    const lines = text.split(/\r?\n/).map((l) => l.trim());
    lines.forEach((line, i) => {
        if (!line || line.startsWith('#'))
            return;
        const colon = line.indexOf(':');
        const name = colon > 0 ? line.slice(0, colon).trim() : '';
        if (!HEADER_NAME.test(name))
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d(`Input "${input}": line ${i + 1} is not a header; expected ${HEADER_FORM}.`);
        const value = line.slice(colon + 1).trim();
        // A header value cannot hold a line break (the lines are split on them) nor other control characters.
        if (/[\0-\x08\x0a-\x1f\x7f]/.test(value))
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d(`Input "${input}": the value of ${name} (line ${i + 1}) holds a control character; expected ${HEADER_FORM}.`);
        const existing = Object.keys(out).find((k) => k.toLowerCase() === name.toLowerCase());
        if (existing)
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d(`Input "${input}": ${name} is given twice; expected ${HEADER_FORM}, each name once.`);
        out[name] = value;
    });
    return out;
}
/**
 * Masks the value of every credential-like header in `text`, as written and as it travels (a
 * Bearer token alone, Basic's user:password pair). Reads the raw lines, so it also covers values a
 * failed parse never reached.
 */
function maskCredentialHeaders(text) {
    for (const line of text.split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon <= 0 || !CREDENTIAL_HEADER.test(line.slice(0, colon)))
            continue;
        const value = line.slice(colon + 1).trim();
        if (!value)
            continue;
        (0,_secrets_js__WEBPACK_IMPORTED_MODULE_1__/* .maskSecret */ .$l)(value);
        const scheme = /^(\S+)\s+(\S.*)$/.exec(value);
        if (!scheme)
            continue;
        if (/^bearer$/i.test(scheme[1]))
            (0,_secrets_js__WEBPACK_IMPORTED_MODULE_1__/* .maskBearerToken */ .jh)(scheme[2]);
        else if (/^basic$/i.test(scheme[1])) {
            const pair = Buffer.from(scheme[2], 'base64').toString('utf8');
            const sep = pair.indexOf(':');
            if (sep >= 0)
                (0,_secrets_js__WEBPACK_IMPORTED_MODULE_1__/* .maskBasicAuth */ .H8)(pair.slice(0, sep), pair.slice(sep + 1));
        }
        else
            (0,_secrets_js__WEBPACK_IMPORTED_MODULE_1__/* .maskSecret */ .$l)(scheme[2]);
    }
}


/***/ }),

/***/ 46789:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   l: () => (/* binding */ runbook)
/* harmony export */ });
/* unused harmony export RUNBOOKS */
/**
 * Where a person reads what to do next, for the errors an action cannot resolve itself. The links
 * point into the major the actions ship from; test/docs/runbooks.test.ts checks every section exists.
 */
const BASE = 'https://github.com/mesh-actions/mesh-actions/blob/v1/';
const RUNBOOKS = {
    restore: 'docs/runbooks/failed-or-stuck-ramp.md#failed-could-not-restore',
    smokeTest: 'docs/runbooks/failed-or-stuck-ramp.md#smoke-test-failed',
    trivyFindings: 'docs/runbooks/trivy-gate.md#the-gate-found-vulnerabilities',
    trivyInstall: 'docs/runbooks/trivy-gate.md#trivy-was-not-installed-or-refused',
};
function runbook(which) {
    return `Runbook: ${BASE}${RUNBOOKS[which]}`;
}


/***/ }),

/***/ 56910:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $: () => (/* binding */ retryingCall)
/* harmony export */ });
/* harmony import */ var _common_retry_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(72804);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(52251);
/**
 * Every AWS call a router makes goes through one of these: full-jitter retries of throttling, 5xx and
 * resets on an injectable clock, so tests drive faults without waiting and logs say what was retried.
 * The caller's signal (a ramp's deadline and cancellation, a restore's own budget) reaches every
 * attempt as the SDK's abortSignal and stops the retries, so a hung call cannot outlast it.
 */


function retryingCall(opts = {}) {
    return (what, fn, signal) => (0,_common_retry_js__WEBPACK_IMPORTED_MODULE_0__/* .withRetry */ .bD)(() => fn(signal), {
        attempts: 6,
        baseMs: 250,
        capMs: 10_000,
        ...opts,
        signal,
        onRetry: (err, attempt, delay) => opts.log?.(`${what}: ${(0,_common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .g)(err)}; retry ${attempt} in ${delay} ms`),
    });
}


/***/ }),

/***/ 7009:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ML: () => (/* binding */ sameWeights),
/* harmony export */   NK: () => (/* binding */ weightsFor),
/* harmony export */   O_: () => (/* binding */ ROUTER_KINDS),
/* harmony export */   V7: () => (/* binding */ formatWeights),
/* harmony export */   j1: () => (/* binding */ RouterStateError)
/* harmony export */ });
const ROUTER_KINDS = ['alb', 'ecs', 'appmesh'];
function weightsFor(canaryPercent) {
    return { stable: 100 - canaryPercent, canary: canaryPercent };
}
function sameWeights(a, b) {
    return a.stable === b.stable && a.canary === b.canary;
}
function formatWeights(w) {
    return `stable ${w.stable}% / canary ${w.canary}%`;
}
/** The backend is not in a shape the router can drive (e.g. a third target group carrying traffic). */
class RouterStateError extends Error {
    constructor(message) {
        super(message);
        this.name = 'RouterStateError';
    }
}


/***/ }),

/***/ 2333:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CU: () => (/* binding */ restoreInstructions),
/* harmony export */   ZL: () => (/* binding */ shellQuote),
/* harmony export */   w$: () => (/* binding */ RESTORE_BUDGET_MS)
/* harmony export */ });
/* unused harmony exports weightsPerTarget, workflowTarget */
/* harmony import */ var _lib_runbooks_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(46789);
/* harmony import */ var _port_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7009);


/**
 * How long putting traffic back may take (canary-ramp's restore after a timeout, failure or
 * cancellation; post; the rollback action): its own budget, never the ramp's or the runner's
 * signals, so a ramp out of time or cancelled still restores. It covers the reads and the write
 * with their retries; after it the state is left for post and the rollback action.
 */
const RESTORE_BUDGET_MS = 60_000;
/** One argument for a POSIX shell, whatever it contains. */
function shellQuote(text) {
    return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
/** The two sides by their names on the backend: `stable targetgroup ARN 80%, canary targetgroup ARN 20%`. */
function weightsPerTarget(cfg, w) {
    switch (cfg.kind) {
        case 'alb':
            return `stable target group ${cfg.stableTargetGroupArn} ${w.stable}%, canary target group ${cfg.canaryTargetGroupArn} ${w.canary}%`;
        case 'appmesh':
            return `stable virtual node ${cfg.stableNode} ${w.stable}%, canary virtual node ${cfg.canaryNode} ${w.canary}%`;
        case 'ecs':
            return `the running revision ${w.stable}%, the new revision ${w.canary}% of production traffic`;
    }
}
/** The rollback action's router inputs, in the order of its action.yml. */
function rollbackInputs(cfg) {
    switch (cfg.kind) {
        case 'alb':
            return [
                cfg.ruleArn ? ['rule-arn', cfg.ruleArn] : ['listener-arn', cfg.listenerArn],
                ['stable-target-group-arn', cfg.stableTargetGroupArn],
                ['canary-target-group-arn', cfg.canaryTargetGroupArn],
            ];
        case 'ecs':
            return [['cluster', cfg.cluster], ['service', cfg.service]];
        case 'appmesh':
            return [
                ['mesh', cfg.mesh], ['virtual-router', cfg.virtualRouter], ['route', cfg.route],
                ['stable-node', cfg.stableNode], ['canary-node', cfg.canaryNode],
                ...(cfg.meshOwner ? [['mesh-owner', cfg.meshOwner]] : []),
            ];
    }
}
/** rollback.yml's `target` input: the router's fields, space separated, in the order its first step reads them. */
function workflowTarget(cfg) {
    switch (cfg.kind) {
        case 'alb':
            return [cfg.ruleArn ?? cfg.listenerArn, cfg.stableTargetGroupArn, cfg.canaryTargetGroupArn].join(' ');
        case 'ecs':
            return `${cfg.cluster} ${cfg.service}`;
        case 'appmesh':
            return [cfg.mesh, cfg.virtualRouter, cfg.route, cfg.stableNode, cfg.canaryNode, ...(cfg.meshOwner ? [cfg.meshOwner] : [])].join(' ');
    }
}
/** Multi-line text for the step's error and the job summary. */
function restoreInstructions(cfg, help) {
    // Stable at 100 % needs no recorded ramp; any other baseline is the one the ramp mark recorded.
    const to = help.baseline.canary === 0 ? 'stable' : 'baseline';
    const standing = help.lastRead
        ? `Traffic on ${help.resource} as read last (${help.lastRead.at}): ${weightsPerTarget(cfg, help.lastRead.weights)}.`
        : `Traffic on ${help.resource} could not be read: where it stands is unknown.`;
    const lines = [
        standing,
        `Put it back to the baseline (${(0,_port_js__WEBPACK_IMPORTED_MODULE_1__/* .formatWeights */ .V7)(help.baseline)}) with any of:`,
        '- the rollback action, as a workflow step:',
        '    - uses: mesh-actions/mesh-actions/rollback@v1',
        '      with:',
        `        router: ${cfg.kind}`,
        ...rollbackInputs(cfg).map(([k, v]) => `        ${k}: ${v}`),
        `        to: ${to}`,
        `        region: ${cfg.region}`,
        `- the rollback workflow: gh workflow run rollback.yml -f router=${cfg.kind} -f target=${shellQuote(workflowTarget(cfg))} -f to=${to} -f region=${cfg.region} -f aws-role-arn=<deploy role ARN>`,
    ];
    if (help.cliCommand)
        lines.push(`- the AWS CLI: ${help.cliCommand} --region ${cfg.region}`);
    lines.push((0,_lib_runbooks_js__WEBPACK_IMPORTED_MODULE_0__/* .runbook */ .l)('restore'));
    return lines.join('\n');
}


/***/ }),

/***/ 64569:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   a: () => (/* binding */ readRouterConfig)
/* harmony export */ });
/* harmony import */ var _common_region_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(87968);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(52251);
/* harmony import */ var _lib_arn_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(40301);
/* harmony import */ var _lib_inputs_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(87721);
/* harmony import */ var _port_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7009);
/**
 * The router inputs shared by canary-ramp and rollback: which backend and the fields it needs,
 * validated before anything touches AWS. The config is plain data, so main can save it as state
 * and the post entry can rebuild the same router from it (./config.ts makeRouter). Nothing here
 * loads an AWS client: an action validates its inputs before it loads any backend.
 */





const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,254}$/;
function arnInput(name, pattern, example) {
    const v = (0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_3__/* .getString */ .AA)(name);
    if (!v)
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`Input "${name}" is required for router "alb" (e.g. ${example}).`);
    if (!pattern.test(v))
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`Input "${name}": "${v}" is not valid; expected an ARN like ${example}.`);
    return v;
}
function nameInput(name, router, example) {
    const v = (0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_3__/* .getString */ .AA)(name);
    if (!v)
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`Input "${name}" is required for router "${router}" (e.g. ${example}).`);
    if (!NAME.test(v))
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`Input "${name}": "${v}" is not valid; expected a name or ARN like ${example}.`);
    return v;
}
/** Reads `router` and its fields. Throws InputError naming the input and its accepted form. */
function readRouterConfig() {
    const kind = (0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_3__/* .getEnum */ .GV)('router', _port_js__WEBPACK_IMPORTED_MODULE_4__/* .ROUTER_KINDS */ .O_, '');
    if (!kind)
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`Input "router" is required: one of ${_port_js__WEBPACK_IMPORTED_MODULE_4__/* .ROUTER_KINDS */ .O_.join(' | ')}.`);
    const region = (0,_common_region_js__WEBPACK_IMPORTED_MODULE_0__/* .resolveRegion */ .Z)((0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_3__/* .getString */ .AA)('region'));
    switch (kind) {
        case 'alb': {
            const listener = (0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_3__/* .getString */ .AA)('listener-arn');
            const rule = (0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_3__/* .getString */ .AA)('rule-arn');
            if (!listener && !rule)
                throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d('Router "alb" needs input "listener-arn" (weights on the default action) or "rule-arn" (weights on one rule).');
            if (listener && rule)
                throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d('Inputs "listener-arn" and "rule-arn" are exclusive: give the one whose forward action carries the weights.');
            const listenerEx = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/app/my-alb/50dc6c495c0c9188/f2f7dc8efc522ab2';
            const ruleEx = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener-rule/app/my-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee';
            const tgEx = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/my-tg/73e2d6bc24d8a067';
            const stable = arnInput('stable-target-group-arn', _lib_arn_js__WEBPACK_IMPORTED_MODULE_2__/* .ALB_ARN */ .Aq.targetGroup, tgEx);
            const canary = arnInput('canary-target-group-arn', _lib_arn_js__WEBPACK_IMPORTED_MODULE_2__/* .ALB_ARN */ .Aq.targetGroup, tgEx);
            if (stable === canary)
                throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d('Inputs "stable-target-group-arn" and "canary-target-group-arn" must name two different target groups.');
            return {
                kind, region, stableTargetGroupArn: stable, canaryTargetGroupArn: canary,
                ...(listener ? { listenerArn: arnInput('listener-arn', _lib_arn_js__WEBPACK_IMPORTED_MODULE_2__/* .ALB_ARN */ .Aq.listener, listenerEx) } : { ruleArn: arnInput('rule-arn', _lib_arn_js__WEBPACK_IMPORTED_MODULE_2__/* .ALB_ARN */ .Aq.rule, ruleEx) }),
            };
        }
        case 'ecs':
            return { kind, region, cluster: nameInput('cluster', kind, 'prod'), service: nameInput('service', kind, 'orders') };
        case 'appmesh': {
            const cfg = {
                kind, region,
                mesh: nameInput('mesh', kind, 'prod-mesh'),
                virtualRouter: nameInput('virtual-router', kind, 'orders-router'),
                route: nameInput('route', kind, 'orders-route'),
                canaryNode: nameInput('canary-node', kind, 'orders-v2'),
                stableNode: nameInput('stable-node', kind, 'orders-v1'),
            };
            if (cfg.canaryNode === cfg.stableNode)
                throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d('Inputs "canary-node" and "stable-node" must name two different virtual nodes.');
            const owner = (0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_3__/* .getString */ .AA)('mesh-owner');
            if (owner && !/^\d{12}$/.test(owner))
                throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`Input "mesh-owner": "${owner}" is not valid; expected a 12-digit AWS account ID.`);
            return owner ? { ...cfg, meshOwner: owner } : cfg;
        }
    }
}


/***/ }),

/***/ 85096:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   d: () => (/* binding */ abortAfter)
/* harmony export */ });
/** Deadlines as AbortSignals: what bounds a call that might otherwise hang. */
/** Node clamps timers past 2^31-1 ms to 1 ms, which would abort at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** An AbortSignal that aborts (with a TimeoutError) after `ms`; one further away than a timer can wait never does. */
function abortAfter(ms) {
    return ms > MAX_TIMER_MS ? new AbortController().signal : AbortSignal.timeout(Math.max(0, ms));
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
