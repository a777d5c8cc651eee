export const id = 696;
export const ids = [696];
export const modules = {

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

/***/ 30751:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DR: () => (/* binding */ evaluateGate),
  Gg: () => (/* reexport */ readGateConfig),
  oU: () => (/* reexport */ renderGateSummary)
});

// UNUSED EXPORTS: resolveWindow, validateGate

// EXTERNAL MODULE: ./common/errors.ts
var errors = __webpack_require__(52251);
// EXTERNAL MODULE: ./common/clock.ts
var common_clock = __webpack_require__(74376);
// EXTERNAL MODULE: ./common/duration.ts
var duration = __webpack_require__(76712);
// EXTERNAL MODULE: ./actions/metrics/providers/port.ts
var port = __webpack_require__(95106);
// EXTERNAL MODULE: ./actions/metrics/providers/factory.ts
var factory = __webpack_require__(33639);
// EXTERNAL MODULE: ./actions/metrics/slo.ts
var slo = __webpack_require__(49556);
;// CONCATENATED MODULE: ./actions/metrics/stats.ts
/**
 * Fixed-sample tests, kept as the reference the judge is measured against (bench/slo-judge.ts runs
 * Kayenta's per-interval judgement with it); the judge itself decides with the anytime-valid
 * evidence of sequential.ts. Mann-Whitney U (the test Kayenta's judge uses) with an effect size. Exact p-values when the
 * samples are small enough to enumerate, with ties too (the permutation distribution of the
 * mid-ranks: the normal approximation is far too eager there, e.g. p 0.038 against an exact 0.105
 * for 3 of 10 canary minutes with errors against none); otherwise the normal approximation with
 * the tie correction and a continuity correction. The one-sided alternative asks "is x
 * stochastically greater (or less) than y?".
 */
