export const id = 717;
export const ids = [717];
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

/***/ 20717:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CloudWatchProvider: () => (/* binding */ CloudWatchProvider)
/* harmony export */ });
/* unused harmony exports errorRate, requestRate, rawIdFor, validateRawQueries, buildPlan, MAX_QUERIES_PER_REQUEST, splitQueries */
/* harmony import */ var _aws_sdk_client_cloudwatch__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(44085);
/* harmony import */ var _common_aws_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77115);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(52251);
/* harmony import */ var _lib_arn_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(40301);
/* harmony import */ var _slo_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(49556);
/* harmony import */ var _port_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(95106);
/* harmony import */ var _sources_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(59611);
/* harmony import */ var _window_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(45309);
/**
 * CloudWatch provider: every metric of one evaluation, for canary and baseline, in ONE GetMetricData
 * request (paged by NextToken only when CloudWatch pages it): CloudWatch bills per metric requested.
 * Presets turn a target (ALB target group, Service Connect service, EMF Service/Version, App Mesh
 * task family) into dimensions; `raw` takes MetricDataQuery JSON as is.
 */








function redSpecs(source) {
    switch (source.preset) {
        case 'alb': {
            if (!source.loadBalancer)
                throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d('Input "load-balancer" is required for preset alb (app/<name>/<id> or its ARN).');
            if (!source.canaryTargetGroup)
                throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d('Input "canary-target-group" is required for preset alb (targetgroup/<name>/<id> or its ARN).');
            const lb = (0,_lib_arn_js__WEBPACK_IMPORTED_MODULE_2__/* .loadBalancerDimension */ .Tj)(source.loadBalancer, 'load-balancer');
            const spec = (tg) => ({
                namespace: 'AWS/ApplicationELB',
                dimensions: [{ Name: 'TargetGroup', Value: tg }, { Name: 'LoadBalancer', Value: lb }],
                requests: 'RequestCount',
                errors: { name: 'HTTPCode_Target_5XX_Count' },
                latency: { name: 'TargetResponseTime', toMs: 1000 },
            });
            return {
                canary: spec((0,_lib_arn_js__WEBPACK_IMPORTED_MODULE_2__/* .targetGroupDimension */ .RA)(source.canaryTargetGroup, 'canary-target-group')),
                baseline: source.baselineTargetGroup ? spec((0,_lib_arn_js__WEBPACK_IMPORTED_MODULE_2__/* .targetGroupDimension */ .RA)(source.baselineTargetGroup, 'baseline-target-group')) : undefined,
            };
        }
        case 'service-connect': {
            const spec = (service) => ({
                namespace: 'AWS/ECS',
                dimensions: [{ Name: 'ClusterName', Value: source.cluster }, { Name: 'ServiceName', Value: service }, { Name: 'DiscoveryName', Value: source.discoveryName }],
                requests: 'RequestCount',
                errors: { name: 'HTTPCode_Target_5XX_Count' },
                latency: { name: 'TargetResponseTime', toMs: 1 },
            });
            return { canary: spec(source.canaryService), baseline: source.baselineService ? spec(source.baselineService) : undefined };
        }
        case 'emf': {
            const spec = (version) => ({
                namespace: source.namespace,
                dimensions: [{ Name: 'Service', Value: source.service }, { Name: 'Version', Value: version }],
                requests: source.metricNames.requests,
                errors: { name: source.metricNames.errors },
                latency: { name: source.metricNames.latency, toMs: 1 },
            });
            return { canary: spec(source.canaryVersion), baseline: source.baselineVersion ? spec(source.baselineVersion) : undefined };
        }
        case 'appmesh': {
            const spec = (family) => ({
                namespace: source.namespace,
                dimensions: [{ Name: 'ClusterName', Value: source.cluster }, { Name: 'TaskDefinitionFamily', Value: family }],
                requests: source.metricNames.requests,
                errors: { name: source.metricNames.errors, extraDimensions: [{ Name: 'envoy_response_code_class', Value: '5' }] },
                latency: { name: source.metricNames.latency, toMs: 1 },
            });
            return { canary: spec(source.canaryFamily), baseline: source.baselineFamily ? spec(source.baselineFamily) : undefined };
        }
    }
}
const idPart = (metric) => metric.replace(/[^A-Za-z0-9]/g, '_');
function redPlan(objectives, specs, targets, windowSeconds) {
    const queries = [];
    const stat = (id, ns, name, dims, s, period = _sources_js__WEBPACK_IMPORTED_MODULE_4__/* .CLOUDWATCH_PERIOD_S */ .fb) => queries.push({ Id: id, MetricStat: { Metric: { Namespace: ns, MetricName: name, Dimensions: dims }, Period: period, Stat: s }, ReturnData: true });
    const percentiles = new Set();
    const customs = new Set();
    for (const o of objectives) {
        const kind = (0,_slo_js__WEBPACK_IMPORTED_MODULE_3__/* .metricKind */ .fK)(o.metric);
        if (kind === 'latency')
            percentiles.add(o.metric);
        if (kind === 'custom')
            customs.add(o.metric);
    }
    const active = targets.filter((t) => specs[t]);
    for (const t of active) {
        const s = specs[t];
        stat(`${t}_req`, s.namespace, s.requests, s.dimensions, 'Sum');
        stat(`${t}_err`, s.namespace, s.errors.name, [...s.dimensions, ...(s.errors.extraDimensions ?? [])], 'Sum');
        for (const p of percentiles) {
            stat(`${t}_${idPart(p)}`, s.namespace, s.latency.name, s.dimensions, p);
            stat(`${t}_${idPart(p)}_window`, s.namespace, s.latency.name, s.dimensions, p, windowSeconds);
        }
        for (const c of customs) {
            stat(`${t}_x_${idPart(c)}`, s.namespace, c, s.dimensions, 'Average');
            stat(`${t}_x_${idPart(c)}_window`, s.namespace, c, s.dimensions, 'Average', windowSeconds);
        }
    }
    return {
        queries,
        read(results, window) {
            const readTarget = (t) => {
                const s = specs[t];
                const req = seriesOf(results.get(`${t}_req`));
                const err = seriesOf(results.get(`${t}_err`));
                const failed = [`${t}_req`, `${t}_err`].map((id) => results.get(id)).find(hasError);
                const requests = [...req.values()].reduce((a, b) => a + b, 0);
                const metrics = new Map();
                for (const o of objectives) {
                    const kind = (0,_slo_js__WEBPACK_IMPORTED_MODULE_3__/* .metricKind */ .fK)(o.metric);
                    if (kind === 'latency') {
                        const id = `${t}_${idPart(o.metric)}`;
                        metrics.set(o.metric, latencyObservation(results.get(id), results.get(`${id}_window`), req, s.latency.toMs));
                    }
                    else if (kind === 'custom') {
                        const id = `${t}_x_${idPart(o.metric)}`;
                        metrics.set(o.metric, latencyObservation(results.get(id), results.get(`${id}_window`), req, 1));
                    }
                    else if (failed) {
                        metrics.set(o.metric, { kind: 'error', message: errorText(failed) });
                    }
                    else if (kind === 'error-rate') {
                        metrics.set(o.metric, errorRate(req, err));
                    }
                    else {
                        metrics.set(o.metric, requestRate(req, window));
                    }
                }
                return { requests: failed ? null : requests, metrics };
            };
            return { canary: readTarget('canary'), baseline: active.includes('baseline') ? readTarget('baseline') : undefined };
        },
    };
}
function seriesOf(r) {
    const out = new Map();
    if (!r?.Timestamps || !r.Values)
        return out;
    r.Timestamps.forEach((ts, i) => out.set(new Date(ts).getTime(), r.Values[i]));
    return out;
}
function hasError(r) {
    return !!r && (r.StatusCode === 'Forbidden' || r.StatusCode === 'InternalError');
}
function errorText(r) {
    return `${r.Id}: ${r.StatusCode}${r.Messages?.length ? ` (${r.Messages.map((m) => m.Value ?? m.Code).join('; ')})` : ''}`;
}
/**
 * ALB publishes nothing for a count that is zero: a period with requests but no 5XX datapoint had
 * zero errors. Periods without requests carry no information and are left out.
 */
