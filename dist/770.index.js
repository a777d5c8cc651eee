export const id = 770;
export const ids = [770];
export const modules = {

/***/ 3770:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   gateOverrides: () => (/* binding */ gateOverrides)
/* harmony export */ });
/* harmony import */ var _lib_arn_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(40301);

function gateOverrides(scope) {
    if (!scope)
        return undefined;
    return {
        alb: {
            loadBalancer: (0,_lib_arn_js__WEBPACK_IMPORTED_MODULE_0__/* .loadBalancerDimension */ .T)(scope.ruleArn ?? scope.listenerArn, scope.ruleArn ? 'rule-arn' : 'listener-arn'),
            canaryTargetGroup: (0,_lib_arn_js__WEBPACK_IMPORTED_MODULE_0__/* .targetGroupDimension */ .R)(scope.canaryTargetGroupArn, 'canary-target-group-arn'),
            baselineTargetGroup: (0,_lib_arn_js__WEBPACK_IMPORTED_MODULE_0__/* .targetGroupDimension */ .R)(scope.stableTargetGroupArn, 'stable-target-group-arn'),
        },
    };
}


/***/ }),

/***/ 40301:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   R: () => (/* binding */ targetGroupDimension),
/* harmony export */   T: () => (/* binding */ loadBalancerDimension)
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
/** The load balancer itself, its ARN, or one of its listeners' or listener rules' ARNs. */
const LB_FORMS = new RegExp(`^(?:${LB}|${PREFIX}loadbalancer\\/${LB}|${PREFIX}listener\\/${LB}\\/[0-9a-f]+|${PREFIX}listener-rule\\/${LB}\\/[0-9a-f]+\\/[0-9a-f]+)$`);
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


/***/ })

};
