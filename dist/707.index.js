export const id = 707;
export const ids = [707];
export const modules = {

/***/ 17707:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   rollBack: () => (/* binding */ rollBack)
/* harmony export */ });
/* harmony import */ var _traffic_port_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7009);
/* harmony import */ var _plan_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(85432);
/**
 * The rollback itself, with the router injected: idempotent (a second run finds nothing to change),
 * weights read before and after. A backend that rolls back a deployment rather than weights (ECS)
 * does its own rollback through the port.
 */


/** Every call is bounded by `signal` (the action's restore budget). */
async function rollBack(router, to, signal) {
    if (router.rollBackDeployment)
        return router.rollBackDeployment(signal);
    const mark = await router.readMark(signal);
    // Before anything is written: a canary the listener does not route to is a wrong input, not "already at stable".
    const before = router.readForRollback ? await router.readForRollback(signal) : await router.read(signal);
    const target = (0,_plan_js__WEBPACK_IMPORTED_MODULE_1__/* .targetWeights */ .b)(to, mark, router.resource);
    // A live ramp checks its mark before each step and before restoring: closing it first makes the ramp
    // stop and leave traffic be, instead of shifting its next step over the weights written below.
    if (mark?.state === 'in-progress')
        await router.writeMark({ ...mark, state: 'done' }, signal);
    let changed = false;
    if (!(0,_traffic_port_js__WEBPACK_IMPORTED_MODULE_0__/* .sameWeights */ .ML)(before, target.weights)) {
        await router.restore({ weights: target.weights }, signal);
        changed = true;
    }
    const after = await router.read(signal);
    if (!(0,_traffic_port_js__WEBPACK_IMPORTED_MODULE_0__/* .sameWeights */ .ML)(after, target.weights))
        throw new _traffic_port_js__WEBPACK_IMPORTED_MODULE_0__/* .RouterStateError */ .j1(`read back ${(0,_traffic_port_js__WEBPACK_IMPORTED_MODULE_0__/* .formatWeights */ .V7)(after)} after setting ${(0,_traffic_port_js__WEBPACK_IMPORTED_MODULE_0__/* .formatWeights */ .V7)(target.weights)}`);
    return {
        changed, before, after,
        message: changed
            ? `${router.resource}: ${(0,_traffic_port_js__WEBPACK_IMPORTED_MODULE_0__/* .formatWeights */ .V7)(before)} → ${(0,_traffic_port_js__WEBPACK_IMPORTED_MODULE_0__/* .formatWeights */ .V7)(after)} (${target.why}).`
            : `${router.resource} is already at ${(0,_traffic_port_js__WEBPACK_IMPORTED_MODULE_0__/* .formatWeights */ .V7)(after)} (${target.why}); nothing to change.`,
    };
}


/***/ })

};
