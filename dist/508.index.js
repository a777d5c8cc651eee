export const id = 508;
export const ids = [508];
export const modules = {

/***/ 86508:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   K6Provider: () => (/* binding */ K6Provider)
/* harmony export */ });
/* unused harmony exports parseK6Summary, k6Value, k6ThresholdResults */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(51455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(52251);
/* harmony import */ var _slo_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(49556);
/* harmony import */ var _port_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(95106);
/**
 * k6 provider: reads a k6 end-of-test summary, in either shape k6 writes:
 *  - `--summary-export` (legacy): `metrics.<name>.{avg,med,p(95),value,rate,...}`, and `thresholds`
 *    as `{ "<expr>": true }` where TRUE MEANS THE THRESHOLD FAILED;
 *  - `handleSummary(data)` JSON: `metrics.<name>.values.{...}` and `thresholds` as `{ "<expr>": { ok } }`.
 * A summary has window values only (no per-period samples), so baseline ratios are plain ratios.
 */




/** Normalises both shapes; throws a clear error when the JSON is neither. */
function parseK6Summary(json, what) {
    const metrics = json?.metrics;
    if (!metrics || typeof metrics !== 'object')
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`${what}: not a k6 summary (no "metrics" object); expected the JSON of --summary-export or of handleSummary(data).`);
    const entries = Object.entries(metrics);
    const handle = entries.some(([, m]) => m && typeof m === 'object' && 'values' in m);
    const out = new Map();
    for (const [name, m] of entries) {
        const raw = (handle ? m.values : m);
        const stats = {};
        for (const [k, v] of Object.entries(raw ?? {}))
            if (typeof v === 'number')
                stats[k] = v;
        const thresholds = {};
        for (const [expr, t] of Object.entries((m.thresholds ?? {}))) {
            // Export shape: `true` = failed. handleSummary shape: `{ ok: true }` = passed.
            thresholds[expr] = handle ? t?.ok === true : t === false;
        }
        out.set(name, { stats, thresholds });
    }
    return { shape: handle ? 'handle-summary' : 'summary-export', metrics: out };
}
/** `p95` → `p(95)`; p50 also answers from `med`. */
function percentileStat(stats, q) {
    return stats[`p(${q})`] ?? (q === 50 ? stats.med : undefined);
}
/** The value one objective's metric reads from a summary. Custom metrics: `name` or `name.stat` (avg, med, max, p95, rate, count, value). */
function k6Value(summary, metric, latencyMetric) {
    const kind = (0,_slo_js__WEBPACK_IMPORTED_MODULE_2__/* .metricKind */ .fK)(metric);
    if (kind === 'latency') {
        const m = summary.metrics.get(latencyMetric);
        if (!m)
            return (0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .noData */ ._)(`the summary has no ${latencyMetric} metric`);
        const q = (0,_slo_js__WEBPACK_IMPORTED_MODULE_2__/* .percentileOf */ .D4)(metric);
        const v = percentileStat(m.stats, q);
        return v === undefined ? (0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .noData */ ._)(`${latencyMetric} has no p(${q}) in the summary (add it to summaryTrendStats)`) : { kind: 'value', value: v, samples: [] };
    }
    if (kind === 'error-rate') {
        const m = summary.metrics.get('http_req_failed');
        const v = m?.stats.rate ?? m?.stats.value;
        return v === undefined ? (0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .noData */ ._)('the summary has no http_req_failed rate') : { kind: 'value', value: v, samples: [] };
    }
    if (kind === 'request-rate') {
        const v = summary.metrics.get('http_reqs')?.stats.rate;
        return v === undefined ? (0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .noData */ ._)('the summary has no http_reqs rate') : { kind: 'value', value: v, samples: [] };
    }
    const [name, stat] = splitCustom(summary, metric);
    const m = summary.metrics.get(name);
    if (!m)
        return (0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .noData */ ._)(`the summary has no metric ${name}`);
    const key = stat ?? ['rate', 'value', 'avg', 'count'].find((k) => k in m.stats);
    const pq = key ? /^p(\d+(?:\.\d+)?)$/.exec(key) : null;
    const v = key === undefined ? undefined : pq ? percentileStat(m.stats, Number(pq[1])) : m.stats[key];
    return v === undefined ? (0,_port_js__WEBPACK_IMPORTED_MODULE_3__/* .noData */ ._)(`${name} has no ${key ?? 'value'} in the summary`) : { kind: 'value', value: v, samples: [] };
}
/** `http_req_waiting.p95` → [http_req_waiting, p95]; a name that itself has dots is matched whole first. */
function splitCustom(summary, metric) {
    if (summary.metrics.has(metric))
        return [metric, undefined];
    // The longest known metric name before a dot wins: `http_req_waiting.p99.9` → http_req_waiting + p99.9.
    for (let dot = metric.lastIndexOf('.'); dot > 0; dot = metric.lastIndexOf('.', dot - 1)) {
        if (summary.metrics.has(metric.slice(0, dot)))
            return [metric.slice(0, dot), metric.slice(dot + 1)];
    }
    return [metric, undefined];
}
/** Every threshold k6 itself evaluated, as one more objective each. */
function k6ThresholdResults(summary) {
    const out = [];
    for (const [name, m] of summary.metrics) {
        for (const [expr, ok] of Object.entries(m.thresholds)) {
            out.push({
                objective: `k6 threshold ${name}: ${expr}`,
                verdict: ok ? 'pass' : 'fail',
                canary: { value: null, samples: 0 },
                test: { name: 'k6-threshold', shape: summary.shape },
                reason: ok ? 'k6 reported the threshold as met' : 'k6 reported the threshold as crossed',
            });
        }
    }
    return out;
}
async function load(path, input) {
    let text;
    try {
        text = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(path, 'utf8');
    }
    catch (err) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`Input "${input}": cannot read "${path}" (${err.code ?? err}).`);
    }
    let json;
    try {
        json = JSON.parse(text);
    }
    catch {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`Input "${input}": "${path}" is not JSON; expected a k6 summary (--summary-export or handleSummary).`);
    }
    return parseK6Summary(json, `Input "${input}" ("${path}")`);
}
class K6Provider {
    source;
    name = 'k6-summary';
    hasBaseline;
    baselineInputs = 'k6-baseline-summary';
    constructor(source) {
        this.source = source;
        this.hasBaseline = !!source.baselineSummary;
    }
    /** A summary answers for any metric it has; which it has is known only once it is read. */
    validate() { }
    async query(q) {
        const read = (s) => ({
            requests: s.metrics.get('http_reqs')?.stats.count ?? null,
            metrics: new Map(q.objectives.map((o) => [o.metric, k6Value(s, o.metric, this.source.latencyMetric)])),
        });
        const canary = await load(this.source.canarySummary, 'k6-summary');
        const baseline = q.targets.includes('baseline') && this.source.baselineSummary ? await load(this.source.baselineSummary, 'k6-baseline-summary') : undefined;
        return { canary: read(canary), baseline: baseline && read(baseline), checks: k6ThresholdResults(canary) };
    }
}


/***/ })

};