/** Largest n·m for which the exact null distribution is enumerated (cached per (n, m)). */
const EXACT_MAX_PAIRS = 2500;
function mannWhitneyU(x, y, alternative) {
    const n = x.length;
    const m = y.length;
    if (n === 0 || m === 0)
        throw new Error('mannWhitneyU needs at least one value in each sample');
    const all = [...x.map((v) => ({ v, fromX: true })), ...y.map((v) => ({ v, fromX: false }))].sort((a, b) => a.v - b.v);
    // Mid-ranks for ties; tie sizes feed the variance correction.
    let rankSumX = 0;
    let tieTerm = 0;
    const midRanks = [];
    for (let i = 0; i < all.length;) {
        let j = i;
        while (j + 1 < all.length && all[j + 1].v === all[i].v)
            j++;
        const t = j - i + 1;
        const midRank = (i + j + 2) / 2;
        for (let k = i; k <= j; k++) {
            midRanks.push(midRank);
            if (all[k].fromX)
                rankSumX += midRank;
        }
        tieTerm += t * t * t - t;
        i = j + 1;
    }
    const u = rankSumX - (n * (n + 1)) / 2;
    const ps = u / (n * m);
    const effect = { u, probabilityOfSuperiority: ps, cliffsDelta: 2 * ps - 1 };
    if (n * m <= EXACT_MAX_PAIRS) {
        return { ...effect, method: 'exact', p: tieTerm === 0 ? exactP(u, n, m, alternative) : exactTiesP(midRanks, rankSumX, n, alternative) };
    }
    const N = n + m;
    const mean = (n * m) / 2;
    const variance = ((n * m) / 12) * (N + 1 - tieTerm / (N * (N - 1)));
    if (variance <= 0)
        return { ...effect, method: 'normal', z: 0, p: 1 };
    const sd = Math.sqrt(variance);
    const zOf = (d) => (d - Math.sign(d) * Math.min(0.5, Math.abs(d))) / sd;
    let z;
    let p;
    if (alternative === 'greater') {
        z = (u - mean - 0.5) / sd;
        p = normalSf(z);
    }
    else if (alternative === 'less') {
        z = (u - mean + 0.5) / sd;
        p = normalCdf(z);
    }
    else {
        z = zOf(u - mean);
        p = Math.min(1, 2 * normalSf(Math.abs(z)));
    }
    return { ...effect, method: 'normal', z, p };
}
function median(values) {
    if (values.length === 0)
        return NaN;
    // A typed array sorts numerically without a comparator call per comparison.
    const s = Float64Array.from(values).sort();
    const mid = s.length >> 1;
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
const exactCache = new Map();
/**
 * Cumulative null distribution of U for sizes (n, m): cdf[u] = P(U ≤ u). The counts are the
 * coefficients of the Gaussian binomial [n+m choose n]_q, built exactly with BigInt as
 * Π_{i=1..n} (1 − q^{m+i}) / (1 − q^i).
 */
function exactCdf(n, m) {
    const key = n <= m ? `${n},${m}` : `${m},${n}`;
    const cached = exactCache.get(key);
    if (cached)
        return cached;
    const [a, b] = n <= m ? [n, m] : [m, n];
    const deg = a * b;
    const c = new Array(deg + 1).fill(0n);
    c[0] = 1n;
    for (let i = 1; i <= a; i++) {
        const k = b + i;
        for (let j = deg; j >= k; j--)
            c[j] -= c[j - k]; // × (1 − q^k)
        for (let j = i; j <= deg; j++)
            c[j] += c[j - i]; // ÷ (1 − q^i), exact at every step
    }
    let total = 0n;
    for (const v of c)
        total += v;
    const cdf = new Float64Array(deg + 1);
    let run = 0n;
    for (let j = 0; j <= deg; j++) {
        run += c[j];
        cdf[j] = Number((run * 10n ** 18n) / total) / 1e18;
    }
    exactCache.set(key, cdf);
    return cdf;
}
function exactP(u, n, m, alternative) {
    const cdf = exactCdf(n, m);
    const deg = n * m;
    const le = (k) => (k < 0 ? 0 : k >= deg ? 1 : cdf[k]);
    const pLess = le(Math.floor(u)); // P(U ≤ u)
    const pGreater = 1 - le(Math.ceil(u) - 1); // P(U ≥ u)
    if (alternative === 'greater')
        return pGreater;
    if (alternative === 'less')
        return pLess;
    return Math.min(1, 2 * Math.min(pLess, pGreater));
}
/**
 * Exact p-value with ties: the permutation distribution of the rank sum of x over every way to pick
 * n of the N mid-ranks. Doubled mid-ranks are integers, so the distribution is a subset-sum count
 * (in floating point: the counts outgrow 2^53, only their ratios matter), built over the smaller
 * side; O(k²·N²) with k = min(n, m), at most ~5·10⁷ steps within EXACT_MAX_PAIRS.
 */
function exactTiesP(midRanks, rankSumX, n, alternative) {
    const N = midRanks.length;
    const k = Math.min(n, N - n);
    const scores = midRanks.map((r) => Math.round(2 * r));
    const total = scores.reduce((a, b) => a + b, 0);
    const maxSum = [...scores].sort((a, b) => b - a).slice(0, k).reduce((a, b) => a + b, 0);
    // dp[j·(maxSum+1) + s]: number of j-subsets of the scores seen so far with sum s.
    const width = maxSum + 1;
    const dp = new Float64Array((k + 1) * width);
    dp[0] = 1;
    let reach = 0;
    for (const sc of scores) {
        reach = Math.min(maxSum, reach + sc);
        for (let j = k; j >= 1; j--) {
            const row = j * width;
            const prev = row - width;
            for (let s = reach; s >= sc; s--)
                dp[row + s] += dp[prev + s - sc];
        }
    }
    // The statistic as a sum over the side the distribution counts: x itself, or y (= total − x).
    const observed = n === k ? Math.round(2 * rankSumX) : total - Math.round(2 * rankSumX);
    let all = 0;
    let le = 0;
    let ge = 0;
    for (let s = 0; s <= maxSum; s++) {
        const c = dp[k * width + s];
        all += c;
        if (s <= observed)
            le += c;
        if (s >= observed)
            ge += c;
    }
    // A large x rank sum is a small y rank sum.
    const [pLess, pGreater] = n === k ? [le / all, ge / all] : [ge / all, le / all];
    if (alternative === 'greater')
        return pGreater;
    if (alternative === 'less')
        return pLess;
    return Math.min(1, 2 * Math.min(pLess, pGreater));
}
/** The smallest p-value the test can give at these sizes (one-sided): below alpha or the test can never reject. */
function smallestPossibleP(n, m) {
    if (n === 0 || m === 0)
        return 1;
    if (n * m <= EXACT_MAX_PAIRS)
        return exactCdf(n, m)[0];
    return 0;
}
function normalCdf(z) {
    return 0.5 * erfc(-z / Math.SQRT2);
}
function normalSf(z) {
    return 0.5 * erfc(z / Math.SQRT2);
}
/** erfc with fractional error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit). */
function erfc(x) {
    const z = Math.abs(x);
    const t = 1 / (1 + 0.5 * z);
    const r = t *
        Math.exp(-z * z - 1.26551223 +
            t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
                t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? r : 2 - r;
}
/** Percentile q (0..100) of raw values, linear interpolation between order statistics (as numpy's default). */
function percentile(values, q) {
    if (values.length === 0)
        return NaN;
    const s = [...values].sort((a, b) => a - b);
    const pos = (q / 100) * (s.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

;// CONCATENATED MODULE: ./actions/metrics/sequential.ts
/**
 * Anytime-valid evidence for the judge: e-values that may be looked at after every period, for as
 * long as a step (or a whole ramp) lasts, without the false-fail rate growing with the number of
 * looks. Under the null hypothesis ("the canary is within its limit") each e-value is a
 * nonnegative supermartingale with mean at most 1, so by Ville's inequality the chance that it
 * EVER reaches 1/α is at most α (Ramdas, Grünwald, Vovk & Shafer, "Game-theoretic statistics and
 * safe anytime-valid inference", Statistical Science 2023).
 *
 * - Ratios of per-period values (p95 < 1.2x baseline): the paired log-ratios d = ln(canary) −
 *   ln(factor × baseline) of the same periods, tested for a positive mean with unknown variance by
 *   the scale-invariant Bayes factor (right-Haar prior on σ, normal prior on δ = μ/σ: Rouder et al.
 *   2009 with a fixed scale, mixed over a few scales), a test martingale on the scale-invariant
 *   filtration (Lai 1976; Pérez-Ortiz, Lardy, de Heide & Grünwald 2024). Only a positive mean counts
 *   (the value is taken at max(t, 0)), which is non-decreasing in every t, so a canary inside its
 *   margin is dominated, path by path, by one exactly at it.
 * - Error rates from request counts: a mixture likelihood ratio (mixture SPRT; Robbins 1970,
 *   Johari et al. 2017) over alternatives beyond the limit only, a supermartingale under every rate
 *   at or inside the limit. Against a threshold: binomial in the requests. Against the baseline:
 *   each failure is the canary's with probability ρs / (ρs + 1 − s) (s the canary's share of the
 *   period's requests, ρ its rate ratio), so the test holds `ρ ≤ factor` at any traffic split.
 *   Per-period drift beyond binomial noise (overdispersion φ, Pearson χ²/df) tempers the
 *   likelihood to the power 1/φ, as a quasi-likelihood does.
 *
 * Early detection comes from where the mixtures put their weight. Any mixing distribution keeps the
 * e-value valid; it only decides which alternatives are found fast. A mixture pays ln(1/w) nats for
 * the alternative w it finds, and a clearly bad canary must be found within two analysis intervals
 * of its step having min-requests, when it has shown only a handful of failures (errors 3 % against
 * 0.2 % at the 1 % step: about 7 in 4 minutes), so the weight sits on the effects a rollback is for
 * (1.5x to 90x beyond the limit) and little on subtle ones, which need hours of data whatever the
 * prior. Likewise the t mixture's scales match the per-period effect sizes δ = 1 to 6 of a canary
 * 1.3x to 2x beyond its margin (Grünwald, de Heide & Koolen, "Safe testing", JRSS B 2024, on
 * choosing the prior for growth under the alternatives that matter).
 */
function logSumExp(xs) {
    return logMeanExp(xs) + Math.log(xs.length);
}
function logMeanExp(xs) {
    const top = Math.max(...xs);
    if (top === -Infinity)
        return -Infinity;
    if (top === Infinity)
        return Infinity;
    let s = 0;
    for (const x of xs)
        s += Math.exp(x - top);
    return top + Math.log(s / xs.length);
}
/**
 * Prior scales g of δ² for the t mixture, equally weighted: per-period effects from δ ≈ 1.4 (a p95
 * 1.3x beyond its margin at low traffic) to δ ≈ 6 (a gross regression over many requests).
 */
const T_SCALES = [2, 8, 32];
function pairedStats(d) {
    let sum = 0;
    let sumSq = 0;
    for (const v of d) {
        sum += v;
        sumSq += v * v;
    }
    return { kind: 't', n: d.length, sum, sumSq };
}
/** The one-sided t-mixture e-value for "mean of d > 0" from the sums of d; needs two values for any evidence. */
function tMixture(st) {
    const { n } = st;
    const mean = n > 0 ? st.sum / n : 0;
    if (n < 2)
        return { logE: 0, n, mean, sd: NaN, t: NaN };
    const nu = n - 1;
    const ss = Math.max(0, st.sumSq - n * mean * mean);
    const sd = Math.sqrt(ss / nu);
    // Below rounding noise the differences are constant.
    const t = sd > 1e-12 * Math.max(1, Math.abs(mean)) ? (mean * Math.sqrt(n)) / sd : mean > 0 ? Infinity : mean < 0 ? -Infinity : 0;
    // Only evidence of a positive mean counts: the value at max(t, 0).
    const r = Math.max(t, 0) ** 2 / nu;
    const logs = T_SCALES.map((g) => {
        const spread = Math.log1p(n * g);
        const gain = Number.isFinite(r) ? Math.log1p(r) - Math.log1p(r / (1 + n * g)) : spread;
        return -0.5 * spread + ((nu + 1) / 2) * gain;
    });
    return { logE: logMeanExp(logs), n, mean, sd, t };
}
/** tMixture of the values themselves. O(n). */
function tMixtureLogE(d) {
    return tMixture(pairedStats(d));
}
/** Several steps' evidence as one: the same test over all their data. */
function poolStats(parts) {
    if (parts.length === 0)
        return null;
    if (parts.every((p) => p.kind === 't')) {
        return parts.reduce((a, b) => ({ kind: 't', n: a.n + b.n, sum: a.sum + b.sum, sumSq: a.sumSq + b.sumSq }), { kind: 't', n: 0, sum: 0, sumSq: 0 });
    }
    if (parts.every((p) => p.kind === 'lr' && p.logLR.length === RATE_STEPS.length)) {
        return { kind: 'lr', logLR: RATE_STEPS.map((_, k) => parts.reduce((a, p) => a + p.logLR[k], 0)) };
    }
    return null;
}
function statsLogE(st) {
    return st.kind === 't' ? tMixture(st).logE : rateMixture(st.logLR);
}
/**
 * Alternatives of the rate mixtures: how far beyond the limit, in log odds (threshold) or log rate
 * ratio (baseline), and their prior weights (sum 1). 80 % of the weight is on 3.3x to 90x beyond
 * the limit (steps 1.2 to 4.5), what a rollback is for; 20 % on 1.1x to 2x, which needs many
 * thousands of requests to show anyway and so loses little to its small weight.
 */
const RATE_STEPS = [0.1, 0.3, 0.7, 1.2, 1.8, 2.5, 3.5, 4.5];
const RATE_WEIGHTS = [0.05, 0.05, 0.1, 0.15, 0.15, 0.2, 0.15, 0.15];
/** The rate mixture's log e-value from the log likelihood ratio of each alternative. */
function rateMixture(logLR) {
    return logSumExp(logLR.map((l, k) => l + Math.log(RATE_WEIGHTS[k])));
}
const NO_RATE_EVIDENCE = (phi) => ({ logE: 0, phi, stats: { kind: 'lr', logLR: RATE_STEPS.map(() => 0) } });
const logit = (p) => Math.log(p / (1 - p));
const expit = (x) => 1 / (1 + Math.exp(-x));
/**
 * The overdispersion the periods show beyond binomial noise: Pearson's χ² of the failures around
 * each side's own rate, over its one-sided 90 % lower confidence bound's divisor (χ²/φ is χ² with df
 * degrees of freedom; Wilson-Hilferty quantile), at least 1. The point estimate χ²/df is above 1
 * half the time on binomial data and, with the few periods of a step's first minutes, often 1.5 or
 * more: it would throw away half the evidence of a canary that is plainly failing. The bound is 1
 * on binomial data 90 % of the time and close to χ²/df once there are tens of periods. Periods
 * where fewer than one failure is expected say little about dispersion and are left out; under
 * three degrees of freedom the binomial variance is taken as is.
 */
function overdispersion(sides) {
    let chi = 0;
    let df = 0;
    for (const c of sides) {
        let e = 0;
        let n = 0;
        c.events.forEach((v, i) => ((e += v), (n += c.trials[i])));
        if (n === 0 || e === 0 || e === n)
            continue;
        const p = e / n;
        let used = 0;
        c.events.forEach((v, i) => {
            const expected = c.trials[i] * p;
            if (expected < 1)
                return;
            chi += (v - expected) ** 2 / (expected * (1 - p));
            used++;
        });
        if (used > 1)
            df += used - 1;
    }
    if (df < 3)
        return 1;
    const z = 1.2816; // the standard normal's 90 % quantile
    const upper = df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
    return Math.max(1, chi / upper);
}
/** Log e-value that the failure rate is beyond `limit` (above it for 'greater'), from per-period counts. */
function rateVsThresholdLogE(c, limit, direction) {
    let e = 0;
    let n = 0;
    c.events.forEach((v, i) => ((e += v), (n += c.trials[i])));
    const phi = overdispersion([c]);
    if (n === 0 || !(limit > 0 && limit < 1))
        return NO_RATE_EVIDENCE(phi);
    const sign = direction === 'greater' ? 1 : -1;
    const logs = RATE_STEPS.map((step) => {
        const p = expit(logit(limit) + sign * step);
        return (e * Math.log(p / limit) + (n - e) * Math.log((1 - p) / (1 - limit))) / phi;
    });
    return { logE: rateMixture(logs), phi, stats: { kind: 'lr', logLR: logs } };
}
/**
 * Log e-value that the canary's failure rate is beyond `factor` × the baseline's, from counts of
 * the same periods (index i of canary and baseline is one period). Each failure of a period is the
 * canary's with probability ρs / (ρs + 1 − s): conditioning on the period's failures removes the
 * unknown baseline rate, and the per-period share s follows the traffic split as the ramp moves it.
 */
function rateRatioLogE(canary, baseline, factor, direction) {
    const phi = overdispersion([canary, baseline]);
    const periods = [];
    for (let i = 0; i < Math.min(canary.events.length, baseline.events.length); i++) {
        const [n, m, k, b] = [canary.trials[i], baseline.trials[i], canary.events[i], baseline.events[i]];
        if (n > 0 && m > 0 && k + b > 0)
            periods.push({ s: n / (n + m), k, b });
    }
    if (periods.length === 0 || !(factor > 0))
        return NO_RATE_EVIDENCE(phi);
    const sign = direction === 'greater' ? 1 : -1;
    // In odds: q/q0 = ρ(1 − s + fs) / (f(1 − s + ρs)) and (1 − q)/(1 − q0) = (1 − s + fs) / (1 − s + ρs).
    const logs = RATE_STEPS.map((step) => {
        const rho = factor * Math.exp(sign * step);
        const logRatio = Math.log(rho / factor);
        let l = 0;
        for (const { s, k, b } of periods) {
            const lift = Math.log((1 - s + factor * s) / (1 - s + rho * s));
            l += k * (logRatio + lift) + b * lift;
        }
        return l / phi;
    });
    return { logE: rateMixture(logs), phi, stats: { kind: 'lr', logLR: logs } };
}
/**
 * The ramp-level e-value of one objective from its steps' evidence (the finished steps', then the
 * current one's): a weighted average, over the steps the canary could have turned bad at, of one
 * mixture over all the data from that step on, Σ_s w_s E(pool(step s … now)), steps not reached
 * yet counting 1. Each term is a test supermartingale over the whole ramp (a mixture martingale
 * started at step s), so the average is one too: reaching 1/α anywhere in the ramp has probability
 * at most α. Evidence accumulates over the ramp, and a canary that turns bad only at a later step
 * is not held back by the healthy data of the earlier ones. Half the weight is on the first step
 * (a bad release is usually bad at every weight), the rest shared by the later ones.
 */
function rampLogE(steps, plannedSteps) {
    const total = Math.max(plannedSteps, steps.length, 1);
    const weight = (s) => (total === 1 ? 1 : s === 0 ? 0.5 : 0.5 / (total - 1));
    const terms = [];
    for (let s = 0; s < total; s++) {
        const pooled = s < steps.length ? poolStats(steps.slice(s)) : null;
        terms.push(Math.log(weight(s)) + (pooled ? statsLogE(pooled) : 0));
    }
    return logSumExp(terms);
}

;// CONCATENATED MODULE: ./actions/metrics/judge.ts



const DEFAULT_ALPHA = 0.05;
/** Objectives judged by evidence (and so given a share of alpha): ratios to the baseline and error rates. */
function isSequential(o) {
    return o.threshold.kind === 'relative' || (0,slo/* metricKind */.fK)(o.metric) === 'error-rate';
}
/**
 * The error rate of each objective's evidence: the gate's alpha split evenly over the objectives
 * judged by evidence (Bonferroni), so noise fails a healthy canary at most alpha of the time
 * however many objectives it has.
 */
function perObjectiveAlpha(gateAlpha, objectives) {
    return gateAlpha / Math.max(1, objectives.filter(isSequential).length);
}
const round = (v, digits = 4) => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : v);
function judge_valueOf(o) {
    return o?.kind === 'value' ? o.value : null;
}
function samplesOf(o) {
    return o?.kind === 'value' ? o.samples.length : 0;
}
function whyMissing(o, who) {
    if (!o)
        return `no ${who} data`;
    if (o.kind === 'no-data')
        return `no ${who} data: ${o.reason}`;
    if (o.kind === 'error')
        return `${who} query failed: ${o.message}`;
    return '';
}
/**
 * Indexes of the periods both targets have: by period start when both carry times (both ascending:
 * one merge pass), otherwise the last periods of each (both series end with the window).
 */
function pairPeriods(canary, baseline) {
    const c = [];
    const b = [];
    if (canary.times && baseline.times) {
        const [tc, tb] = [canary.times, baseline.times];
        for (let i = 0, j = 0; i < tc.length && j < tb.length;) {
            if (tc[i] === tb[j]) {
                c.push(i++);
                b.push(j++);
            }
            else if (tc[i] < tb[j])
                i++;
            else
                j++;
        }
        return { c, b };
    }
    const k = Math.min(canary.samples.length, baseline.samples.length);
    const [dn, dm] = [canary.samples.length - k, baseline.samples.length - k];
    for (let i = 0; i < k; i++) {
        c.push(dn + i);
        b.push(dm + i);
    }
    return { c, b };
}
function pick(c, idx) {
    return { events: idx.map((i) => c.events[i]), trials: idx.map((i) => c.trials[i]) };
}
/** The e-value the verdict compares (over the ramp's steps when given) against 1/alpha. */
function weigh(step, opts) {
    const earlier = opts.ramp?.earlier ?? [];
    const planned = opts.ramp?.plannedSteps ?? 1;
    const logE = rampLogE([...earlier, step], planned);
    const scope = opts.ramp ? `over the ramp (step ${earlier.length + 1} of ${Math.max(planned, earlier.length + 1)})` : 'over the window';
    return { step, stepLogE: round(statsLogE(step), 6), eValue: round(Math.exp(logE)), threshold: round(1 / opts.alpha), scope };
}
function judgeObjective(obj, canary, baseline, opts) {
    const base = {
        objective: obj.text,
        canary: { value: judge_valueOf(canary), samples: samplesOf(canary) },
        ...(obj.threshold.kind === 'relative' || baseline ? { baseline: { value: judge_valueOf(baseline), samples: samplesOf(baseline) } } : {}),
    };
    if (canary?.kind !== 'value')
        return missing(base, canary, 'canary', opts);
    if (obj.threshold.kind === 'absolute')
        return judgeAbsolute(obj, obj.threshold, canary, base, opts);
    if (baseline?.kind !== 'value')
        return missing(base, baseline, 'baseline', opts);
    return judgeRelative(obj, obj.threshold.factor, canary, baseline, base, opts);
}
/**
 * No value to judge. A failed query is not an idle target: on-no-data: pass must not let a refused
 * or misconfigured query (IAM, several series) pass the gate, so it is at best inconclusive.
 */
function missing(base, o, who, opts) {
    const why = whyMissing(o, who);
    const verdict = o?.kind === 'error' && opts.onNoData === 'pass' ? 'inconclusive' : opts.onNoData;
    return {
        ...base,
        verdict,
        test: { name: 'none' },
        reason: opts.onNoData === 'inconclusive' ? why : verdict === opts.onNoData ? `${why} (on-no-data: ${opts.onNoData})` : `${why} (a failed query is not no data: on-no-data: pass does not apply)`,
        ...(verdict === 'inconclusive' && o?.kind === 'no-data' && o.tooFewRequests ? { awaitingData: true } : {}),
    };
}
/** `error-rate < 1%`, `p95 < 300ms`: an error rate with counts by evidence, anything else by its value. */
function judgeAbsolute(obj, threshold, canary, base, opts) {
    const { value: limit, unit } = threshold;
    const direction = (0,slo/* worseDirection */.oJ)(obj.comparator);
    const beyond = direction === 'greater' ? 'above' : 'below';
    const ok = (0,slo/* satisfies */.ib)(obj.comparator, canary.value, limit);
    const describe = `canary ${obj.metric} ${fmt(canary.value, unit)}`;
    if ((0,slo/* metricKind */.fK)(obj.metric) === 'error-rate' && canary.counts && limit > 0 && limit < 1) {
        const r = rateVsThresholdLogE(canary.counts, limit, direction);
        const { scope, ...evidence } = weigh(r.stats, opts);
        const test = { name: 'binomial-mixture', alternative: direction, threshold: limit, unit, requests: sum(canary.counts.trials), failures: sum(canary.counts.events), phi: round(r.phi, 3), eValue: evidence.eValue, alpha: opts.alpha };
        const against = `e-value ${evidence.eValue} ${evidence.eValue >= evidence.threshold ? '≥' : '<'} ${evidence.threshold}`;
        if (evidence.eValue >= evidence.threshold) {
            return { ...base, verdict: 'fail', decisive: true, test, evidence, reason: `${describe} is ${beyond} ${fmt(limit, unit)}, and the evidence says so: ${against} (1/α) ${scope}` };
        }
        return {
            ...base, verdict: 'pass', test, evidence,
            reason: ok ? `${describe} meets ${obj.comparator} ${fmt(limit, unit)} (${against})` : `${describe} is ${beyond} ${fmt(limit, unit)} but not yet beyond noise (${against} ${scope})`,
        };
    }
    // Twice over the limit (half of it for `>`) is no noise: it needs no second check.
    const gross = !ok && (direction === 'greater' ? canary.value >= 2 * limit : canary.value <= limit / 2);
    return {
        ...base,
        verdict: ok ? 'pass' : 'fail',
        ...(gross ? { decisive: true } : {}),
        test: { name: 'threshold', threshold: limit, unit },
        reason: `${describe} ${ok ? 'meets' : gross ? 'breaks twice over' : 'breaks'} ${obj.comparator} ${fmt(limit, unit)}`,
    };
}
/** `p95 < 1.2x baseline`: fails only on evidence that the canary is beyond factor × the baseline. */
function judgeRelative(obj, factor, canary, baseline, base, opts) {
    const direction = (0,slo/* worseDirection */.oJ)(obj.comparator);
    const beyond = direction === 'greater' ? 'above' : 'below';
    const ratio = baseline.value === 0 ? (canary.value === 0 ? 1 : Infinity) : canary.value / baseline.value;
    const withinRatio = (0,slo/* satisfies */.ib)(obj.comparator, canary.value, factor * baseline.value);
    const describe = `canary ${obj.metric} ${round(canary.value)} is ${round(ratio, 3)}x the baseline's ${round(baseline.value)}`;
    if (canary.samples.length === 0 || baseline.samples.length === 0) {
        // No per-period samples (e.g. a k6 summary): only the window values can be compared.
        return {
            ...base,
            verdict: withinRatio ? 'pass' : 'fail',
            test: { name: 'ratio', ratio: round(ratio), factor },
            reason: `${describe} (limit ${obj.comparator} ${factor}x; no per-period samples for a statistical test)`,
        };
    }
    const { test: stepTest, step } = relativeEvidence(canary, baseline, factor, direction);
    const { scope, ...evidence } = weigh(step, opts);
    const test = { ...stepTest, ratio: round(ratio), factor, eValue: evidence.eValue, alpha: opts.alpha };
    const limit = `${obj.comparator} ${factor}x`;
    if (evidence.eValue >= evidence.threshold) {
        return { ...base, verdict: 'fail', decisive: true, test, evidence, reason: `${describe}; evidence that it is ${beyond} ${factor}x the baseline: e-value ${evidence.eValue} ≥ ${evidence.threshold} (1/α) ${scope}` };
    }
    return {
        ...base, verdict: 'pass', test, evidence,
        reason: withinRatio ? `${describe}, within ${limit} (e-value ${evidence.eValue} < ${evidence.threshold})` : `${describe}, beyond ${limit} on the window value but not beyond noise (e-value ${evidence.eValue} < ${evidence.threshold} ${scope})`,
    };
}
/** This step's evidence against factor × the baseline, period by period. */
function relativeEvidence(canary, baseline, factor, direction) {
    const pairs = pairPeriods(canary, baseline);
    if (canary.counts && baseline.counts) {
        // Rates with their counts: every request counts, conditioned on each period's failures.
        const r = rateRatioLogE(pick(canary.counts, pairs.c), pick(baseline.counts, pairs.b), factor, direction);
        return { step: r.stats, test: { name: 'rate-ratio-mixture', alternative: direction, periods: pairs.c.length, phi: round(r.phi, 3) } };
    }
    // Per-period values: paired by period (shared load cancels), compared with factor × baseline.
    const c = pairs.c.map((i) => canary.samples[i]);
    const b = pairs.b.map((j) => baseline.samples[j]);
    const logScale = c.every((x) => x > 0) && b.every((x) => x > 0);
    const sign = direction === 'greater' ? 1 : -1;
    const d = c.map((x, k) => sign * (logScale ? Math.log(x) - Math.log(factor * b[k]) : x - factor * b[k]));
    const t = tMixtureLogE(d);
    return {
        step: pairedStats(d),
        test: { name: 'paired-t-mixture', alternative: direction, scale: logScale ? 'log' : 'linear', periods: t.n, t: round(t.t), ratioOfMedians: round(median(c) / median(b)) },
    };
}
const sum = (a) => a.reduce((s, v) => s + v, 0);
function fmt(v, unit) {
    if (unit === 'ratio')
        return `${round(v * 100)}%`;
    if (unit === 'none')
        return String(round(v));
    return `${round(v)}${unit}`;
}
/**
 * Any fail fails the gate; otherwise any inconclusive makes it inconclusive, `awaitingData` when
 * every inconclusive objective only waits for min-requests.
 */
function combineVerdicts(results) {
    const failed = results.filter((r) => r.verdict === 'fail');
    if (failed.length)
        return { result: 'fail', reason: explain(failed) };
    const unsure = results.filter((r) => r.verdict === 'inconclusive');
    if (unsure.length)
        return { result: 'inconclusive', reason: explain(unsure), ...(unsure.every((r) => r.awaitingData) ? { awaitingData: true } : {}) };
    return { result: 'pass', reason: `all ${results.length} objective(s) met` };
}
/** "a, b: why; c: other why": objectives that share a reason (no data, usually) are named together. */
function explain(results) {
    const byReason = new Map();
    for (const r of results)
        byReason.set(r.reason, [...(byReason.get(r.reason) ?? []), r.objective]);
    return [...byReason].map(([reason, names]) => `${names.join(', ')}: ${reason}`).join('; ');
}

// EXTERNAL MODULE: ./common/region.ts
var common_region = __webpack_require__(87968);
// EXTERNAL MODULE: ./actions/lib/secrets.ts
var secrets = __webpack_require__(19039);
// EXTERNAL MODULE: ./actions/lib/inputs.ts
var inputs = __webpack_require__(87721);
// EXTERNAL MODULE: ./actions/metrics/providers/sources.ts
var sources = __webpack_require__(59611);
;// CONCATENATED MODULE: ./actions/metrics/config.ts








const PROVIDERS = ['cloudwatch', 'prometheus', 'k6-summary'];
const ON_NO_DATA = ['inconclusive', 'fail', 'pass'];
const HOUR = 3_600_000;
/**
 * The accepted span of every numeric gate input (documented in action.yml and the README). A window
 * is at least one 60-second metric period and at most a day (1440 periods per series); warmup must
 * also be shorter than the window.
 */
const GATE_RANGES = {
    window: { min: 60_000, max: 24 * HOUR },
    warmup: { min: 0, max: 24 * HOUR },
    /** One judged Prometheus period, at least twice the scrape interval: from 1 second to an hour. */
    'prometheus-step': { min: 1_000, max: HOUR },
};
const GATE_NUMBERS = {
    'min-requests': { min: 0, max: 1_000_000_000, integer: true },
    significance: { min: 0.0001, max: 0.5 },
};
/** CloudWatch periods: high resolution 1, 5, 10, 20 or 30 s, else a multiple of 60 s; at most the longest window. */
const PERIOD_FORM = '1, 5, 10, 20, 30 or a multiple of 60 seconds, at most 86400';
function required(name, forWhat, form) {
    const v = (0,inputs/* raw */.lS)(name);
    if (!v)
        throw new errors/* InputError */.d(`Input "${name}" is required for ${forWhat}: ${form}.`);
    return v;
}
/** `requests=RequestCount,errors=ErrorCount,latency=Latency`: override any of the three names. */
function metricNames(fallback) {
    const out = { ...fallback };
    for (const pair of (0,inputs/* raw */.lS)('metric-names').split(/[,\n]/).map((s) => s.trim()).filter(Boolean)) {
        const m = /^(requests|errors|latency)\s*=\s*(\S+)$/.exec(pair);
        if (!m)
            throw new errors/* InputError */.d(`Input "metric-names": "${pair}" is not <requests|errors|latency>=<MetricName>.`);
        out[m[1]] = m[2];
    }
    return out;
}
function validPeriod(period) {
    return typeof period === 'number' && ([1, 5, 10, 20, 30].includes(period) || (Number.isInteger(period) && period > 0 && period % 60 === 0 && period <= 86_400));
}
function rawQueries() {
    const text = required('metric-queries', 'preset raw', 'a JSON array of MetricDataQuery, or {"canary": [...], "baseline": [...]}');
    let json;
    try {
        json = JSON.parse(text);
    }
    catch (err) {
        throw new errors/* InputError */.d(`Input "metric-queries": not JSON (${err.message}); expected a JSON array of MetricDataQuery, or {"canary": [...], "baseline": [...]}.`);
    }
    // JSON.parse reads 1e400 as Infinity, which JSON.stringify would send on as null.
    const nonFinite = (0,inputs/* findNonFinite */.ke)(json);
    if (nonFinite)
        throw new errors/* InputError */.d(`Input "metric-queries": the number at ${nonFinite} is not finite; every number must be finite (a Period is ${PERIOD_FORM}).`);
    const shape = Array.isArray(json) ? { canary: json } : json;
    const check = (list, which) => {
        if (!Array.isArray(list) || list.length === 0)
            throw new errors/* InputError */.d(`Input "metric-queries": "${which}" must be a non-empty array of MetricDataQuery.`);
        for (const q of list) {
            if (!q || typeof q.Id !== 'string' || !/^[a-z][A-Za-z0-9_]*$/.test(q.Id))
                throw new errors/* InputError */.d(`Input "metric-queries": every query needs an Id matching [a-z][A-Za-z0-9_]* (got ${JSON.stringify(q?.Id)}).`);
            if (!q.MetricStat && !q.Expression)
                throw new errors/* InputError */.d(`Input "metric-queries": query "${q.Id}" has neither MetricStat nor Expression.`);
            for (const [where, period] of [['MetricStat.Period', q.MetricStat?.Period], ['Period', q.Period]]) {
                if (period !== undefined && !validPeriod(period))
                    throw new errors/* InputError */.d(`Input "metric-queries": query "${q.Id}" has ${where} ${JSON.stringify(period)}; expected ${PERIOD_FORM}.`);
            }
        }
        return list;
    };
    return { canary: check(shape.canary, 'canary'), ...(shape.baseline !== undefined ? { baseline: check(shape.baseline, 'baseline') } : {}) };
}
function cloudwatchSource() {
    const preset = (0,inputs/* getEnum */.GV)('preset', sources/* CLOUDWATCH_PRESETS */.qr, 'alb');
    const opt = (n) => (0,inputs/* raw */.lS)(n) || undefined;
    switch (preset) {
        case 'alb':
            // canary-ramp fills these from its router ARNs, so they are checked when the gate runs.
            return { preset, loadBalancer: opt('load-balancer'), canaryTargetGroup: opt('canary-target-group'), baselineTargetGroup: opt('baseline-target-group') };
        case 'service-connect':
            return {
                preset,
                cluster: required('cluster', 'preset service-connect', 'the ECS cluster name'),
                discoveryName: required('discovery-name', 'preset service-connect', 'the Service Connect discovery name'),
                canaryService: required('canary-service', 'preset service-connect', 'the canary ECS service name'),
                baselineService: opt('baseline-service'),
            };
        case 'emf':
            return {
                preset,
                namespace: (0,inputs/* getString */.AA)('namespace', sources/* EMF_DEFAULTS */.Sf.namespace),
                service: required('service', 'preset emf', 'the Service dimension value'),
                canaryVersion: required('canary-version', 'preset emf', 'the canary\'s Version dimension value'),
                baselineVersion: opt('baseline-version'),
                metricNames: metricNames(sources/* EMF_DEFAULTS */.Sf.metricNames),
            };
        case 'appmesh':
            return {
                preset,
                namespace: (0,inputs/* getString */.AA)('namespace', sources/* APPMESH_DEFAULTS */._q.namespace),
                cluster: required('cluster', 'preset appmesh', 'the ECS cluster name'),
                canaryFamily: required('canary-task-family', 'preset appmesh', 'the canary task definition family'),
                baselineFamily: opt('baseline-task-family'),
                metricNames: metricNames(sources/* APPMESH_DEFAULTS */._q.metricNames),
            };
        case 'raw':
            return { preset, queries: rawQueries() };
    }
}
const PROMETHEUS_URL_FORM = 'the Prometheus HTTP API base URL, http(s)://host[:port][/path] (for AMP: https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>)';
/** http(s) with a host, checked here so a missing scheme is named as this input, not an "Invalid URL" at the first query. */
function checkPrometheusUrl(url) {
    const parsed = URL.canParse(url) ? new URL(url) : null;
    if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname)
        return;
    // Credentials in an unparseable URL cannot be masked reliably: then the value is not repeated.
    const shown = url.includes('@') ? '' : ` "${url}"`;
    throw new errors/* InputError */.d(`Input "prometheus-url":${shown} is not an http(s) URL; expected ${PROMETHEUS_URL_FORM}.`);
}
function prometheusSource() {
    const queries = {};
    for (const line of (0,inputs/* getLines */.iv)('prometheus-queries')) {
        const eq = line.indexOf('=');
        const name = eq > 0 ? line.slice(0, eq).trim() : '';
        if (!/^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(name))
            throw new errors/* InputError */.d(`Input "prometheus-queries": "${line}" is not <metric>=<PromQL> (PromQL may use {{selector}} and {{range}}).`);
        queries[name] = line.slice(eq + 1).trim();
    }
    const url = required('prometheus-url', 'provider prometheus', PROMETHEUS_URL_FORM);
    // A password in the URL must never reach a log line, in any of the forms it is sent in.
    (0,secrets/* maskUrlCredentials */.gn)(url);
    checkPrometheusUrl(url);
    return {
        url,
        sigv4: (0,inputs/* getBool */.Jz)('prometheus-sigv4', false),
        preset: (0,inputs/* getEnum */.GV)('prometheus-preset', ['http-histogram', 'raw'], 'http-histogram'),
        canarySelector: required('canary-selector', 'provider prometheus', 'label matchers such as service="auth",version="2.1.0"'),
        baselineSelector: (0,inputs/* raw */.lS)('baseline-selector') || undefined,
        histogram: (0,inputs/* getString */.AA)('prometheus-histogram', sources/* PROMETHEUS_DEFAULTS */.Ix.histogram),
        requestsMetric: (0,inputs/* getString */.AA)('prometheus-requests-metric', sources/* PROMETHEUS_DEFAULTS */.Ix.requestsMetric),
        errorsMetric: (0,inputs/* getString */.AA)('prometheus-errors-metric', sources/* PROMETHEUS_DEFAULTS */.Ix.errorsMetric),
        queries,
        stepSeconds: prometheusStep(),
    };
}
/** Whole seconds: PromQL ranges and steps take no fractions of a second. */
function prometheusStep() {
    const ms = (0,inputs/* getDuration */.Ds)('prometheus-step', '60s', GATE_RANGES['prometheus-step']);
    if (ms % 1000 !== 0)
        throw new errors/* InputError */.d(`Input "prometheus-step": "${(0,inputs/* raw */.lS)('prometheus-step')}" is not whole seconds; expected a duration ${(0,duration/* formatRange */.Lu)(GATE_RANGES['prometheus-step'])} in whole seconds, at least twice the scrape interval (e.g. 60s, or 2s for a 1-second scrape).`);
    return ms / 1000;
}
function k6Source() {
    return {
        canarySummary: required('k6-summary', 'provider k6-summary', 'the path of the k6 summary JSON (--summary-export or handleSummary)'),
        baselineSummary: (0,inputs/* raw */.lS)('k6-baseline-summary') || undefined,
        latencyMetric: (0,inputs/* getString */.AA)('k6-latency-metric', 'http_req_duration'),
    };
}
/** `window`: a duration (10m) or a start time (2026-01-01T10:00:00Z). */
function readWindow() {
    const v = (0,inputs/* getString */.AA)('window', '10m');
    // Anything that starts like a duration is judged as one, so `1<400 zeros>h` is out of range, not "not a time".
    if (/^\d+(?:\.\d+)?(?:ms|s|m|h|d)/.test(v)) {
        const ms = (0,duration/* tryParseDuration */.HZ)(v);
        if (ms !== null && ms < GATE_RANGES.window.min)
            throw new errors/* InputError */.d(`Input "window": "${v}" is shorter than one 60-second metric period; expected a duration ${(0,duration/* formatRange */.Lu)(GATE_RANGES.window)}.`);
        return { windowMs: (0,duration/* parseDuration */.E9)(v, 'Input "window"', GATE_RANGES.window) };
    }
    if (/^\d{4}-\d{2}-\d{2}T/.test(v) && Number.isFinite(Date.parse(v)))
        return { windowMs: 0, windowStart: new Date(v).toISOString() };
    throw new errors/* InputError */.d(`Input "window": "${v}" is neither a duration (${duration/* DURATION_FORM */.ec}, ${(0,duration/* formatRange */.Lu)(GATE_RANGES.window)}) nor an ISO 8601 start time (2026-01-01T10:00:00Z).`);
}
function readGateConfig() {
    const provider = (0,inputs/* getEnum */.GV)('provider', PROVIDERS, 'cloudwatch');
    const objectives = (0,slo/* parseObjectives */.ov)((0,inputs/* getLines */.iv)('slo'));
    const { windowMs, windowStart } = readWindow();
    const warmupMs = (0,inputs/* getDuration */.Ds)('warmup', '0s', GATE_RANGES.warmup);
    if (!windowStart && warmupMs >= windowMs)
        throw new errors/* InputError */.d(`Input "warmup": it must be shorter than "window" (${(0,inputs/* getString */.AA)('window', '10m')}).`);
    const region = (0,inputs/* raw */.lS)('region') || undefined;
    if (region)
        (0,common_region/* resolveRegion */.Z)(region);
    const backend = provider === 'cloudwatch'
        ? { provider, source: cloudwatchSource() }
        : provider === 'prometheus' ? { provider, source: prometheusSource() } : { provider, source: k6Source() };
    return {
        ...backend,
        objectives,
        region,
        windowMs,
        ...(windowStart ? { windowStart } : {}),
        warmupMs,
        minRequests: (0,inputs/* getNumber */.WZ)('min-requests', 100, GATE_NUMBERS['min-requests']),
        onNoData: (0,inputs/* getEnum */.GV)('on-no-data', ON_NO_DATA, 'inconclusive'),
        dryRun: (0,inputs/* getBool */.Jz)('dry-run', false),
        significance: (0,inputs/* getNumber */.WZ)('significance', DEFAULT_ALPHA, GATE_NUMBERS.significance),
    };
}

;// CONCATENATED MODULE: ./actions/metrics/summary.ts
const ICON = { pass: '✅ pass', fail: '❌ fail', inconclusive: '⚠️ inconclusive' };
const cell = (s) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const num = (v) => (v === null || v === undefined ? '—' : Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v));
function testCell(r) {
    const t = r.test;
    const e = r.evidence ? `e=${num(r.evidence.eValue)} (fails at ${num(r.evidence.threshold)})` : '';
    if (t.name === 'paired-t-mixture')
        return `paired t mixture over ${t.periods} period(s), t=${num(t.t)}, ${e}`;
    if (t.name === 'rate-ratio-mixture')
        return `rate-ratio mixture over ${t.periods} period(s), φ=${t.phi}, ${e}`;
    if (t.name === 'binomial-mixture')
        return `binomial mixture, ${t.failures}/${t.requests} failed, φ=${t.phi}, ${e}`;
    if (t.name === 'threshold') {
        const v = t.threshold;
        return `threshold ${t.unit === 'ratio' ? `${num(v * 100)}%` : t.unit === 'none' ? num(v) : `${num(v)}${String(t.unit)}`}`;
    }
    if (t.name === 'ratio')
        return `ratio ${t.ratio} vs ${t.factor}x`;
    return t.name;
}
/** The limit an objective's canary value is held to, when one is known. */
function limitOf(r) {
    if (r.test.name === 'threshold' || r.test.name === 'binomial-mixture')
        return r.test.threshold;
    const factor = r.test.factor;
    if (factor !== undefined && r.baseline?.value !== null && r.baseline?.value !== undefined)
        return factor * r.baseline.value;
    return null;
}
function chart(result) {
    const rows = result.objectives
        .map((r) => ({ r, limit: limitOf(r) }))
        .filter(({ r, limit }) => r.canary.value !== null && limit !== null && limit > 0);
    if (rows.length === 0)
        return [];
    const pct = rows.map(({ r, limit }) => Math.round((r.canary.value / limit) * 1000) / 10);
    const top = Math.max(150, Math.ceil(Math.max(...pct) / 50) * 50);
    const label = (s) => JSON.stringify(s.replace(/"/g, "'"));
    return [
        '',
        '```mermaid',
        'xychart-beta',
        '  title "Canary value as % of its limit (100 = at the limit)"',
        `  x-axis [${rows.map(({ r }) => label(r.objective)).join(', ')}]`,
        `  y-axis "% of limit" 0 --> ${top}`,
        `  bar [${pct.join(', ')}]`,
        `  line [${rows.map(() => 100).join(', ')}]`,
        '```',
    ];
}
function renderGateSummary(result) {
    const lines = [
        `### SLO gate: ${ICON[result.result]}`,
        '',
        `${cell(result.reason)}`,
        '',
        `Window ${result.window.start} → ${result.window.end}` +
            (result.dataWindow ? ` (data: ${result.dataWindow.start} → ${result.dataWindow.end})` : '') +
            (result.requests ? ` · requests: canary ${num(result.requests.canary)}${result.requests.baseline !== undefined ? `, baseline ${num(result.requests.baseline)}` : ''}` : ''),
        '',
        '| Objective | Canary | Baseline | Periods (canary/baseline) | Test | Verdict | Why |',
        '|---|---|---|---|---|---|---|',
        ...result.objectives.map((r) => `| ${cell(r.objective)} | ${num(r.canary.value)} | ${num(r.baseline?.value)} | ${r.canary.samples}/${r.baseline?.samples ?? '—'} | ${cell(testCell(r))} | ${ICON[r.verdict]} | ${cell(r.reason)} |`),
        ...chart(result),
        '',
    ];
    return lines.join('\n');
}

;// CONCATENATED MODULE: ./actions/metrics/gate.ts
/**
 * The judge every promotion and rollback depends on: one evaluation of the objectives over a window.
 * slo-gate's entry and canary-ramp both call this; it reads, never writes, and checks its whole
 * configuration before the first request.
 */








/** Every check that needs no request: the provider's own (dimensions, queries), and a baseline for ratio objectives. */
function validateGate(config, provider) {
    provider.validate(config.objectives);
    const relative = config.objectives.filter((o) => o.threshold.kind === 'relative');
    if (relative.length && !provider.hasBaseline) {
        throw new errors/* InputError */.d(`Input "slo": "${relative[0].text}" compares with the baseline, but no baseline is given; set ${provider.baselineInputs}.`);
    }
}
/** [now − window (or the given start) + warmup, now], unless the caller passes its own window. */
function resolveWindow(config, opts, now) {
    if (opts.window) {
        if (opts.window.start.getTime() >= opts.window.end.getTime())
            throw new errors/* InputError */.d(`The evaluation window is empty (${opts.window.start.toISOString()} … ${opts.window.end.toISOString()}).`);
        return opts.window;
    }
    const from = config.windowStart ? Date.parse(config.windowStart) : now - config.windowMs;
    const start = from + config.warmupMs;
    if (start >= now) {
        throw new errors/* InputError */.d(config.windowStart
            ? `Input "window": the start ${config.windowStart} plus warmup ${(0,duration/* formatDuration */.a3)(config.warmupMs)} is not in the past.`
            : `Input "warmup": ${(0,duration/* formatDuration */.a3)(config.warmupMs)} leaves nothing of the ${(0,duration/* formatDuration */.a3)(config.windowMs)} window.`);
    }
    return { start: new Date(start), end: new Date(now) };
}
/** Applies min-requests: a target with fewer requests has no data for any objective. */
function starve(obs, objectives, minRequests, who) {
    if (obs.requests === null || obs.requests >= minRequests)
        return obs;
    const why = `the ${who} served ${obs.requests} request(s) in the window, fewer than min-requests (${minRequests})`;
    return { ...obs, metrics: new Map(objectives.map((o) => [o.metric, (0,port/* noData */._)(why, true)])) };
}
async function evaluateGate(config, overrides = {}, opts = {}, deps = {}) {
    const provider = deps.provider ?? (await (0,factory/* openProvider */.C)(config, overrides, deps));
    validateGate(config, provider);
    const clock = deps.clock ?? common_clock/* systemClock */.m;
    const window = resolveWindow(config, opts, clock.now());
    // The baseline costs a query per metric: asked for only when an objective compares with it.
    const compares = config.objectives.some((o) => o.threshold.kind === 'relative');
    const targets = compares && provider.hasBaseline ? ['canary', 'baseline'] : ['canary'];
    const obs = await provider.query({ objectives: config.objectives, window, targets, signal: opts.signal });
    const canary = starve(obs.canary, config.objectives, config.minRequests, 'canary');
    const baseline = obs.baseline && starve(obs.baseline, config.objectives, config.minRequests, 'baseline');
    const alpha = perObjectiveAlpha(config.significance ?? DEFAULT_ALPHA, config.objectives);
    const results = config.objectives.map((o) => judgeObjective(o, canary.metrics.get(o.metric), baseline?.metrics.get(o.metric), {
        alpha,
        onNoData: config.onNoData,
        ...(opts.ramp ? { ramp: { plannedSteps: opts.ramp.plannedSteps, earlier: opts.ramp.finished.flatMap((step) => (step[o.text] ? [step[o.text]] : [])) } } : {}),
    }));
    results.push(...(obs.checks ?? []));
    const { result, reason, awaitingData } = combineVerdicts(results);
    return {
        result,
        reason,
        window: { start: window.start.toISOString(), end: window.end.toISOString() },
        ...(obs.window ? { dataWindow: { start: obs.window.start.toISOString(), end: obs.window.end.toISOString() } } : {}),
        objectives: results,
        requests: { canary: obs.canary.requests, ...(obs.baseline ? { baseline: obs.baseline.requests } : {}) },
        provider: provider.name,
        ...(awaitingData ? { awaitingData } : {}),
    };
}


/***/ }),

/***/ 33639:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C: () => (/* binding */ openProvider)
/* harmony export */ });
/** canary-ramp's ALB dimensions, from its router's ARNs, fill an `alb` preset. */
function withOverrides(source, overrides) {
    return source.preset === 'alb' && overrides.alb ? { ...source, ...overrides.alb } : source;
}
/** Opens the provider the configuration selects. No request is made until it is queried. */
async function openProvider(config, overrides = {}, deps = {}) {
    switch (config.provider) {
        case 'cloudwatch': {
            const { CloudWatchProvider } = await Promise.all(/* import() */[__webpack_require__.e(759), __webpack_require__.e(861), __webpack_require__.e(330), __webpack_require__.e(717)]).then(__webpack_require__.bind(__webpack_require__, 20717));
            return new CloudWatchProvider(withOverrides(config.source, overrides), { client: deps.cloudwatch, region: config.region });
        }
        case 'prometheus': {
            const { PrometheusProvider } = await Promise.all(/* import() */[__webpack_require__.e(759), __webpack_require__.e(861), __webpack_require__.e(337), __webpack_require__.e(587), __webpack_require__.e(569)]).then(__webpack_require__.bind(__webpack_require__, 86950));
            return new PrometheusProvider(config.source, { fetch: deps.fetch, clock: deps.clock, region: config.region });
        }
        case 'k6-summary': {
            const { K6Provider } = await __webpack_require__.e(/* import() */ 508).then(__webpack_require__.bind(__webpack_require__, 86508));
            return new K6Provider(config.source);
        }
    }
}


