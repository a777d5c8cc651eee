export const id = 547;
export const ids = [547];
export const modules = {

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

/***/ 19039:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $l: () => (/* binding */ maskSecret),
/* harmony export */   Ef: () => (/* binding */ redactServerText),
/* harmony export */   H8: () => (/* binding */ maskBasicAuth),
/* harmony export */   fp: () => (/* binding */ redactSecrets),
/* harmony export */   gn: () => (/* binding */ maskUrlCredentials),
/* harmony export */   jh: () => (/* binding */ maskBearerToken),
/* harmony export */   uQ: () => (/* binding */ decodeUserinfo)
/* harmony export */ });
/* unused harmony export SERVER_TEXT_LIMIT */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(41914);
/**
 * One place that masks credentials. The runner hides only the exact strings it is given, and a
 * credential rarely travels as itself: HTTP Basic sends base64 of `user:password`, a URL holds it
 * percent-encoded, a JSON error body escapes it, a server may echo the whole Authorization header.
 * So every credential is registered with `core.setSecret` in each form it can take, before the first
 * call that uses it, and text that comes back from a server goes through `redactServerText` before
 * it reaches an error or a log line.
 */

/** Every string registered so far, for redaction in this process (the runner masks the log). */
const known = new Set();
/** How much of a server's answer an error may quote. */
const SERVER_TEXT_LIMIT = 512;
const base64 = (text) => Buffer.from(text, 'utf8').toString('base64');
function register(value) {
    if (!value || known.has(value))
        return;
    known.add(value);
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setSecret */ .Pq(value);
}
/** The forms one secret value takes in transport: itself, base64 (padded and not), percent- and form-encoded, JSON-escaped. */
function encodings(secret) {
    const b64 = base64(secret);
    return [
        secret,
        b64,
        b64.replace(/=+$/, ''),
        encodeURIComponent(secret),
        new URLSearchParams({ v: secret }).toString().slice(2),
        JSON.stringify(secret).slice(1, -1),
    ];
}
/** Masks a secret (password, token, parameter value) and its encodings. The secret itself is registered first. */
function maskSecret(secret) {
    for (const form of encodings(secret))
        register(form);
}
/** Masks a username/password pair as HTTP Basic sends it: the password, base64 of `user:password`, and the header value. */
function maskBasicAuth(username, password) {
    maskSecret(password);
    const pair = base64(`${username}:${password}`);
    for (const form of [pair, pair.replace(/=+$/, ''), `Basic ${pair}`])
        register(form);
}
/** Masks a bearer token and its Authorization header value. */
function maskBearerToken(token) {
    maskSecret(token);
    register(`Bearer ${token}`);
}
/** A URL's userinfo, percent-decoded; the text as written when it does not decode. */
function decodeUserinfo(text) {
    try {
        return decodeURIComponent(text);
    }
    catch {
        return text;
    }
}
/** Masks credentials written into a URL (`https://user:password@host`), as written and as Basic auth sends them. */
function maskUrlCredentials(url) {
    if (!URL.canParse(url))
        return;
    const { username, password } = new URL(url);
    if (!password)
        return;
    // As written (percent-encoded in the URL) first: validation messages may quote the input as given.
    register(password);
    maskBasicAuth(decodeUserinfo(username), decodeUserinfo(password));
}
/** Authorization header values of any scheme, for credentials this process never saw (a server echoing another header). */
const AUTH_HEADER_VALUE = /\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
/** Text from a server (an error body, a tool's stderr) with every known secret form and any credential header value replaced by ***. */
function redactSecrets(text) {
    let out = text;
    // Longest first: a secret that contains another must go whole, not leave its remainder behind.
    for (const value of [...known].sort((a, b) => b.length - a.length))
        out = out.replaceAll(value, '***');
    return out.replace(AUTH_HEADER_VALUE, '$1 ***');
}
/** A server's answer as an error may quote it: redacted, then cut to `limit` characters. */
function redactServerText(text, limit = SERVER_TEXT_LIMIT) {
    const clean = redactSecrets(text);
    return clean.length > limit ? `${clean.slice(0, limit)}… (${clean.length - limit} more characters)` : clean;
}


/***/ }),

