export const id = 363;
export const ids = [363];
export const modules = {

/***/ 38363:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  makeRouter: () => (/* binding */ makeRouter)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-elastic-load-balancing-v2/dist-cjs/index.js
var dist_cjs = __webpack_require__(50586);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ecs/dist-cjs/index.js
var client_ecs_dist_cjs = __webpack_require__(80212);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-app-mesh/dist-cjs/index.js
var client_app_mesh_dist_cjs = __webpack_require__(79356);
// EXTERNAL MODULE: ./common/aws.ts + 1 modules
var aws = __webpack_require__(77115);
// EXTERNAL MODULE: ./common/errors.ts
var errors = __webpack_require__(52251);
// EXTERNAL MODULE: ./actions/traffic/recovery.ts
var recovery = __webpack_require__(2333);
// EXTERNAL MODULE: ./actions/traffic/port.ts
var traffic_port = __webpack_require__(7009);
;// CONCATENATED MODULE: ./actions/traffic/tags.ts
/** Tag values allow letters, digits, spaces and `_ . : / = + - @`, hence the mark's plain `key=value` form. */
const MARK_TAG = 'mesh-actions:canary-ramp';
function encodeMark(m) {
    return `state=${m.state} owner=${m.owner} stable=${m.baseline.stable} canary=${m.baseline.canary} step=${m.step} deadline=${m.deadline}`;
}
/** Null for anything that is not a mark this code wrote (a hand-edited tag is ignored, not trusted). */
function decodeMark(value) {
    if (!value)
        return null;
    const fields = Object.fromEntries(value.split(' ').map((kv) => kv.split('=')));
    const num = (k) => (fields[k] !== undefined && fields[k] !== '' ? Number(fields[k]) : NaN);
    const stable = num('stable');
    const canary = num('canary');
    const step = num('step');
    const deadline = num('deadline');
    if ((fields.state !== 'in-progress' && fields.state !== 'done') || !fields.owner || ![stable, canary, step, deadline].every(Number.isFinite))
        return null;
    return { state: fields.state, owner: fields.owner, baseline: { stable, canary }, step, deadline };
}
/** The port's readMark and writeMark for a router that keeps the mark in its resource's tags. */
class MarkedRouter {
    async readMark(signal) {
        return decodeMark(await this.tags.get(MARK_TAG, signal));
    }
    /** Writes the mark, or removes it with null. */
    async writeMark(mark, signal) {
        if (mark)
            await this.tags.set(MARK_TAG, encodeMark(mark), signal);
        else
            await this.tags.remove(MARK_TAG, signal);
    }
}
/** A TagStore over ListTagsForResource / TagResource / UntagResource on the ARN `arn` finds (looked up once by the backend). */
function arnTagStore(call, arn, api) {
    return {
        async get(key, signal) {
            const resourceArn = await arn(signal);
            const out = await call('ListTagsForResource', (abortSignal) => api.list(resourceArn, abortSignal), signal);
            return out.tags?.find((t) => t.key === key)?.value;
        },
        async set(key, value, signal) {
            const resourceArn = await arn(signal);
            await call('TagResource', (abortSignal) => api.tag(resourceArn, [{ key, value }], abortSignal), signal);
        },
        async remove(key, signal) {
            const resourceArn = await arn(signal);
            await call('UntagResource', (abortSignal) => api.untag(resourceArn, [key], abortSignal), signal);
        },
    };
}

;// CONCATENATED MODULE: ./actions/traffic/alb.ts
/**
 * ALB backend: a weighted `forward` between two target groups, on a listener's default actions or on
 * one listener rule. Only the forward action's two weights change: every other action, the rule's
 * conditions, the stickiness config and any zero-weight target groups are written back as read.
 * With a Lambda target group as "stable" this is also the Strangler Fig shift from Lambda to ECS.
 */





function tuples(action) {
    if (action.ForwardConfig?.TargetGroups?.length)
        return action.ForwardConfig.TargetGroups;
    if (action.TargetGroupArn)
        return [{ TargetGroupArn: action.TargetGroupArn, Weight: 1 }];
    return [];
}
/** The forward action that routes to the stable or canary target group. */
function findForward(actions, t) {
    const index = actions.findIndex((a) => a.Type === 'forward' && tuples(a).some((g) => g.TargetGroupArn === t.stableTargetGroupArn || g.TargetGroupArn === t.canaryTargetGroupArn));
    if (index < 0)
        throw new traffic_port/* RouterStateError */.j1(`no forward action to ${t.stableTargetGroupArn} or ${t.canaryTargetGroupArn} on ${resourceOf(t)}`);
    return index;
}
/** Percent weights of the forward action; refuses a third target group that carries traffic. */
function forwardWeights(action, t) {
    let stable = 0;
    let canary = 0;
    for (const g of tuples(action)) {
        const w = g.Weight ?? 1;
        if (g.TargetGroupArn === t.stableTargetGroupArn)
            stable += w;
        else if (g.TargetGroupArn === t.canaryTargetGroupArn)
            canary += w;
        else if (w > 0)
            throw new traffic_port/* RouterStateError */.j1(`the forward action on ${resourceOf(t)} also sends traffic to ${g.TargetGroupArn}; set its weight to 0 first`);
    }
    if (stable + canary === 0)
        throw new traffic_port/* RouterStateError */.j1(`the forward action on ${resourceOf(t)} gives both target groups weight 0`);
    const canaryPercent = Math.round((canary * 100) / (stable + canary));
    return (0,traffic_port/* weightsFor */.NK)(canaryPercent);
}
/** The same action with the two weights set; other target groups (weight 0) and stickiness kept. */
function withWeights(action, t, w) {
    const others = tuples(action).filter((g) => g.TargetGroupArn !== t.stableTargetGroupArn && g.TargetGroupArn !== t.canaryTargetGroupArn);
    const { TargetGroupArn: _single, ...rest } = action;
    return {
        ...rest,
        ForwardConfig: {
            ...action.ForwardConfig,
            TargetGroups: [
                ...others,
                { TargetGroupArn: t.stableTargetGroupArn, Weight: w.stable },
                { TargetGroupArn: t.canaryTargetGroupArn, Weight: w.canary },
            ],
        },
    };
}
/** Describe output → Modify input: the OIDC client secret is never returned, so keep the existing one. */
function writable(actions) {
    return actions.map((a) => a.AuthenticateOidcConfig && a.AuthenticateOidcConfig.ClientSecret === undefined
        ? { ...a, AuthenticateOidcConfig: { ...a.AuthenticateOidcConfig, UseExistingClientSecret: true } }
        : a);
}
function resourceOf(t) {
    return t.ruleArn ?? t.listenerArn ?? '(no listener or rule)';
}
class AlbRouter extends MarkedRouter {
    client;
    target;
    call;
    kind = 'alb';
    resource;
    /** The actions as last described, so an operator's restore command keeps every other action. */
    lastActions;
    /** The ramp mark's tag on the listener or rule. */
    tags;
    constructor(client, target, call) {
        super();
        this.client = client;
        this.target = target;
        this.call = call;
        this.resource = resourceOf(target);
        const ResourceArns = [this.resource];
        this.tags = {
            get: async (key, signal) => {
                const out = await call('DescribeTags', (abortSignal) => client.send(new dist_cjs/* DescribeTagsCommand */.yRM({ ResourceArns }), { abortSignal }), signal);
                return out.TagDescriptions?.[0]?.Tags?.find((t) => t.Key === key)?.Value;
            },
            set: async (Key, Value, signal) => {
                await call('AddTags', (abortSignal) => client.send(new dist_cjs/* AddTagsCommand */.yjM({ ResourceArns, Tags: [{ Key, Value }] }), { abortSignal }), signal);
            },
            remove: async (key, signal) => {
                await call('RemoveTags', (abortSignal) => client.send(new dist_cjs/* RemoveTagsCommand */.L1A({ ResourceArns, TagKeys: [key] }), { abortSignal }), signal);
            },
        };
    }
    async actions(signal) {
        const t = this.target;
        let actions;
        if (t.ruleArn) {
            const out = await this.call('DescribeRules', (abortSignal) => this.client.send(new dist_cjs/* DescribeRulesCommand */.Ggo({ RuleArns: [t.ruleArn] }), { abortSignal }), signal);
            const rule = out.Rules?.[0];
            if (!rule)
                throw new traffic_port/* RouterStateError */.j1(`listener rule ${t.ruleArn} not found`);
            actions = rule.Actions ?? [];
        }
        else {
            const out = await this.call('DescribeListeners', (abortSignal) => this.client.send(new dist_cjs/* DescribeListenersCommand */.AKE({ ListenerArns: [t.listenerArn] }), { abortSignal }), signal);
            const listener = out.Listeners?.[0];
            if (!listener)
                throw new traffic_port/* RouterStateError */.j1(`listener ${t.listenerArn} not found`);
            actions = listener.DefaultActions ?? [];
        }
        this.lastActions = actions;
        return actions;
    }
    async write(actions, signal) {
        const t = this.target;
        const body = writable(actions);
        if (t.ruleArn)
            await this.call('ModifyRule', (abortSignal) => this.client.send(new dist_cjs/* ModifyRuleCommand */.y5P({ RuleArn: t.ruleArn, Actions: body }), { abortSignal }), signal);
        else
            await this.call('ModifyListener', (abortSignal) => this.client.send(new dist_cjs/* ModifyListenerCommand */.ugc({ ListenerArn: t.listenerArn, DefaultActions: body }), { abortSignal }), signal);
    }
    async snapshot(signal) {
        const actions = await this.actions(signal);
        const forward = actions[findForward(actions, this.target)];
        return { weights: forwardWeights(forward, this.target), detail: forward };
    }
    async read(signal) {
        const actions = await this.actions(signal);
        return forwardWeights(actions[findForward(actions, this.target)], this.target);
    }
    /**
     * read() for the rollback action, which also refuses a canary target group the forward does not
     * route to: a wrong ARN (or the wrong listener or rule) would otherwise look like "already at stable".
     */
    async readForRollback(signal) {
        const actions = await this.actions(signal);
        const forward = actions[findForward(actions, this.target)];
        const groups = tuples(forward);
        if (!groups.some((g) => g.TargetGroupArn === this.target.canaryTargetGroupArn)) {
            const total = groups.reduce((sum, g) => sum + (g.Weight ?? 1), 0);
            const to = groups.map((g) => `${g.TargetGroupArn} (${total ? Math.round(((g.Weight ?? 1) * 100) / total) : 0}%)`).join(', ');
            throw new errors/* InputError */.d(`Input "canary-target-group-arn": ${this.target.canaryTargetGroupArn} is not on the forward action of ${this.resource}, ` +
                `which forwards to ${to}; give the canary target group of this ${this.target.ruleArn ? 'rule' : 'listener'} (nothing was changed).`);
        }
        return forwardWeights(forward, this.target);
    }
    async shift(percent, signal) {
        const actions = await this.actions(signal);
        const i = findForward(actions, this.target);
        forwardWeights(actions[i], this.target); // refuses a shape we must not touch
        const next = [...actions];
        next[i] = withWeights(actions[i], this.target, (0,traffic_port/* weightsFor */.NK)(percent));
        await this.write(next, signal);
    }
    async restore(baseline, signal) {
        const actions = await this.actions(signal);
        await this.write(this.restored(actions, baseline), signal);
    }
    /** The actions with the forward put back: the recorded forward action exactly as it was; from a tag only the weights are known. */
    restored(actions, baseline) {
        const i = findForward(actions, this.target);
        const next = [...actions];
        next[i] = isAction(baseline.detail) ? baseline.detail : withWeights(actions[i], this.target, baseline.weights);
        return next;
    }
    /** `aws elbv2 modify-listener|modify-rule` with every action as last read and the forward as recorded before the ramp. */
    restoreCommand(baseline) {
        const t = this.target;
        let actions;
        try {
            // Never read: the recorded forward alone is the listener's whole default action list only in the usual case.
            actions = this.lastActions ? this.restored(this.lastActions, baseline) : isAction(baseline.detail) ? [baseline.detail] : [];
        }
        catch {
            actions = isAction(baseline.detail) ? [baseline.detail] : [];
        }
        if (!actions.length)
            return null;
        const json = (0,recovery/* shellQuote */.ZL)(JSON.stringify(writable(actions)));
        return t.ruleArn
            ? `aws elbv2 modify-rule --rule-arn ${t.ruleArn} --actions ${json}`
            : `aws elbv2 modify-listener --listener-arn ${t.listenerArn} --default-actions ${json}`;
    }
    async platformSteps() {
        return null;
    }
    metricsScope() {
        const { listenerArn, ruleArn, stableTargetGroupArn, canaryTargetGroupArn } = this.target;
        return { kind: 'alb', ...(ruleArn ? { ruleArn } : { listenerArn }), stableTargetGroupArn, canaryTargetGroupArn };
    }
}
function isAction(x) {
    return !!x && typeof x === 'object' && typeof x.Type === 'string';
}

;// CONCATENATED MODULE: ./actions/traffic/appmesh.ts
/**
 * App Mesh backend: the weighted targets of one VirtualRouter route (HTTP, HTTP2, gRPC or TCP).
 * UpdateRoute replaces the whole spec, so the described spec is written back with only the two
 * weights changed: matches, retry policies, timeouts, priority and other targets stay as they were.
 * AWS ends App Mesh on 2026-09-30; this stays correct for meshes that still run until then.
 */




const KINDS = ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute'];
/** Which protocol section the route uses (exactly one is set). */
function routeKind(spec) {
    const kinds = KINDS.filter((k) => spec[k]);
    if (kinds.length !== 1)
        throw new traffic_port/* RouterStateError */.j1(`route spec has ${kinds.length ? kinds.join(' and ') : 'no'} route section; expected exactly one of ${KINDS.join(', ')}`);
    return kinds[0];
}
function targetsOf(spec) {
    return spec[routeKind(spec)]?.action?.weightedTargets ?? [];
}
function meshWeights(spec, t) {
    let stable = 0;
    let canary = 0;
    for (const target of targetsOf(spec)) {
        const w = target.weight ?? 0;
        if (target.virtualNode === t.stableNode)
            stable += w;
        else if (target.virtualNode === t.canaryNode)
            canary += w;
        else if (w > 0)
            throw new traffic_port/* RouterStateError */.j1(`route ${t.route} also sends traffic to virtual node ${target.virtualNode}; set its weight to 0 first`);
    }
    if (stable + canary === 0)
        throw new traffic_port/* RouterStateError */.j1(`route ${t.route} gives neither ${t.stableNode} nor ${t.canaryNode} any weight`);
    return (0,traffic_port/* weightsFor */.NK)(Math.round((canary * 100) / (stable + canary)));
}
function withTargets(spec, targets) {
    const kind = routeKind(spec);
    const section = spec[kind];
    return { ...spec, [kind]: { ...section, action: { ...section.action, weightedTargets: targets } } };
}
/** The spec with the two nodes' weights set; the canary inherits the stable target's port when it had none. */
function withMeshWeights(spec, t, w) {
    const current = targetsOf(spec);
    const stable = current.find((x) => x.virtualNode === t.stableNode);
    const canary = current.find((x) => x.virtualNode === t.canaryNode);
    if (!stable && !canary)
        throw new traffic_port/* RouterStateError */.j1(`route ${t.route} targets neither ${t.stableNode} nor ${t.canaryNode}`);
    const port = stable?.port ?? canary?.port;
    const others = current.filter((x) => x.virtualNode !== t.stableNode && x.virtualNode !== t.canaryNode);
    const entry = (node, weight, had) => ({ ...had, virtualNode: node, weight, ...(had?.port ?? port) !== undefined ? { port: had?.port ?? port } : {} });
    return withTargets(spec, [...others, entry(t.stableNode, w.stable, stable), entry(t.canaryNode, w.canary, canary)]);
}
class AppMeshRouter extends MarkedRouter {
    client;
    target;
    call;
    kind = 'appmesh';
    resource;
    arn;
    /** The spec as last described, so an operator's restore command keeps everything else. */
    lastSpec;
    /** The ramp mark's tag on the route. */
    tags;
    constructor(client, target, call) {
        super();
        this.client = client;
        this.target = target;
        this.call = call;
        this.resource = `route ${target.route} of virtual router ${target.virtualRouter} in mesh ${target.mesh}`;
        this.tags = arnTagStore(call, (signal) => this.routeArn(signal), {
            list: (resourceArn, abortSignal) => client.send(new client_app_mesh_dist_cjs.ListTagsForResourceCommand({ resourceArn }), { abortSignal }),
            tag: (resourceArn, tags, abortSignal) => client.send(new client_app_mesh_dist_cjs.TagResourceCommand({ resourceArn, tags }), { abortSignal }),
            untag: (resourceArn, tagKeys, abortSignal) => client.send(new client_app_mesh_dist_cjs.UntagResourceCommand({ resourceArn, tagKeys }), { abortSignal }),
        });
    }
    ids() {
        const t = this.target;
        return { meshName: t.mesh, virtualRouterName: t.virtualRouter, routeName: t.route, ...(t.meshOwner ? { meshOwner: t.meshOwner } : {}) };
    }
    async spec(signal) {
        const out = await this.call('DescribeRoute', (abortSignal) => this.client.send(new client_app_mesh_dist_cjs.DescribeRouteCommand(this.ids()), { abortSignal }), signal);
        if (!out.route?.spec)
            throw new traffic_port/* RouterStateError */.j1(`${this.resource} not found`);
        this.arn = out.route.metadata?.arn;
        this.lastSpec = out.route.spec;
        return out.route.spec;
    }
    async update(spec, signal) {
        await this.call('UpdateRoute', (abortSignal) => this.client.send(new client_app_mesh_dist_cjs.UpdateRouteCommand({ ...this.ids(), spec }), { abortSignal }), signal);
    }
    async routeArn(signal) {
        if (!this.arn)
            await this.spec(signal);
        if (!this.arn)
            throw new traffic_port/* RouterStateError */.j1(`${this.resource} has no ARN in DescribeRoute`);
        return this.arn;
    }
    async snapshot(signal) {
        const spec = await this.spec(signal);
        return { weights: meshWeights(spec, this.target), detail: targetsOf(spec) };
    }
    async read(signal) {
        return meshWeights(await this.spec(signal), this.target);
    }
    async shift(percent, signal) {
        const spec = await this.spec(signal);
        meshWeights(spec, this.target); // refuses a shape we must not touch
        await this.update(withMeshWeights(spec, this.target, (0,traffic_port/* weightsFor */.NK)(percent)), signal);
    }
    async restore(baseline, signal) {
        await this.update(this.restored(await this.spec(signal), baseline), signal);
    }
    restored(spec, baseline) {
        const exact = Array.isArray(baseline.detail) ? baseline.detail : null;
        return exact ? withTargets(spec, exact) : withMeshWeights(spec, this.target, baseline.weights);
    }
    /** `aws appmesh update-route` with the spec as last described and the targets as recorded before the ramp. */
    restoreCommand(baseline) {
        if (!this.lastSpec)
            return null;
        let spec;
        try {
            spec = this.restored(this.lastSpec, baseline);
        }
        catch {
            return null;
        }
        const t = this.target;
        return `aws appmesh update-route --mesh-name ${t.mesh} --virtual-router-name ${t.virtualRouter} --route-name ${t.route}` +
            `${t.meshOwner ? ` --mesh-owner ${t.meshOwner}` : ''} --spec ${(0,recovery/* shellQuote */.ZL)(JSON.stringify(spec))}`;
    }
    async platformSteps() {
        return null;
    }
    metricsScope() {
        return undefined;
    }
}

// EXTERNAL MODULE: ./common/duration.ts
var duration = __webpack_require__(76712);
;// CONCATENATED MODULE: ./actions/traffic/ecs.ts
/**
 * ECS backend: ECS native canary/linear deployments, which shift production traffic themselves. The
 * service's deploymentConfiguration has a PAUSE lifecycle hook at PRE_PRODUCTION_TRAFFIC_SHIFT, so
 * before every traffic step the deployment waits for ContinueServiceDeployment: the ramp bakes and
 * judges the current step, then answers CONTINUE (shift on) or ROLLBACK. ECS decides the step sizes.
 */




const IN_FLIGHT = ['PENDING', 'IN_PROGRESS'];
const ROLLED_BACK = new Set(['ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCESSFUL', 'STOP_REQUESTED', 'STOPPED']);
const PAUSE_STAGE = 'PRE_PRODUCTION_TRAFFIC_SHIFT';
/** What the rollback action last did to the service's task definition. */
const ROLLBACK_TAG = 'mesh-actions:rollback';
function decodeRollback(value) {
    const m = value ? /^from=(\S+) to=(\S+)$/.exec(value) : null;
    return m ? { from: m[1], to: m[2] } : null;
}
/** The traffic steps ECS will take; also checks the PAUSE hook the ramp answers is configured. */
function ecsSteps(cfg) {
    const paused = cfg?.lifecycleHooks?.some((h) => h.targetType === 'PAUSE' && h.lifecycleStages?.includes(PAUSE_STAGE));
    if (!paused) {
        throw new traffic_port/* RouterStateError */.j1(`the deployment has no PAUSE lifecycle hook at ${PAUSE_STAGE}, so ECS would shift traffic without waiting for a verdict; add one (see the canary-ramp README, "ECS service settings")`);
    }
    // The ramp answers every paused hook as a traffic step: a pause at another stage would be CONTINUEd
    // unjudged, and the ramp would then wait for a traffic shift that does not come.
    const elsewhere = [...new Set(cfg.lifecycleHooks.filter((h) => h.targetType === 'PAUSE').flatMap((h) => h.lifecycleStages ?? []))].filter((s) => s !== PAUSE_STAGE);
    if (elsewhere.length) {
        throw new traffic_port/* RouterStateError */.j1(`the deployment also has PAUSE lifecycle hooks at ${elsewhere.join(', ')}; canary-ramp answers every pause as a traffic step, so pause only at ${PAUSE_STAGE} (an AWS_LAMBDA hook can check the other stages)`);
    }
    switch (cfg?.strategy) {
        case 'CANARY':
            return [cfg.canaryConfiguration?.canaryPercent ?? 5, 100];
        case 'LINEAR': {
            const step = cfg.linearConfiguration?.stepPercent ?? 10;
            const steps = [];
            for (let p = step; p < 100 - 1e-9; p = Math.round((p + step) * 10) / 10)
                steps.push(p);
            return [...steps, 100];
        }
        case 'BLUE_GREEN':
            return [100];
        default:
            throw new traffic_port/* RouterStateError */.j1(`deployment strategy "${cfg?.strategy ?? 'ROLLING'}" does not shift traffic in steps; use CANARY, LINEAR or BLUE_GREEN`);
    }
}
/** Production traffic on the new revision, as ECS reports it. */
function deploymentWeights(d) {
    if (d.status && ROLLED_BACK.has(d.status))
        return (0,traffic_port/* weightsFor */.NK)(0);
    if (d.status === 'SUCCESSFUL')
        return (0,traffic_port/* weightsFor */.NK)(100);
    return (0,traffic_port/* weightsFor */.NK)(Math.round((d.targetServiceRevision?.requestedProductionTrafficWeight ?? 0) * 10) / 10);
}
function isRollingBack(d) {
    return !!d.status && ROLLED_BACK.has(d.status);
}
function awaitingPause(d) {
    return d.lifecycleHookDetails?.find((h) => h.targetType === 'PAUSE' && h.status === 'AWAITING_ACTION');
}
class EcsRouter extends MarkedRouter {
    client;
    target;
    deps;
    kind = 'ecs';
    resource;
    deploymentArn;
    serviceArn;
    /** The service's tags: the ramp mark and the rollback action's record. */
    tags;
    constructor(client, target, deps) {
        super();
        this.client = client;
        this.target = target;
        this.deps = deps;
        this.resource = `service ${target.service} in cluster ${target.cluster}`;
        this.tags = arnTagStore(deps.call, (signal) => this.service(signal), {
            list: (resourceArn, abortSignal) => client.send(new client_ecs_dist_cjs/* ListTagsForResourceCommand */.a_e({ resourceArn }), { abortSignal }),
            tag: (resourceArn, tags, abortSignal) => client.send(new client_ecs_dist_cjs/* TagResourceCommand */.eqU({ resourceArn, tags }), { abortSignal }),
            untag: (resourceArn, tagKeys, abortSignal) => client.send(new client_ecs_dist_cjs/* UntagResourceCommand */.RP$({ resourceArn, tagKeys }), { abortSignal }),
        });
    }
    get call() {
        return this.deps.call;
    }
    /** The in-flight deployment found first; later calls follow that one, not whatever starts next. */
    async deployment(statuses = IN_FLIGHT, signal) {
        if (!this.deploymentArn) {
            const list = await this.call('ListServiceDeployments', (abortSignal) => this.client.send(new client_ecs_dist_cjs/* ListServiceDeploymentsCommand */.jz8({ cluster: this.target.cluster, service: this.target.service, status: [...statuses] }), { abortSignal }), signal);
            const arn = list.serviceDeployments?.[0]?.serviceDeploymentArn;
            if (!arn)
                throw new traffic_port/* RouterStateError */.j1(`${this.resource} has no deployment in progress to ramp; start one (e.g. with the deploy action) first`);
            this.deploymentArn = arn;
        }
        const out = await this.call('DescribeServiceDeployments', (abortSignal) => this.client.send(new client_ecs_dist_cjs/* DescribeServiceDeploymentsCommand */.A6p({ serviceDeploymentArns: [this.deploymentArn] }), { abortSignal }), signal);
        const d = out.serviceDeployments?.[0];
        if (!d)
            throw new traffic_port/* RouterStateError */.j1(`service deployment ${this.deploymentArn} not found`);
        return d;
    }
    async service(signal) {
        if (!this.serviceArn) {
            const out = await this.call('DescribeServices', (abortSignal) => this.client.send(new client_ecs_dist_cjs/* DescribeServicesCommand */.H7c({ cluster: this.target.cluster, services: [this.target.service] }), { abortSignal }), signal);
            const arn = out.services?.[0]?.serviceArn;
            if (!arn)
                throw new traffic_port/* RouterStateError */.j1(`${this.resource} not found`);
            this.serviceArn = arn;
        }
        return this.serviceArn;
    }
    /** Polls until `done` returns a value; bounded by maxWaitMs and the deadline so a stuck deployment cannot hold the job. */
    async waitFor(what, done, signal) {
        const { clock } = this.deps;
        const pollMs = this.deps.pollMs ?? 15_000;
        const start = clock.now();
        const until = Math.min(start + (this.deps.maxWaitMs ?? 3_600_000), this.deps.deadline ?? Infinity);
        for (;;) {
            const d = await this.deployment(IN_FLIGHT, signal);
            const value = done(d);
            if (value !== undefined)
                return value;
            if (d.status && !IN_FLIGHT.includes(d.status)) {
                throw new traffic_port/* RouterStateError */.j1(`deployment ${d.serviceDeploymentArn} is ${d.status}${d.statusReason ? ` (${d.statusReason})` : ''} while waiting for ${what}`);
            }
            if (clock.now() + pollMs > until)
                throw new traffic_port/* RouterStateError */.j1(`gave up waiting ${(0,duration/* formatDuration */.a3)(Math.max(0, until - start))} for ${what}`);
            await clock.sleep(pollMs, signal);
        }
    }
    async snapshot(signal) {
        const d = await this.deployment(IN_FLIGHT, signal);
        return { weights: deploymentWeights(d), detail: { deploymentArn: d.serviceDeploymentArn } };
    }
    async read(signal) {
        return deploymentWeights(await this.deployment(IN_FLIGHT, signal));
    }
    async platformSteps(signal) {
        return ecsSteps((await this.deployment(IN_FLIGHT, signal)).deploymentConfiguration);
    }
    async shift(percent, signal) {
        const reached = (d) => deploymentWeights(d).canary >= percent - 0.05;
        const hook = await this.waitFor(`the PAUSE hook before the shift to ${percent}%`, (d) => (reached(d) ? null : awaitingPause(d)), signal);
        if (hook === null)
            return; // already there (a resumed ramp)
        this.deps.log(`ECS: CONTINUE at hook ${hook.hookId} (shift to ${percent}%)`);
        await this.call('ContinueServiceDeployment', (abortSignal) => this.client.send(new client_ecs_dist_cjs/* ContinueServiceDeploymentCommand */.LrH({ serviceDeploymentArn: this.deploymentArn, hookId: hook.hookId, action: 'CONTINUE' }), { abortSignal }), signal);
        await this.waitFor(`production traffic at ${percent}%`, (d) => (reached(d) ? true : undefined), signal);
    }
    /** Rolls the in-flight deployment back: through its paused hook when there is one, else by stopping it with rollback. */
    async restore(_baseline, signal) {
        const d = await this.deployment(IN_FLIGHT, signal);
        if (d.status && ROLLED_BACK.has(d.status))
            return;
        const hook = awaitingPause(d);
        if (hook) {
            this.deps.log(`ECS: ROLLBACK at hook ${hook.hookId}`);
            await this.call('ContinueServiceDeployment', (abortSignal) => this.client.send(new client_ecs_dist_cjs/* ContinueServiceDeploymentCommand */.LrH({ serviceDeploymentArn: this.deploymentArn, hookId: hook.hookId, action: 'ROLLBACK' }), { abortSignal }), signal);
        }
        else {
            this.deps.log(`ECS: StopServiceDeployment ${this.deploymentArn} with ROLLBACK`);
            await this.call('StopServiceDeployment', (abortSignal) => this.client.send(new client_ecs_dist_cjs/* StopServiceDeploymentCommand */.a8L({ serviceDeploymentArn: this.deploymentArn, stopType: 'ROLLBACK' }), { abortSignal }), signal);
        }
    }
    /**
     * The rollback action on ECS: rolls the in-flight deployment back, or, with none in flight, returns
     * the service to the task definition it ran before its last successful deployment.
     */
    async rollBackDeployment(signal) {
        const d = await this.inFlight(signal);
        if (d) {
            const before = await this.read(signal);
            if (isRollingBack(d)) {
                return { changed: false, before, after: before, message: `${this.resource}: deployment ${d.serviceDeploymentArn} is already ${d.status}; nothing to change.` };
            }
            await this.restore(undefined, signal);
            const after = await this.read(signal);
            return { changed: true, before, after, message: `${this.resource}: rolled back in-flight deployment ${d.serviceDeploymentArn} (${(0,traffic_port/* formatWeights */.V7)(before)} → ${(0,traffic_port/* formatWeights */.V7)(after)}).` };
        }
        const done = await this.rollbackToPrevious(signal);
        if (!done)
            throw new traffic_port/* RouterStateError */.j1(`${this.resource} has no deployment in flight and no earlier task definition to roll back to`);
        return {
            changed: done.changed,
            before: { taskDefinition: done.changed ? done.from : done.to },
            after: { taskDefinition: done.to },
            message: done.changed
                ? `${this.resource}: task definition ${done.from} → ${done.to} (the one before its last successful deployment).`
                : `${this.resource} already runs ${done.to} (rolled back from ${done.from} earlier); nothing to change.`,
        };
    }
    /** The service's in-flight deployment, one already rolling back included, or null (the rollback action's first question). */
    async inFlight(signal) {
        try {
            return await this.deployment([...IN_FLIGHT, 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'STOP_REQUESTED'], signal);
        }
        catch (err) {
            if (err instanceof traffic_port/* RouterStateError */.j1 && !this.deploymentArn)
                return null;
            throw err;
        }
    }
    /**
     * With no deployment in flight: points the service back at the task definition it ran before its
     * last successful deployment. A tag records what it did, so running it again changes nothing
     * instead of rolling forward again.
     */
    async rollbackToPrevious(signal) {
        const t = this.target;
        const described = await this.call('DescribeServices', (abortSignal) => this.client.send(new client_ecs_dist_cjs/* DescribeServicesCommand */.H7c({ cluster: t.cluster, services: [t.service] }), { abortSignal }), signal);
        const svc = described.services?.[0];
        if (!svc?.serviceArn)
            throw new traffic_port/* RouterStateError */.j1(`${this.resource} not found`);
        this.serviceArn = svc.serviceArn;
        const done = decodeRollback(await this.tags.get(ROLLBACK_TAG, signal));
        if (done && svc.taskDefinition === done.to)
            return { ...done, changed: false };
        const list = await this.call('ListServiceDeployments', (abortSignal) => this.client.send(new client_ecs_dist_cjs/* ListServiceDeploymentsCommand */.jz8({ cluster: t.cluster, service: t.service, status: ['SUCCESSFUL'], maxResults: 1 }), { abortSignal }), signal);
        const last = list.serviceDeployments?.[0]?.serviceDeploymentArn;
        if (!last)
            return null;
        const deps = await this.call('DescribeServiceDeployments', (abortSignal) => this.client.send(new client_ecs_dist_cjs/* DescribeServiceDeploymentsCommand */.A6p({ serviceDeploymentArns: [last] }), { abortSignal }), signal);
        const dep = deps.serviceDeployments?.[0];
        const revisions = [dep?.targetServiceRevision?.arn, dep?.sourceServiceRevisions?.[0]?.arn];
        if (!revisions[0] || !revisions[1])
            return null;
        const out = await this.call('DescribeServiceRevisions', (abortSignal) => this.client.send(new client_ecs_dist_cjs/* DescribeServiceRevisionsCommand */.oF5({ serviceRevisionArns: revisions }), { abortSignal }), signal);
        const byArn = new Map(out.serviceRevisions?.map((r) => [r.serviceRevisionArn, r.taskDefinition]));
        const from = byArn.get(revisions[0]);
        const to = byArn.get(revisions[1]);
        if (!from || !to || from === to)
            return null;
        if (svc.taskDefinition !== from) {
            throw new traffic_port/* RouterStateError */.j1(`${this.resource} runs ${svc.taskDefinition}, not ${from} from its last successful deployment; roll back by deploying the task definition you want`);
        }
        // Recorded first: if UpdateService then fails, a re-run still knows where it was going.
        await this.tags.set(ROLLBACK_TAG, `from=${from} to=${to}`, signal);
        await this.call('UpdateService', (abortSignal) => this.client.send(new client_ecs_dist_cjs/* UpdateServiceCommand */.kZr({ cluster: t.cluster, service: t.service, taskDefinition: to }), { abortSignal }), signal);
        return { from, to, changed: true };
    }
    /** Stops the deployment the ramp followed, with rollback (what restore does when no hook is waiting). */
    restoreCommand() {
        if (!this.deploymentArn)
            return null;
        return `aws ecs stop-service-deployment --service-deployment-arn ${this.deploymentArn} --stop-type ROLLBACK`;
    }
    metricsScope() {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./actions/traffic/config.ts
/**
 * Builds the traffic router a RouterConfig (./router-inputs.ts) describes. Loads every backend's
 * client: the actions import this module only once their inputs are valid.
 */







/** Builds the router; clients make one attempt per call, `call` owns the retries. */
function makeRouter(cfg, deps) {
    const opts = { region: cfg.region, maxAttempts: 1 };
    switch (cfg.kind) {
        case 'alb':
            return new AlbRouter((0,aws.awsClient)(dist_cjs/* ElasticLoadBalancingV2Client */.MlD, opts), cfg, deps.call);
        case 'ecs':
            return new EcsRouter((0,aws.awsClient)(client_ecs_dist_cjs/* ECSClient */.Zgc, opts), cfg, deps);
        case 'appmesh':
            return new AppMeshRouter((0,aws.awsClient)(client_app_mesh_dist_cjs.AppMeshClient, opts), cfg, deps.call);
    }
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


/***/ })

};