/***/ }),

/***/ 95106:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _: () => (/* binding */ noData)
/* harmony export */ });
function noData(reason, tooFewRequests = false) {
    return tooFewRequests ? { kind: 'no-data', reason, tooFewRequests } : { kind: 'no-data', reason };
}


/***/ }),

/***/ 59611:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ix: () => (/* binding */ PROMETHEUS_DEFAULTS),
/* harmony export */   Sf: () => (/* binding */ EMF_DEFAULTS),
/* harmony export */   _q: () => (/* binding */ APPMESH_DEFAULTS),
/* harmony export */   fb: () => (/* binding */ CLOUDWATCH_PERIOD_S),
/* harmony export */   qr: () => (/* binding */ CLOUDWATCH_PRESETS),
/* harmony export */   s3: () => (/* binding */ metricPeriodMs)
/* harmony export */ });
/** ALB, Service Connect and ECS publish 60-second data; the CloudWatch provider reads every series at this period. */
const CLOUDWATCH_PERIOD_S = 60;
const CLOUDWATCH_PRESETS = ['alb', 'service-connect', 'emf', 'appmesh', 'raw'];
/** What our reference services emit as CloudWatch EMF (services/kit): RED metrics with dimensions Service and Version. */
const EMF_DEFAULTS = { namespace: 'MeshServices', metricNames: { requests: 'Requests', errors: 'Errors', latency: 'Duration' } };
/** Envoy stats the CloudWatch agent's Prometheus scraping publishes for App Mesh on ECS. */
const APPMESH_DEFAULTS = {
    namespace: 'ECS/ContainerInsights/Prometheus',
    metricNames: { requests: 'envoy_http_downstream_rq_total', errors: 'envoy_http_downstream_rq_xx', latency: 'envoy_http_downstream_rq_time' },
};
/** What services/kit exports on /metrics (labels service, version, route, method). */
const PROMETHEUS_DEFAULTS = { histogram: 'http_request_duration_seconds', requestsMetric: 'http_requests_total', errorsMetric: 'http_request_errors_total' };
/** One judged period (ms) of the backend, where it has one: checks more often than this see the same data points. */
function metricPeriodMs(backend) {
    switch (backend.provider) {
        case 'cloudwatch': return CLOUDWATCH_PERIOD_S * 1000;
        case 'prometheus': return backend.source.stepSeconds * 1000;
        case 'k6-summary': return undefined;
    }
}


