export const id = 569;
export const ids = [569];
export const modules = {

/***/ 86950:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   PrometheusProvider: () => (/* binding */ PrometheusProvider)
/* harmony export */ });
/* unused harmony exports promTemplate, fillTemplate, ampRegion, PROMETHEUS_REQUEST_TIMEOUT_MS */
/* harmony import */ var _smithy_signature_v4__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(75118);
/* harmony import */ var _smithy_protocol_http__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(49975);
/* harmony import */ var _aws_crypto_sha256_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(23156);
/* harmony import */ var _aws_crypto_sha256_js__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(_aws_crypto_sha256_js__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _aws_sdk_credential_providers__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(29719);
/* harmony import */ var _common_aws_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(77115);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(52251);
/* harmony import */ var _common_region_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(87968);
/* harmony import */ var _common_retry_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(72804);
/* harmony import */ var _lib_secrets_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(19039);
/* harmony import */ var _slo_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(49556);
/* harmony import */ var _port_js__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(95106);
/* harmony import */ var _window_js__WEBPACK_IMPORTED_MODULE_11__ = __webpack_require__(45309);
/**
 * Prometheus provider: PromQL over any Prometheus HTTP API (`/api/v1/query_range` for per-period
 * samples, `/api/v1/query` for the whole window), SigV4-signed (service `aps`) for Amazon Managed
 * Service for Prometheus. The `http-histogram` preset reads our services' duration histogram with
 * histogram_quantile; `raw` takes one PromQL template per metric.
 */












/** The PromQL template (with {{selector}} and {{range}}) for one metric, and the factor to its base unit. */
function promTemplate(src, metric) {
    if (src.queries[metric])
        return { query: src.queries[metric], scale: 1 };
    if (src.preset !== 'http-histogram')
        return null;
    const h = src.histogram;
    const kind = (0,_slo_js__WEBPACK_IMPORTED_MODULE_6__/* .metricKind */ .fK)(metric);
    if (kind === 'latency') {
        const q = (0,_slo_js__WEBPACK_IMPORTED_MODULE_6__/* .percentileOf */ .D4)(metric) / 100;
        return { query: `histogram_quantile(${q}, sum by (le) (rate(${h}_bucket{{{selector}}}[{{range}}])))`, scale: 1000 };
    }
    const all = `sum(rate(${src.requestsMetric}{{{selector}}}[{{range}}]))`;
    if (kind === 'error-rate') {
        // A counter that never incremented may not exist yet: no errors, not no data.
        return { query: `(sum(rate(${src.errorsMetric}{{{selector}}}[{{range}}])) or vector(0)) / ${all}`, scale: 1 };
    }
    if (kind === 'request-rate')
        return { query: all, scale: 1 };
    return null;
}
function fillTemplate(template, selector, range) {
    return template.replaceAll('{{selector}}', selector).replaceAll('{{range}}', range);
}
/** Checks the URL and that every objective has a query, before any request. */
function validatePrometheusSource(src, objectives) {
    try {
        new URL(src.url);
    }
    catch {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .d(`Input "prometheus-url": "${src.url}" is not a URL; expected e.g. http://prometheus:9090 or https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>.`);
    }
    if (!src.canarySelector)
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .d('Input "canary-selector" is required for provider prometheus: label matchers such as service="auth",version="2.1.0".');
    for (const o of objectives) {
        if (!promTemplate(src, o.metric)) {
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .d(`Input "prometheus-queries": no PromQL for "${o.metric}" (objective "${o.text}"); add a line "${o.metric}=<PromQL with {{selector}} and {{range}}>".`);
        }
    }
}
class PromHttpError extends Error {
    status;
    constructor(status, message) {
        super(message);
        this.status = status;
        this.name = 'PromHttpError';
        this.$metadata = { httpStatusCode: status };
    }
}
/** An AMP workspace URL names its region (aps-workspaces.<region>.amazonaws.com): sign for that one unless told otherwise. */
function ampRegion(url) {
    return /^aps-workspaces\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com$/.exec(URL.canParse(url) ? new URL(url).hostname : '')?.[1];
}
/** Percent-encodes all but RFC 3986's unreserved characters, as SigV4's canonical query does. */
function rfc3986(text) {
    return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
/** A range query over a window of an hour answers in well under a second on a healthy server. */
const PROMETHEUS_REQUEST_TIMEOUT_MS = 30_000;
class PrometheusProvider {
    src;
    deps;
    name = 'prometheus';
    hasBaseline;
    baselineInputs = 'baseline-selector';
    signer;
    constructor(src, deps = {}) {
        this.src = src;
        this.deps = deps;
        this.hasBaseline = !!src.baselineSelector;
        // Before any request: the password, and the Basic header built from it, may come back in an error body.
        (0,_lib_secrets_js__WEBPACK_IMPORTED_MODULE_5__/* .maskUrlCredentials */ .gn)(src.url);
        if (src.sigv4) {
            // The credentials may come from STS (a web identity role): its calls get every AWS client's
            // timeouts (requestTimeoutMs, when set, bounds them too), not the SDK's default of minutes.
            const credentials = (0,_aws_sdk_credential_providers__WEBPACK_IMPORTED_MODULE_7__/* .fromNodeProviderChain */ .br)({ clientConfig: { requestHandler: (0,_common_aws_js__WEBPACK_IMPORTED_MODULE_1__.timedRequestHandler)({ requestTimeoutMs: deps.requestTimeoutMs }) } });
            this.signer = new _smithy_signature_v4__WEBPACK_IMPORTED_MODULE_8__.SignatureV4({ service: 'aps', region: (0,_common_region_js__WEBPACK_IMPORTED_MODULE_3__/* .resolveRegion */ .Z)(deps.region ?? ampRegion(src.url)), credentials, sha256: _aws_crypto_sha256_js__WEBPACK_IMPORTED_MODULE_0__.Sha256 });
        }
    }
    async get(path, params, signal) {
        const base = new URL(this.src.url);
        // fetch refuses credentials in a URL: send them as Basic auth instead.
        const basic = base.username || base.password ? Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64') : undefined;
        base.username = '';
        base.password = '';
        const url = new URL(base.pathname.replace(/\/$/, '') + path, base);
        // RFC 3986 encoding (space as %20), not URLSearchParams' form encoding (space as +): AWS
        // rebuilds the SigV4 canonical query from the query as sent and reads "+" as a plus sign.
        url.search = Object.entries(params).map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&');
        let headers = { accept: 'application/json', ...(basic ? { authorization: `Basic ${basic}` } : {}) };
        if (this.signer) {
            const req = new _smithy_protocol_http__WEBPACK_IMPORTED_MODULE_9__/* .HttpRequest */ .Kd({ method: 'GET', protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: url.pathname, query: { ...params }, headers: { host: url.host, ...headers } });
            headers = (await this.signer.sign(req)).headers;
        }
        const doFetch = this.deps.fetch ?? fetch;
        return (0,_common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .withRetry */ .bD)(async () => {
            const timeoutMs = this.deps.requestTimeoutMs ?? PROMETHEUS_REQUEST_TIMEOUT_MS;
            const timeout = AbortSignal.timeout(timeoutMs);
            let res;
            let text;
            try {
                // The timeout covers the body too: a server that sends headers and stalls is as hung.
                res = await doFetch(url, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
                text = await res.text();
            }
            catch (err) {
                if (timeout.aborted && !signal?.aborted)
                    throw new PromHttpError(504, `Prometheus ${url.pathname} gave no answer within ${timeoutMs} ms`);
                throw err;
            }
            let body;
            try {
                body = JSON.parse(text);
            }
            catch {
                throw new PromHttpError(res.status, `Prometheus ${url.pathname} answered ${res.status} with non-JSON: ${(0,_lib_secrets_js__WEBPACK_IMPORTED_MODULE_5__/* .redactServerText */ .Ef)(text)}`);
            }
            if (!res.ok || body?.status !== 'success') {
                // Prometheus's own error fields when it sent them, else the body: a proxy in front of it may
                // quote the request, its Authorization header included, so both go through redaction.
                const said = body?.error !== undefined ? `${body.errorType ?? ''} ${body.error}`.trim() : text;
                throw new PromHttpError(res.status, `Prometheus ${url.pathname} answered ${res.status}: ${(0,_lib_secrets_js__WEBPACK_IMPORTED_MODULE_5__/* .redactServerText */ .Ef)(said)}`);
            }
            return body;
        }, { clock: this.deps.clock, random: this.deps.random, signal, retryable: (e) => (0,_common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .isTransientError */ .bV)(e) || (e instanceof TypeError && /fetch failed/.test(e.message)) });
    }
    validate(objectives) {
        validatePrometheusSource(this.src, objectives);
    }
    async observe(template, selector, w, signal) {
        const step = this.src.stepSeconds;
        const [range, instant] = await Promise.all([
            this.get('/api/v1/query_range', {
                query: fillTemplate(template.query, selector, `${step}s`),
                start: String(w.start.getTime() / 1000 + step),
                end: String(w.end.getTime() / 1000),
                step: `${step}s`,
            }, signal),
            this.get('/api/v1/query', { query: fillTemplate(template.query, selector, `${w.seconds}s`), time: String(w.end.getTime() / 1000) }, signal),
        ]);
        const series = range.data?.result ?? [];
        if (series.length > 1)
            return { kind: 'error', message: `the query returns ${series.length} series; aggregate it to one (sum, histogram_quantile over sum by (le))` };
        const samples = (series[0]?.values ?? []).map(([, v]) => Number(v) * template.scale).filter(Number.isFinite);
        const v = Number(instant.data?.result?.[0]?.value?.[1]);
        if (!Number.isFinite(v))
            return samples.length ? { kind: 'value', value: samples.reduce((a, b) => a + b, 0) / samples.length, samples } : (0,_port_js__WEBPACK_IMPORTED_MODULE_10__/* .noData */ ._)('the query returned no finite values');
        return { kind: 'value', value: v * template.scale, samples };
    }
    async query(q) {
        validatePrometheusSource(this.src, q.objectives);
        const w = (0,_window_js__WEBPACK_IMPORTED_MODULE_11__/* .alignWindow */ .q)(q.window, this.src.stepSeconds);
        const selectors = { canary: this.src.canarySelector, baseline: this.src.baselineSelector };
        const readTarget = async (t) => {
            const selector = selectors[t];
            const metrics = new Map();
            for (const o of q.objectives)
                metrics.set(o.metric, await this.observe(promTemplate(this.src, o.metric), selector, w, q.signal));
            let requests = null;
            if (this.src.preset === 'http-histogram') {
                const r = await this.get('/api/v1/query', { query: `sum(increase(${this.src.requestsMetric}{${selector}}[${w.seconds}s]))`, time: String(w.end.getTime() / 1000) }, q.signal);
                const v = Number(r.data?.result?.[0]?.value?.[1]);
                requests = Number.isFinite(v) ? Math.round(v) : 0;
            }
            return { requests, metrics };
        };
        const canary = await readTarget('canary');
        const baseline = q.targets.includes('baseline') && this.src.baselineSelector ? await readTarget('baseline') : undefined;
        return { canary, baseline, window: { start: w.start, end: w.end } };
    }
}


/***/ }),

/***/ 45309:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   q: () => (/* binding */ alignWindow)
/* harmony export */ });
/** The window aligned to whole periods, so every period is complete and the window value covers exactly them. */
function alignWindow(w, periodSeconds) {
    const p = periodSeconds * 1000;
    const start = Math.floor(w.start.getTime() / p) * p;
    let end = Math.floor(w.end.getTime() / p) * p;
    if (end <= start)
        end = start + p;
    return { start: new Date(start), end: new Date(end), seconds: (end - start) / 1000 };
}