/***/ 6547:
/***/ ((module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
__webpack_require__.r(__webpack_exports__);
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(33787);
// The action's entry in the one bundle: the runner starts dist/smoke-test.js, which loads it, for main.

await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .e)();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 33787:
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
// EXTERNAL MODULE: ./actions/lib/headers.ts
var headers = __webpack_require__(95872);
// EXTERNAL MODULE: ./actions/lib/inputs.ts
var inputs = __webpack_require__(87721);
// EXTERNAL MODULE: ./actions/lib/runner.ts
var runner = __webpack_require__(53266);
// EXTERNAL MODULE: ./actions/lib/runbooks.ts
var runbooks = __webpack_require__(46789);
// EXTERNAL MODULE: ./actions/smoke-test/plan.ts
var smoke_test_plan = __webpack_require__(71012);
;// CONCATENATED MODULE: ./actions/smoke-test/smoke.ts
async function runSmoke(plan, deps) {
    const deadline = deps.clock.now() + plan.timeoutMs;
    let last = [];
    let round = 0;
    while (round < plan.attempts) {
        round++;
        const remaining = deadline - deps.clock.now();
        if (remaining <= 0)
            break;
        const opts = { headers: plan.headers, body: plan.body, grpcTls: plan.grpcTls, timeoutMs: Math.min(plan.requestTimeoutMs, remaining), signal: deps.signal };
        last = await Promise.all(plan.checks.map(async (check) => ({ ...(await deps.probe(check, opts)), check: check.line, round })));
        const failed = last.filter((c) => !c.ok);
        if (!failed.length)
            return { result: 'pass', rounds: round, checks: last, reason: `all ${last.length} check(s) passed in round ${round}` };
        deps.log(`round ${round}/${plan.attempts}: ${failed.length} of ${last.length} failed (${failed.map((f) => `${f.check}: ${f.got}`).join('; ')})`);
        if (round < plan.attempts && deadline - deps.clock.now() > plan.intervalMs)
            await deps.clock.sleep(plan.intervalMs, deps.signal);
        else if (round < plan.attempts)
            break;
    }
    const failed = last.filter((c) => !c.ok);
    const why = deps.clock.now() >= deadline || round < plan.attempts ? `the timeout came after ${round} round(s)` : `${round} round(s)`;
    return {
        result: 'fail', rounds: round, checks: last,
        reason: last.length ? `${failed.length} of ${last.length} check(s) still failing after ${why}: ${failed.map((f) => `${f.check} → ${f.got}`).join('; ')}` : `no round ran before the timeout`,
    };
}
function renderSmokeSummary(report) {
    const rows = report.checks.map((c) => `| ${c.ok ? '✅' : '❌'} | \`${c.check.replace(/\|/g, '\\|')}\` | ${c.got.replace(/\|/g, '\\|')} | ${c.ms} ms |`);
    return [
        `## smoke-test: ${report.result}`,
        '',
        `${report.reason}.`,
        '',
        '| | check | answer | time |',
        '|---|---|---|---|',
        ...rows,
        '',
    ].join('\n');
}

;// CONCATENATED MODULE: ./actions/smoke-test/main.ts








const action = {
    async main(signal) {
        // A test route may need a credential: masked before the inputs are read, so no error can print
        // it; other headers (x-canary: true) are not secrets to hide.
        (0,headers/* maskCredentialHeaders */.s)((0,inputs/* raw */.lS)('headers'));
        const plan = (0,smoke_test_plan/* readPlan */.m3)();
        // The HTTP and gRPC clients load once the checks are valid: a bad input fails without them.
        const { probe } = await Promise.all(/* import() */[__webpack_require__.e(33), __webpack_require__.e(840)]).then(__webpack_require__.bind(__webpack_require__, 46840));
        const report = await runSmoke(plan, { probe, clock: clock/* systemClock */.m, signal, log: (m) => core/* info */.pq(m) });
        core/* setOutput */.uH('result', report.result);
        core/* setOutput */.uH('report', JSON.stringify(report));
        await core/* summary */.z.addRaw(renderSmokeSummary(report)).write();
        if (report.result === 'fail')
            core/* setFailed */.C1(`smoke-test failed: ${report.reason}. No traffic was moved. ${(0,runbooks/* runbook */.l)('smokeTest')}`);
        else
            core/* info */.pq(`smoke-test passed: ${report.reason}.`);
    },
};
/** main: what the bundle runs, and what GitHub's local runner (@github/local-action) calls. */
function run() {
    return (0,runner/* runAction */.Cs)(action);
}


/***/ }),

