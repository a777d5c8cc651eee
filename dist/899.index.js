export const id = 899;
export const ids = [899];
export const modules = {

/***/ 55899:
/***/ ((module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
__webpack_require__.r(__webpack_exports__);
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(10646);
// The action's entry in the one bundle: the runner starts dist/slo-gate.js, which loads it, for main and again for post.

await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .e)();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 10646:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  e: () => (/* binding */ run)
});

// UNUSED EXPORTS: action

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(41914);
// EXTERNAL MODULE: ./actions/lib/runner.ts
var runner = __webpack_require__(53266);
// EXTERNAL MODULE: ./actions/metrics/gate.ts + 5 modules
var gate = __webpack_require__(30751);
// EXTERNAL MODULE: ./actions/lib/inputs.ts
var inputs = __webpack_require__(87721);
;// CONCATENATED MODULE: ./actions/slo-gate/plan.ts
/** slo-gate's inputs and the pure decision of what a verdict does to the step. */


function readInputs() {
    return { gate: (0,gate/* readGateConfig */.Gg)(), onInconclusive: (0,inputs/* getEnum */.GV)('on-inconclusive', ['fail', 'pass'], 'fail') };
}
/** fail fails the step, inconclusive too unless on-inconclusive: pass; dry-run never fails. */
function decideOutcome(result, inputs) {
    const line = `SLO gate ${result.result}: ${result.reason}`;
    if (result.result === 'pass')
        return { failStep: false, message: line, level: 'notice' };
    const wouldFail = result.result === 'fail' || inputs.onInconclusive === 'fail';
    if (inputs.dryRun)
        return { failStep: false, message: `${line} (dry-run: not failing the step${wouldFail ? '' : ', and on-inconclusive is pass'})`, level: 'warning' };
    if (!wouldFail)
        return { failStep: false, message: `${line} (on-inconclusive: pass)`, level: 'warning' };
    return { failStep: true, message: line, level: 'error' };
}

;// CONCATENATED MODULE: ./actions/slo-gate/main.ts




const action = {
    async main(signal) {
        const inputs = readInputs();
        const result = await (0,gate/* evaluateGate */.DR)(inputs.gate, {}, { signal });
        core/* setOutput */.uH('result', result.result);
        core/* setOutput */.uH('reason', result.reason);
        core/* setOutput */.uH('report', JSON.stringify(result));
        await core/* summary */.z.addRaw((0,gate/* renderGateSummary */.oU)(result)).write();
        const outcome = decideOutcome(result, { onInconclusive: inputs.onInconclusive, dryRun: inputs.gate.dryRun });
        if (outcome.failStep)
            core/* setFailed */.C1(outcome.message);
        else if (outcome.level === 'warning')
            core/* warning */.$e(outcome.message);
        else
            core/* notice */.lm(outcome.message);
    },
};
/** main, or post once main has run: what the bundle runs, and what GitHub's local runner (@github/local-action) calls. */
function run() {
    return (0,runner/* runAction */.Cs)(action);
}


/***/ })

};