/***/ }),

/***/ 77115:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  CONNECTION_TIMEOUT_MS: () => (/* binding */ CONNECTION_TIMEOUT_MS),
  REQUEST_TIMEOUT_MS: () => (/* binding */ REQUEST_TIMEOUT_MS),
  USER_AGENT: () => (/* binding */ USER_AGENT),
  awsClient: () => (/* binding */ awsClient),
  timedRequestHandler: () => (/* binding */ timedRequestHandler)
});

// EXTERNAL MODULE: ./node_modules/@smithy/node-http-handler/dist-cjs/index.js
var dist_cjs = __webpack_require__(61279);
// EXTERNAL MODULE: ./node_modules/@smithy/util-retry/dist-cjs/index.js
var util_retry_dist_cjs = __webpack_require__(15518);
;// CONCATENATED MODULE: ./package.json
const package_namespaceObject = {"rE":"1.0.0"};
// EXTERNAL MODULE: ./common/region.ts
var region = __webpack_require__(87968);
// EXTERNAL MODULE: ./common/retry.ts
var retry = __webpack_require__(72804);
;// CONCATENATED MODULE: ./common/aws.ts
/**
 * The one way this project makes AWS clients: region resolution, full-jitter retries, our user agent,
 * and connection and request timeouts on every call (the SDK's own default is to wait forever).
 * Endpoints are never set here, so AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> keep working.
 */