/***/ }),

/***/ 49556:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   D4: () => (/* binding */ percentileOf),
/* harmony export */   fK: () => (/* binding */ metricKind),
/* harmony export */   ib: () => (/* binding */ satisfies),
/* harmony export */   oJ: () => (/* binding */ worseDirection),
/* harmony export */   ov: () => (/* binding */ parseObjectives)
/* harmony export */ });
/* unused harmony exports THRESHOLD_RANGES, SLO_FORMS, parseObjective */
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(52251);
/**
 * The `slo` input: one objective per line, `<metric> <op> <threshold>`. Values are normalised to a
 * base unit per metric kind (ms for latency, a fraction for rates, per second for request rate), so
 * the judge never sees units.
 */

/**
 * The accepted span of every threshold, in the metric's base unit after conversion (documented in
 * action.yml and the README). Anything larger is a typo, and `1<400 zeros>ms` (Infinity) would make
 * every objective pass.
 */
const THRESHOLD_RANGES = {
    /** ms: up to an hour. */
    latency: { min: 0, max: 3_600_000, text: 'from 0ms to 3600000ms (1h)' },
    /** a fraction: 0 to 100 %. */
    'error-rate': { min: 0, max: 1, text: 'from 0 to 1 (0% to 100%)' },
    /** per second: up to ten million. */
    'request-rate': { min: 0, max: 10_000_000, text: 'from 0/s to 10000000/s' },
    /** in the written unit, before conversion. */
    custom: { min: 0, max: 1e12, text: 'from 0 to 1e12 (in the unit written)' },
    /** `<factor>x baseline`. */
    ratio: { min: 0, max: 100, text: 'above 0 and at most 100 (e.g. 1.2x baseline)' },
};
const SLO_FORMS = [
    '"<metric> <op> <threshold>" where',
    '  metric: p50 … p99.99 (latency percentile, at most two decimals), error-rate, request-rate, or a custom metric name ([A-Za-z_][A-Za-z0-9_.:-]*)',
    '  op: <, <=, >, >=',
    '  threshold: 200ms or 1.5s (latency), 1% or 0.01 (error-rate), 50/s, 50rps or 3000/min (request-rate),',
    '             a plain number, ms, s or % (custom), or 1.2x baseline (a ratio to the baseline, any metric)',
    `  ranges: latency ${THRESHOLD_RANGES.latency.text}; error-rate ${THRESHOLD_RANGES['error-rate'].text}; request-rate ${THRESHOLD_RANGES['request-rate'].text};`,
    `          custom ${THRESHOLD_RANGES.custom.text}; ratio ${THRESHOLD_RANGES.ratio.text}`,
    'e.g. "p95 < 200ms", "error-rate < 1%", "p99 < 1.2x baseline"',
].join('\n');
const LINE = /^([A-Za-z_][A-Za-z0-9_.:-]*)\s*(<=|>=|<|>)\s*(.+)$/;
const NUMBER = '(\\d+(?:\\.\\d+)?|\\.\\d+)';
const RELATIVE = new RegExp(`^${NUMBER}\\s*[x×]\\s*baseline$`, 'i');
const WITH_UNIT = new RegExp(`^${NUMBER}\\s*(ms|s|%|/s|rps|/min|rpm)?$`);
function metricKind(metric) {
    if (/^p\d/.test(metric))
        return 'latency';
    if (metric === 'error-rate')
        return 'error-rate';
    if (metric === 'request-rate')
        return 'request-rate';
    return 'custom';
}
/**
 * `p95` → 95, `p99.9` → 99.9; null when the name is not a percentile in CloudWatch's form pNN.NN
 * (no leading zero, at most two decimals: CloudWatch refuses the whole call otherwise).
 */