function errorRate(req, err) {
    let total = 0;
    let errors = 0;
    const samples = [];
    const times = [];
    const counts = { events: [], trials: [] };
    for (const [ts, r] of [...req].sort((a, b) => a[0] - b[0])) {
        if (!(r > 0))
            continue;
        const e = err.get(ts) ?? 0;
        total += r;
        errors += e;
        samples.push(e / r);
        times.push(ts);
        counts.events.push(e);
        counts.trials.push(r);
    }
    if (total === 0)
        return (0,_port_js__WEBPACK_IMPORTED_MODULE_5__/* .noData */ ._)('no requests in the window');
    return { kind: 'value', value: errors / total, samples, counts, times };
}
/**
 * Requests per second over the window, and per period. A period without a RequestCount datapoint
 * served nothing (ALB publishes no zero counts): it is a 0 sample, or a canary that drops out of
 * the target group half the time would rank like one that never did.
 */
function requestRate(req, window) {
    if (req.size === 0)
        return (0,_port_js__WEBPACK_IMPORTED_MODULE_5__/* .noData */ ._)('no RequestCount datapoints in the window');
    const samples = [];
    for (let ts = window.start.getTime(); ts < window.end.getTime(); ts += _sources_js__WEBPACK_IMPORTED_MODULE_4__/* .CLOUDWATCH_PERIOD_S */ .fb * 1000)
        samples.push((req.get(ts) ?? 0) / _sources_js__WEBPACK_IMPORTED_MODULE_4__/* .CLOUDWATCH_PERIOD_S */ .fb);
    const total = [...req.values()].reduce((a, b) => a + b, 0);
    return { kind: 'value', value: total / window.seconds, samples };
}
/**
 * Per-period values as samples; the window value from the whole-window datapoint, or, when
 * CloudWatch gave none, the request-weighted mean of the periods (an approximation, said so).
 */