const USER_AGENT = `mesh-actions/${package_namespaceObject.rE}`;
/** TCP (and TLS) connect: AWS endpoints answer in well under a second; a black-holed route must not hang. */
const CONNECTION_TIMEOUT_MS = 5_000;
/**
 * One attempt, from sending the request to the response headers, and the longest silence while
 * the body arrives. The control-plane calls and GetMetricData answer in seconds; a hung attempt
 * fails and is retried (or ends in the caller's deadline, through its abort signal).
 */
const REQUEST_TIMEOUT_MS = 20_000;
/** The HTTP handler every client gets: a hung connect, request or response body is an error, not a wait. */
function timedRequestHandler(opts = {}) {
    const requestTimeout = opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    return new dist_cjs.NodeHttpHandler({
        connectionTimeout: opts.connectionTimeoutMs ?? CONNECTION_TIMEOUT_MS,
        requestTimeout,
        // Without this the SDK only logs a warning when requestTimeout passes and keeps waiting.
        throwOnRequestTimeout: true,
        // Idle socket while the body streams in (requestTimeout stops at the response headers).
        socketTimeout: requestTimeout,
    });
}
function awsClient(Client, opts = {}, extra = {}) {
    const attempts = opts.maxAttempts ?? 5;
    const base = opts.retryBaseMs ?? 200;
    const random = opts.random ?? Math.random;
    return new Client({
        region: (0,region/* resolveRegion */.Z)(opts.region),
        retryStrategy: new util_retry_dist_cjs/* ConfiguredRetryStrategy */.SE(attempts, (attempt) => (0,retry/* fullJitterDelay */.x4)(attempt, base, 20_000, random)),
        customUserAgent: USER_AGENT,
        requestHandler: timedRequestHandler(opts),
        ...extra,
    });
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
