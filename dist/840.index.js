export const id = 840;
export const ids = [840];
export const modules = {

/***/ 46840:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   probe: () => (/* binding */ probe)
/* harmony export */ });
/* unused harmony exports encodeHealthRequest, decodeHealthStatus */
/* harmony import */ var _grpc_grpc_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83033);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(52251);
/* harmony import */ var _plan_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(71012);
/** One request per check, each bounded by its own timeout and the step's signal. */



/** Body text kept for a "contains" check and for the report; a smoke endpoint has no business sending more. */
const BODY_LIMIT = 64 * 1024;
async function probe(check, opts) {
    const started = performance.now();
    const result = check.kind === 'http' ? await probeHttp(check, opts) : await probeGrpc(check, opts);
    return { ...result, ms: Math.round(performance.now() - started) };
}
function expectation(check) {
    return `${(0,_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .describeStatus */ .Wn)(check.expect)}${check.contains ? ` containing "${check.contains}"` : ''}`;
}
async function probeHttp(check, opts) {
    const withBody = opts.body !== '' && !['GET', 'HEAD'].includes(check.method);
    let json = false;
    if (withBody)
        try {
            JSON.parse(opts.body);
            json = true;
        }
        catch { /* sent as text */ }
    try {
        const res = await fetch(check.url, {
            method: check.method,
            headers: { ...(json ? { 'content-type': 'application/json' } : {}), ...opts.headers },
            body: withBody ? opts.body : undefined,
            redirect: 'manual',
            signal: AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)]),
        });
        const text = (await res.text()).slice(0, BODY_LIMIT);
        const statusOk = (0,_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .statusMatches */ .W_)(check.expect, res.status);
        const bodyOk = !check.contains || text.includes(check.contains);
        const got = `${res.status}${statusOk && !bodyOk ? ` without "${check.contains}"` : ''}`;
        return { ok: statusOk && bodyOk, got: statusOk && bodyOk ? got : `${got} (expected ${expectation(check)})` };
    }
    catch (err) {
        if (opts.signal.aborted)
            throw opts.signal.reason;
        const why = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${opts.timeoutMs} ms` : (0,_common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .g)(err instanceof Error && err.cause instanceof Error ? err.cause : err);
        return { ok: false, got: why };
    }
}
// grpc.health.v1 Check, encoded by hand: one string field in, one enum field out. grpc-health-check
// loads its .proto from disk at import, which a single-file bundle does not carry.
const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];
function encodeHealthRequest(service) {
    const name = Buffer.from(service, 'utf8');
    if (!name.length)
        return Buffer.alloc(0);
    const len = [];
    for (let n = name.length;; n >>>= 7) {
        if (n < 0x80) {
            len.push(n);
            break;
        }
        len.push((n & 0x7f) | 0x80);
    }
    return Buffer.concat([Buffer.from([0x0a, ...len]), name]);
}
function decodeHealthStatus(bytes) {
    // Field 1, varint: tag 0x08. An absent field is the default, UNKNOWN.
    for (let i = 0; i < bytes.length;) {
        const tag = bytes[i++];
        let value = 0;
        for (let shift = 0; i < bytes.length; shift += 7) {
            const b = bytes[i++];
            value |= (b & 0x7f) << shift;
            if (!(b & 0x80))
                break;
        }
        if (tag === 0x08)
            return SERVING_STATUS[value] ?? `status ${value}`;
        if ((tag & 7) !== 0)
            break; // only varint fields are expected in this message
    }
    return 'UNKNOWN';
}
function probeGrpc(check, opts) {
    const client = new _grpc_grpc_js__WEBPACK_IMPORTED_MODULE_0__/* .Client */ .Kj(check.target, opts.grpcTls ? _grpc_grpc_js__WEBPACK_IMPORTED_MODULE_0__/* .credentials */ .z3.createSsl() : _grpc_grpc_js__WEBPACK_IMPORTED_MODULE_0__/* .credentials */ .z3.createInsecure());
    const subject = check.service ? `service "${check.service}"` : 'the server';
    return new Promise((resolve, reject) => {
        const onAbort = () => call.cancel();
        const call = client.makeUnaryRequest('/grpc.health.v1.Health/Check', (service) => service, decodeHealthStatus, encodeHealthRequest(check.service), new _grpc_grpc_js__WEBPACK_IMPORTED_MODULE_0__/* .Metadata */ .OS(), { deadline: Date.now() + opts.timeoutMs }, (err, status) => {
            opts.signal.removeEventListener('abort', onAbort);
            client.close();
            if (opts.signal.aborted)
                return reject(opts.signal.reason);
            if (err)
                return resolve({ ok: false, got: `${_grpc_grpc_js__WEBPACK_IMPORTED_MODULE_0__/* .status */ .h5[err.code] ?? err.code}: ${err.details}` });
            resolve({ ok: status === 'SERVING', got: status === 'SERVING' ? 'SERVING' : `${status} (expected SERVING for ${subject})` });
        });
        opts.signal.addEventListener('abort', onAbort, { once: true });
    });
}


/***/ })

};