/***/ 71012:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   W_: () => (/* binding */ statusMatches),
/* harmony export */   Wn: () => (/* binding */ describeStatus),
/* harmony export */   m3: () => (/* binding */ readPlan)
/* harmony export */ });
/* unused harmony exports CHECK_FORM, parseStatus, parseCheck, SMOKE_RANGES */
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(52251);
/* harmony import */ var _lib_headers_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(95872);
/* harmony import */ var _lib_inputs_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(87721);
/** smoke-test's inputs, turned into a plan of checks by pure functions: a bad line fails before any request. */



const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const CHECK_FORM = '"<METHOD> <http(s) url> [-> <status|2xx|200,204>] [contains <text>]" or "grpc <host:port> [<service>]"';
function bad(line, why) {
    return new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d(`Input "checks": "${line}" ${why}; expected ${CHECK_FORM}.`);
}
function parseStatus(text, line) {
    const cls = /^([1-5])xx$/i.exec(text);
    if (cls)
        return { kind: 'class', hundred: Number(cls[1]) };
    const codes = text.split(',').map((c) => c.trim());
    if (codes.length && codes.every((c) => /^[1-5]\d\d$/.test(c)))
        return { kind: 'codes', codes: codes.map(Number) };
    throw bad(line, `has status "${text}", not a code from 100 to 599, a class like 2xx, or a list like 200,204`);
}
function statusMatches(rule, status) {
    return rule.kind === 'class' ? Math.floor(status / 100) === rule.hundred : rule.codes.includes(status);
}
function describeStatus(rule) {
    return rule.kind === 'class' ? `${rule.hundred}xx` : rule.codes.join(' or ');
}
function parseCheck(line) {
    const grpc = /^grpc\s+(\S+)(?:\s+(\S+))?$/i.exec(line);
    if (grpc) {
        const [, target, service = ''] = grpc;
        if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(target) || Number(target.split(':')[1]) > 65535)
            throw bad(line, `has target "${target}", not host:port`);
        return { kind: 'grpc', line, target, service };
    }
    const http = /^([A-Za-z]+)\s+(\S+)(?:\s+->\s+(\S+))?(?:\s+contains\s+(.+))?$/.exec(line);
    if (!http)
        throw bad(line, 'is not a check');
    const [, method, url, status, contains] = http;
    if (!METHODS.includes(method.toUpperCase()))
        throw bad(line, `has method "${method}", not one of ${METHODS.join(' ')}`);
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        throw bad(line, `has URL "${url}", which is not absolute`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        throw bad(line, `has URL "${url}", not http(s)`);
    return { kind: 'http', line, method: method.toUpperCase(), url: parsed.href, expect: status ? parseStatus(status, line) : { kind: 'class', hundred: 2 }, ...(contains ? { contains: contains.trim() } : {}) };
}
/** The accepted span of every numeric input (documented in action.yml and the README). */
const SMOKE_RANGES = {
    'request-timeout': { min: 100, max: 60_000 },
    interval: { min: 0, max: 300_000 },
    timeout: { min: 1000, max: 3_600_000 },
    attempts: { min: 1, max: 100, integer: true },
};
function readPlan() {
    const checks = (0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .getLines */ .iv)('checks').map(parseCheck);
    if (!checks.length)
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d(`Input "checks" is required: one check per line, ${CHECK_FORM}.`);
    const requestTimeoutMs = (0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .getDuration */ .Ds)('request-timeout', '5s', SMOKE_RANGES['request-timeout']);
    const intervalMs = (0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .getDuration */ .Ds)('interval', '5s', SMOKE_RANGES.interval);
    const timeoutMs = (0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .getDuration */ .Ds)('timeout', '5m', SMOKE_RANGES.timeout);
    return {
        checks,
        headers: (0,_lib_headers_js__WEBPACK_IMPORTED_MODULE_1__/* .parseHeaderLines */ .o)((0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .raw */ .lS)('headers'), 'headers'),
        body: (0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .getString */ .AA)('body'),
        grpcTls: (0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .getBool */ .Jz)('grpc-tls', false),
        requestTimeoutMs,
        attempts: (0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .getNumber */ .WZ)('attempts', 10, SMOKE_RANGES.attempts),
        intervalMs,
        timeoutMs,
    };
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


/***/ })

};