function latencyObservation(series, window, req, toMs) {
    if (hasError(series))
        return { kind: 'error', message: errorText(series) };
    const s = [...seriesOf(series).entries()].sort((a, b) => a[0] - b[0]);
    if (s.length === 0)
        return (0,_port_js__WEBPACK_IMPORTED_MODULE_5__/* .noData */ ._)('no datapoints in the window');
    const samples = s.map(([, v]) => v * toMs);
    const times = s.map(([ts]) => ts);
    const w = window?.Values?.[0];
    if (w !== undefined && !hasError(window))
        return { kind: 'value', value: w * toMs, samples, times };
    let weight = 0;
    let sum = 0;
    for (const [ts, v] of s) {
        const r = req.get(ts) ?? 1;
        weight += r;
        sum += r * v * toMs;
    }
    return { kind: 'value', value: sum / weight, samples, times };
}
/** Metric names map to query Ids: p95 → p95, error-rate → error_rate, others as written with non-word characters as _. */
function rawIdFor(metric) {
    return idPart(metric);
}
function rawPlan(objectives, queries, targets) {
    const all = [];
    const active = targets.filter((t) => queries[t]?.length);
    for (const t of active) {
        const ids = queries[t].map((q) => q.Id);
        const rename = (expr) => expr.replace(/\b[a-z][A-Za-z0-9_]*\b/g, (w) => (ids.includes(w) ? `${t}_${w}` : w));
        for (const q of queries[t])
            all.push({ ...q, Id: `${t}_${q.Id}`, ...(q.Expression ? { Expression: rename(q.Expression) } : {}) });
    }
    return {
        queries: all,
        read(results) {
            const readTarget = (t) => {
                const req = results.get(`${t}_requests`);
                const requests = req ? [...seriesOf(req).values()].reduce((a, b) => a + b, 0) : null;
                const metrics = new Map();
                for (const o of objectives) {
                    const r = results.get(`${t}_${rawIdFor(o.metric)}`);
                    if (hasError(r))
                        metrics.set(o.metric, { kind: 'error', message: errorText(r) });
                    else {
                        const samples = [...seriesOf(r).entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
                        // The window value of a raw series is the mean of its periods: give Period = the window for an exact one.
                        metrics.set(o.metric, samples.length ? { kind: 'value', value: samples.reduce((a, b) => a + b, 0) / samples.length, samples } : (0,_port_js__WEBPACK_IMPORTED_MODULE_5__/* .noData */ ._)('no datapoints in the window'));
                    }
                }
                return { requests, metrics };
            };
            return { canary: readTarget('canary'), baseline: active.includes('baseline') ? readTarget('baseline') : undefined };
        },
    };
}
/** Checks a raw source against the objectives before any call: every metric needs a query Id. */
function validateRawQueries(objectives, queries) {
    for (const [t, list] of Object.entries(queries)) {
        if (!list)
            continue;
        const ids = new Set(list.map((q) => q.Id));
        for (const o of objectives) {
            if (t === 'baseline' && o.threshold.kind !== 'relative')
                continue;
            if (!ids.has(rawIdFor(o.metric))) {
                throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`Input "metric-queries": the ${t} queries have no Id "${rawIdFor(o.metric)}" for objective "${o.text}" (Ids: ${[...ids].join(', ') || 'none'}).`);
            }
        }
    }
}
function buildPlan(source, objectives, targets, windowSeconds) {
    if (source.preset === 'raw') {
        validateRawQueries(objectives, source.queries);
        return rawPlan(objectives, source.queries, targets);
    }
    return redPlan(objectives, redSpecs(source), targets, windowSeconds);
}
/** True when the source names a baseline (so relative objectives can be judged). */
function namesBaseline(source) {
    switch (source.preset) {
        case 'alb': return !!source.baselineTargetGroup;
        case 'service-connect': return !!source.baselineService;
        case 'emf': return !!source.baselineVersion;
        case 'appmesh': return !!source.baselineFamily;
        case 'raw': return !!source.queries.baseline?.length;
    }
}
/** GetMetricData takes at most 500 queries per request. */
const MAX_QUERIES_PER_REQUEST = 500;
/**
 * The plan's queries in requests of at most 500. A target's queries stay together when its metric
 * math refers to other Ids (raw queries); plain stats split anywhere.
 */
