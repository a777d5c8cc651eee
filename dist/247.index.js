export const id = 247;
export const ids = [247];
export const modules = {

/***/ 86247:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   autocannonLoad: () => (/* binding */ autocannonLoad)
/* harmony export */ });
/* harmony import */ var autocannon__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(88174);
/* harmony import */ var autocannon__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(autocannon__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(52251);
/* harmony import */ var _load_plan_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(89094);
/* harmony import */ var _load_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6688);
/**
 * The autocannon driver: constant-rate HTTP/1.1 load from this process (no worker threads), counted
 * from autocannon's own events. Imported only when `load-url` is set with load-tool autocannon.
 */




/**
 * autocannon ends a stopped run at its next sample tick: at 100 ms instead of the default second,
 * stop() returns promptly and no request leaves after it.
 */
const SAMPLE_MS = 100;
/** The longest stop() waits for autocannon to close its connections before reporting anyway. */
const STOP_BUDGET_MS = 5_000;
/** autocannon keeps its end in a timer: beyond this Node would fire it at once. */
const MAX_DURATION_S = Math.floor((2 ** 31 - 1) / 1000);
function autocannonLoad(plan, opts) {
    return {
        description: (0,_load_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .describeLoad */ .sF)(plan),
        start: () => startRun(plan, opts.deadline),
    };
}
function startRun(plan, deadline) {
    const stats = (0,_load_js__WEBPACK_IMPORTED_MODULE_3__/* .emptyStats */ .bD)(plan);
    const startedAt = Date.now();
    let endedAt = null;
    let ended;
    const done = new Promise((resolve) => (ended = resolve));
    const finish = (err) => {
        endedAt ??= Date.now();
        if (err)
            stats.note = `autocannon stopped: ${(0,_common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .g)(err)}`;
        ended();
    };
    // The run ends by itself at the deadline: a ramp that never gets to stop it cannot leave it running.
    const duration = Math.min(MAX_DURATION_S, (0,_load_js__WEBPACK_IMPORTED_MODULE_3__/* .secondsUntil */ .Ch)(deadline, startedAt));
    let instance;
    try {
        instance = autocannon__WEBPACK_IMPORTED_MODULE_0___default()({
            url: plan.url,
            method: plan.method,
            headers: plan.headers,
            ...(plan.body !== undefined ? { body: plan.body } : {}),
            connections: plan.connections,
            overallRate: plan.rate,
            timeout: plan.timeoutMs / 1000,
            duration,
            sampleInt: SAMPLE_MS,
        }, (err) => finish(err));
    }
    catch (err) {
        return (0,_load_js__WEBPACK_IMPORTED_MODULE_3__/* .failedRun */ .XZ)(plan, `autocannon could not start: ${(0,_common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .g)(err)}`);
    }
    instance.on('response', (_client, status) => {
        stats.requests++;
        if (status < 200 || status > 299)
            stats.non2xx++;
    });
    // A timeout or a connection error: no answer. (autocannon reconnects and carries on.)
    instance.on('reqError', () => {
        stats.requests++;
        stats.errors++;
    });
    function snapshot() {
        return { ...stats, durationMs: (endedAt ?? Date.now()) - startedAt };
    }
    let stopping = null;
    return {
        stats: snapshot,
        stop() {
            stopping ??= (async () => {
                instance.stop();
                await (0,_load_js__WEBPACK_IMPORTED_MODULE_3__/* .settlesWithin */ .od)(done, STOP_BUDGET_MS);
                if (endedAt === null) {
                    endedAt = Date.now();
                    stats.note = `autocannon did not confirm its stop within ${STOP_BUDGET_MS / 1000}s`;
                }
                return snapshot();
            })();
            return stopping;
        },
    };
}


/***/ })

};
