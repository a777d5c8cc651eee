export const id = 15;
export const ids = [15];
export const modules = {

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

/***/ 87721:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $J: () => (/* binding */ parseNumber),
/* harmony export */   AA: () => (/* binding */ getString),
/* harmony export */   Ds: () => (/* binding */ getDuration),
/* harmony export */   GV: () => (/* binding */ getEnum),
/* harmony export */   Jz: () => (/* binding */ getBool),
/* harmony export */   WZ: () => (/* binding */ getNumber),
/* harmony export */   iv: () => (/* binding */ getLines),
/* harmony export */   kA: () => (/* binding */ getRequired),
/* harmony export */   ke: () => (/* binding */ findNonFinite),
/* harmony export */   lS: () => (/* binding */ raw),
/* harmony export */   pC: () => (/* binding */ describeRange),
/* harmony export */   vS: () => (/* binding */ getList)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(41914);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(52251);
/* harmony import */ var _common_duration_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(76712);
/**
 * Typed readers over the runner's INPUT_* variables. Every failure is an InputError that names the
 * input and the accepted form, so a bad workflow fails before anything touches AWS.
 */



/** The raw value, trimmed; '' when unset (the root action passes every input, set or not). */
function raw(name) {
    return _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getInput */ .V4(name).trim();
}
function getString(name, fallback = '') {
    return raw(name) || fallback;
}
function getRequired(name, why = '') {
    const v = raw(name);
    if (!v)
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`Input "${name}" is required${why ? ` ${why}` : ''}.`);
    return v;
}
const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE']);
function getBool(name, fallback) {
    const v = raw(name);
    if (!v)
        return fallback;
    if (TRUE.has(v))
        return true;
    if (FALSE.has(v))
        return false;
    throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`Input "${name}": "${v}" is not a boolean; expected true or false.`);
}
function getEnum(name, allowed, fallback) {
    const v = raw(name);
    if (!v)
        return fallback;
    if (allowed.includes(v))
        return v;
    throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`Input "${name}": "${v}" is not one of ${allowed.join(' | ')}.`);
}
/** Plain decimal notation, optionally with an exponent: no hex, no Infinity, no digits other than 0-9. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** `a whole number from 0 to 1000`: for messages and the documentation of each input. */
function describeRange(range) {
    return `${range.integer ? 'a whole number' : 'a number'} from ${range.min} to ${range.max}`;
}
/**
 * A number from `text`, or an InputError naming `what` and the range. Every number an input carries
 * goes through here (or getDuration), so none can be NaN, Infinity or outside its documented range.
 */
function parseNumber(text, what, range) {
    const n = DECIMAL.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(n) || (range.integer && !Number.isInteger(n)) || n < range.min || n > range.max) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`${what}: "${text}" is not valid; expected ${describeRange(range)}.`);
    }
    return n;
}
function getNumber(name, fallback, range) {
    const v = raw(name);
    if (!v)
        return fallback;
    return parseNumber(v, `Input "${name}"`, range);
}
/** Milliseconds. Accepts s, m, h (and ms, d), combinable: 90s, 5m, 1h30m; refused outside `range`. */
function getDuration(name, fallback, range) {
    return (0,_common_duration_js__WEBPACK_IMPORTED_MODULE_2__/* .parseDuration */ .E9)(raw(name) || fallback, `Input "${name}"`, range);
}
/** The JSON path of the first number that is not finite (JSON.parse turns 1e400 into Infinity), or null. */
function findNonFinite(value, path = '$') {
    if (typeof value === 'number')
        return Number.isFinite(value) ? null : path;
    if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
            const found = findNonFinite(value[i], `${path}[${i}]`);
            if (found)
                return found;
        }
    }
    else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
            const found = findNonFinite(v, `${path}.${k}`);
            if (found)
                return found;
        }
    }
    return null;
}
/** Items separated by commas or new lines, blanks dropped. */
function getList(name) {
    return raw(name).split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
}
/** One item per line (commas kept), blanks and #-comments dropped. */
function getLines(name) {
    return _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getInput */ .V4(name).split(/\r?\n/).map((s) => s.trim()).filter((s) => s && !s.startsWith('#'));
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

/***/ 53266:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Cs: () => (/* binding */ runAction),
/* harmony export */   cc: () => (/* binding */ CancelledError)
/* harmony export */ });
/* unused harmony exports isPost, cancellationSignal */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(41914);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(52251);
/* harmony import */ var _runner_state_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(16574);
/**
 * The thin part every action entry shares: main vs post (one bundle serves both, as in
 * docker/build-push-action), cancellation as an AbortSignal, and errors turned into a failed step.
 */