function splitQueries(queries, max = MAX_QUERIES_PER_REQUEST) {
    if (queries.length <= max)
        return [queries];
    const units = [];
    for (const t of ['canary', 'baseline']) {
        const own = queries.filter((q) => q.Id.startsWith(`${t}_`));
        if (own.length === 0)
            continue;
        if (own.some((q) => q.Expression)) {
            if (own.length > max)
                throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`Input "metric-queries": the ${t} has ${own.length} queries with metric math among them; GetMetricData takes at most ${max} in one request.`);
            units.push(own);
        }
        else {
            for (let i = 0; i < own.length; i += max)
                units.push(own.slice(i, i + max));
        }
    }
    const requests = [];
    for (const u of units) {
        const last = requests.at(-1);
        if (last && last.length + u.length <= max)
            last.push(...u);
        else
            requests.push([...u]);
    }
    return requests;
}
class CloudWatchProvider {
    source;
    deps;
    name = 'cloudwatch';
    hasBaseline;
    baselineInputs = 'baseline-target-group (alb), baseline-service, baseline-version, baseline-task-family, or "baseline" queries';
    client;
    constructor(source, deps = {}) {
        this.source = source;
        this.deps = deps;
        this.hasBaseline = namesBaseline(source);
    }
    /** Checks the source fully (dimensions, ARNs, query Ids) without calling AWS. */
    validate(objectives) {
        buildPlan(this.source, objectives, ['canary', 'baseline'], _sources_js__WEBPACK_IMPORTED_MODULE_4__/* .CLOUDWATCH_PERIOD_S */ .fb);
    }
    async query(q) {
        const w = (0,_window_js__WEBPACK_IMPORTED_MODULE_6__/* .alignWindow */ .q)(q.window, _sources_js__WEBPACK_IMPORTED_MODULE_4__/* .CLOUDWATCH_PERIOD_S */ .fb);
        const plan = buildPlan(this.source, q.objectives, q.targets, w.seconds);
        this.client ??= this.deps.client ?? (0,_common_aws_js__WEBPACK_IMPORTED_MODULE_0__.awsClient)(_aws_sdk_client_cloudwatch__WEBPACK_IMPORTED_MODULE_7__/* .CloudWatchClient */ .WBn, { region: this.deps.region });
        const client = this.client;
        const results = new Map();
        for (const batch of splitQueries(plan.queries)) {
            let nextToken;
            do {
                const out = await client.send(new _aws_sdk_client_cloudwatch__WEBPACK_IMPORTED_MODULE_7__/* .GetMetricDataCommand */ .Soe({ MetricDataQueries: batch, StartTime: w.start, EndTime: w.end, ScanBy: 'TimestampAscending', NextToken: nextToken }), { abortSignal: q.signal });
                for (const r of out.MetricDataResults ?? []) {
                    const prev = results.get(r.Id);
                    // Pages continue the same series: append rather than replace.
                    if (prev)
                        results.set(r.Id, { ...r, Timestamps: [...(prev.Timestamps ?? []), ...(r.Timestamps ?? [])], Values: [...(prev.Values ?? []), ...(r.Values ?? [])] });
                    else
                        results.set(r.Id, r);
                }
                nextToken = out.NextToken;
            } while (nextToken);
        }
        return { ...plan.read(results, w), window: { start: w.start, end: w.end } };
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