function percentileOf(metric) {
    const m = /^p((?:[1-9]\d?|0)(?:\.\d{1,2})?)$/.exec(metric);
    if (!m)
        return null;
    const q = Number(m[1]);
    return q > 0 && q < 100 ? q : null;
}
function bad(line, why) {
    return new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d(`Input "slo": line "${line}" ${why}.\nAccepted form: ${SLO_FORMS}`);
}
/** Converts an absolute threshold to the metric's base unit, or explains why it cannot. */
function absolute(line, kind, value, unit) {
    const converted = convert(line, kind, value, unit);
    const range = THRESHOLD_RANGES[kind];
    const checked = kind === 'custom' ? value : converted.value;
    if (!(Number.isFinite(checked) && checked >= range.min && checked <= range.max)) {
        throw bad(line, `has a threshold out of range; a ${kind} threshold is ${range.text}`);
    }
    return converted;
}
function convert(line, kind, value, unit) {
    switch (kind) {
        case 'latency':
            if (unit === 'ms')
                return { value, unit: 'ms' };
            if (unit === 's')
                return { value: value * 1000, unit: 'ms' };
            throw bad(line, 'needs a latency unit (ms or s)');
        case 'error-rate': {
            const fraction = unit === '%' ? value / 100 : unit === '' ? value : NaN;
            if (Number.isNaN(fraction))
                throw bad(line, 'needs a rate: a percentage (1%) or a fraction (0.01)');
            if (fraction > 1)
                throw bad(line, 'has an error rate above 100%');
            return { value: fraction, unit: 'ratio' };
        }
        case 'request-rate':
            if (unit === '' || unit === '/s' || unit === 'rps')
                return { value, unit: '/s' };
            if (unit === '/min' || unit === 'rpm')
                return { value: value / 60, unit: '/s' };
            throw bad(line, 'needs a request rate (50/s, 50rps or 3000/min)');
        case 'custom':
            if (unit === 's')
                return { value: value * 1000, unit: 'ms' };
            if (unit === '%')
                return { value: value / 100, unit: 'ratio' };
            if (unit === '' || unit === 'ms')
                return { value, unit: unit || 'none' };
            throw bad(line, `has a unit "${unit}" that a custom metric cannot take (use none, ms, s or %)`);
    }
}
function parseObjective(line) {
    const text = line.trim();
    const m = LINE.exec(text);
    if (!m)
        throw bad(text, 'does not parse');
    const [, metric, comparator, rhs] = m;
    const kind = metricKind(metric);
    if (kind === 'latency' && percentileOf(metric) === null)
        throw bad(text, `names "${metric}", which is not a percentile from p0.01 to p99.99 (at most two decimals, no leading zero)`);
    const threshold = rhs.trim();
    const rel = RELATIVE.exec(threshold);
    if (rel) {
        const factor = Number(rel[1]);
        if (!(factor > 0))
            throw bad(text, 'has a baseline ratio that is not above 0');
        if (!(factor <= THRESHOLD_RANGES.ratio.max))
            throw bad(text, `has a baseline ratio out of range; a ratio is ${THRESHOLD_RANGES.ratio.text}`);
        return { text, metric, comparator: comparator, threshold: { kind: 'relative', factor } };
    }
    const abs = WITH_UNIT.exec(threshold);
    if (!abs)
        throw bad(text, `has a threshold "${threshold}" that is neither a number with a unit nor "<n>x baseline"`);
    const { value, unit } = absolute(text, kind, Number(abs[1]), abs[2] ?? '');
    return { text, metric, comparator: comparator, threshold: { kind: 'absolute', value, unit } };
}
/** Parses every line (blank and #-comment lines are dropped by the caller); duplicate lines are refused. */
function parseObjectives(lines) {
    if (lines.length === 0)
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d(`Input "slo" is required: one objective per line.\nAccepted form: ${SLO_FORMS}`);
    const seen = new Set();
    return lines.map((line) => {
        const o = parseObjective(line);
        const key = `${o.metric} ${o.comparator} ${JSON.stringify(o.threshold)}`;
        if (seen.has(key))
            throw bad(o.text, 'repeats an earlier objective');
        seen.add(key);
        return o;
    });
}
/** True when `observed` satisfies the objective against `bound` (the threshold, or factor × baseline). */
function satisfies(comparator, observed, bound) {
    switch (comparator) {
        case '<': return observed < bound;
        case '<=': return observed <= bound;
        case '>': return observed > bound;
        case '>=': return observed >= bound;
    }
}
/** Higher is worse for `<`/`<=` objectives (latency, errors); lower is worse for `>`/`>=` ones. */
function worseDirection(comparator) {
    return comparator === '<' || comparator === '<=' ? 'greater' : 'less';
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


/***/ })

};