/** Through core.getState, not the environment: GitHub's local runner keeps state in memory. */
function isPost() {
    return _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getState */ .Gu(_runner_state_js__WEBPACK_IMPORTED_MODULE_2__/* .IS_POST_STATE */ .O) === 'true';
}
/**
 * SIGINT/SIGTERM (the runner cancelling the job) abort the signal so loops can stop in a known state.
 * The handlers stay installed for the life of the process: a second Ctrl-C or the runner's SIGTERM
 * after its SIGINT must not kill a restore half-way (Node's default for a signal without a handler),
 * so later signals are only logged. Every restore has its own bounded budget, so the process still ends.
 */
function cancellationSignal() {
    const controller = new AbortController();
    const onSignal = (sig) => {
        if (!controller.signal.aborted) {
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`Received ${sig}: stopping.`);
            controller.abort(new CancelledError(sig));
        }
        else {
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`Received ${sig} again: ignored while traffic is put back in a known state (bounded; the step ends when it is).`);
        }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    return controller.signal;
}
class CancelledError extends Error {
    signalName;
    constructor(signalName) {
        super(`cancelled by ${signalName}`);
        this.signalName = signalName;
        this.name = 'CancelledError';
    }
}
async function runAction(entry) {
    const post = isPost();
    if (!post)
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(_runner_state_js__WEBPACK_IMPORTED_MODULE_2__/* .IS_POST_STATE */ .O, 'true');
    const signal = cancellationSignal();
    try {
        if (post)
            await entry.post?.(signal);
        else
            await entry.main(signal);
    }
    catch (err) {
        if (!(err instanceof _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d) && err instanceof Error && err.stack)
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz(err.stack);
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setFailed */ .C1((0,_common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .g)(err));
    }
}


/***/ }),

/***/ 51015:
/***/ ((module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
__webpack_require__.r(__webpack_exports__);
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(55434);
// The action's entry in the one bundle: the runner starts dist/rollback.js, which loads it, for main and again for post.

await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .e)();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 55434:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   e: () => (/* binding */ run)
/* harmony export */ });
/* unused harmony export action */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(41914);
/* harmony import */ var _common_clock_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(74376);
/* harmony import */ var _common_deadline_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(85096);
/* harmony import */ var _lib_runner_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(53266);
/* harmony import */ var _traffic_call_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(56910);
/* harmony import */ var _traffic_recovery_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(2333);
/* harmony import */ var _plan_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(85432);







async function main() {
    const inputs = (0,_plan_js__WEBPACK_IMPORTED_MODULE_5__/* .readRollbackInputs */ .K)();
    // The routers and their AWS clients load once the inputs are valid: a bad input fails without them.
    const [{ makeRouter }, { rollBack }] = await Promise.all([Promise.all(/* import() */[__webpack_require__.e(759), __webpack_require__.e(861), __webpack_require__.e(337), __webpack_require__.e(466), __webpack_require__.e(363)]).then(__webpack_require__.bind(__webpack_require__, 38363)), __webpack_require__.e(/* import() */ 707).then(__webpack_require__.bind(__webpack_require__, 17707))]);
    const router = makeRouter(inputs.router, { call: (0,_traffic_call_js__WEBPACK_IMPORTED_MODULE_3__/* .retryingCall */ .$)({ log: (m) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(m) }), clock: _common_clock_js__WEBPACK_IMPORTED_MODULE_1__/* .systemClock */ .m, log: (m) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(m) });
    // Its own budget, not the runner's signals: a second Ctrl-C must not leave a half-written rollback.
    const result = await rollBack(router, inputs.to, (0,_common_deadline_js__WEBPACK_IMPORTED_MODULE_6__/* .abortAfter */ .d)(_traffic_recovery_js__WEBPACK_IMPORTED_MODULE_4__/* .RESTORE_BUDGET_MS */ .w$));
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Before: ${JSON.stringify(result.before)}`);
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`After:  ${JSON.stringify(result.after)}`);
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(result.message);
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH('changed', String(result.changed));
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH('before', JSON.stringify(result.before));
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH('after', JSON.stringify(result.after));
    await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .summary */ .z.addRaw(`## rollback\n\n${result.message}\n\n| | |\n|---|---|\n| before | \`${JSON.stringify(result.before)}\` |\n| after | \`${JSON.stringify(result.after)}\` |\n`).write();
}
const action = { main };
/** main, or post once main has run: what the bundle runs, and what GitHub's local runner (@github/local-action) calls. */
function run() {
    return (0,_lib_runner_js__WEBPACK_IMPORTED_MODULE_2__/* .runAction */ .Cs)(action);
}


/***/ }),

/***/ 85432:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   K: () => (/* binding */ readRollbackInputs),
/* harmony export */   b: () => (/* binding */ targetWeights)
/* harmony export */ });
/* harmony import */ var _lib_inputs_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(87721);
/* harmony import */ var _traffic_router_inputs_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(64569);
/* harmony import */ var _traffic_port_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7009);
/** rollback's inputs and the pure choice of target weights. */



function readRollbackInputs() {
    return { router: (0,_traffic_router_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .readRouterConfig */ .a)(), to: (0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_0__/* .getEnum */ .GV)('to', ['stable', 'baseline'], 'stable') };
}
/** stable → stable 100 %; baseline → the weights the last ramp recorded before it started. */
function targetWeights(to, mark, resource) {
    if (to === 'stable')
        return { weights: (0,_traffic_port_js__WEBPACK_IMPORTED_MODULE_2__/* .weightsFor */ .NK)(0), why: 'stable takes all traffic' };
    if (!mark) {
        throw new _traffic_port_js__WEBPACK_IMPORTED_MODULE_2__/* .RouterStateError */ .j1(`no canary ramp is recorded on ${resource}, so its baseline is unknown; use to: stable`);
    }
    return { weights: mark.baseline, why: `the baseline run ${mark.owner} recorded before its ramp (${(0,_traffic_port_js__WEBPACK_IMPORTED_MODULE_2__/* .formatWeights */ .V7)(mark.baseline)})` };
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

/***/ 76712:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   E9: () => (/* binding */ parseDuration),
/* harmony export */   HZ: () => (/* binding */ tryParseDuration),
/* harmony export */   Lu: () => (/* binding */ formatRange),
/* harmony export */   a3: () => (/* binding */ formatDuration),
/* harmony export */   ec: () => (/* binding */ DURATION_FORM)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(52251);

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
const DURATION_FORM = 'a number with a unit: ms, s, m, h or d, combinable (e.g. 90s, 5m, 1h30m)';
/** `from 1m to 24h`: for messages and the documentation of each input. */
function formatRange(range) {
    return `from ${range.min === 0 ? '0s' : formatDuration(range.min)} to ${formatDuration(range.max)}`;
}
/** The sum as written, which may be Infinity (`1<400 zeros>h`); null when the text is not a duration. */
function sumDuration(text) {
    const s = text.trim();
    if (s === '')
        return null;
    PART.lastIndex = 0;
    let total = 0;
    let consumed = 0;
    let m;
    while ((m = PART.exec(s)) !== null) {
        total += Number(m[1]) * UNIT_MS[m[2]];
        consumed = PART.lastIndex;
    }
    if (consumed !== s.length)
        return null;
    return Math.round(total);
}
/**
 * Parses `2s`, `90s`, `1h30m`, `250ms`. Returns milliseconds; `null` when the text is not a duration
 * or too large to be a finite number of milliseconds.
 */
function tryParseDuration(text) {
    const ms = sumDuration(text);
    return ms !== null && Number.isFinite(ms) ? ms : null;
}
/**
 * Like tryParseDuration, but throws an InputError naming `what`, the accepted form and, with a
 * `range`, the accepted span. Without one the value still has to be finite.
 */
function parseDuration(text, what, range) {
    const ms = sumDuration(text);
    const span = range ? ` ${formatRange(range)}` : '';
    if (ms === null)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d(`${what}: "${text}" is not a duration; expected ${DURATION_FORM}${span}`);
    if (!Number.isFinite(ms) || (range && (ms < range.min || ms > range.max))) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d(`${what}: "${text}" is out of range; expected ${range?.text ?? `a duration${span || ' of finite length'}`}`);
    }
    return ms;
}
/** 5400000 → "1h30m"; 1500 → "1.5s". For messages and summaries. */
function formatDuration(ms) {
    if (ms < 1000)
        return `${ms}ms`;
    if (ms % 1000 !== 0 && ms < 60_000)
        return `${ms / 1000}s`;
    let rest = Math.round(ms / 1000);
    const h = Math.floor(rest / 3600);
    rest -= h * 3600;
    const m = Math.floor(rest / 60);
    const s = rest - m * 60;
    return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}


/***/ }),

/***/ 87968:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Z: () => (/* binding */ resolveRegion)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(52251);
/** The AWS region an action works in: its own module, so validating inputs loads no SDK code. */

function resolveRegion(input) {
    const region = input?.trim() || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
    if (!region)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d('Input "region" is required when neither AWS_REGION nor AWS_DEFAULT_REGION is set (e.g. eu-central-1).');
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d(`Input "region": "${region}" is not an AWS region name (e.g. eu-central-1).`);
    return region;
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
