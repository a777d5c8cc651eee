export const id = 269;
export const ids = [269];
export const modules = {

/***/ 22643:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _A: () => (/* binding */ parseParameters),
/* harmony export */   rL: () => (/* binding */ parseTags),
/* harmony export */   vA: () => (/* binding */ resolveParameters)
/* harmony export */ });
/* unused harmony exports MAP_FORM, parseKeyValues */
/* harmony import */ var yaml__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(38815);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(52251);
/**
 * Parses stack parameters and tags from the forms people actually write in workflows: a YAML or
 * JSON map, CloudFormation's own `[{ParameterKey, ParameterValue}]` file, or `Key=Value` lines.
 * One entry per line (never split on commas), so a value such as `subnet-a,subnet-b` survives
 * intact: the comma bug (aws-cloudformation-github-deploy#47) cannot happen here.
 */


const MAP_FORM = 'a YAML/JSON map (Key: value), CloudFormation\'s [{"ParameterKey": ..., "ParameterValue": ...}] list, or one Key=Value per line (values may contain commas and "=")';
function scalar(value, where) {
    if (typeof value === 'string')
        return value;
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
        return String(value);
    if (Array.isArray(value) && value.every((v) => ['string', 'number', 'boolean'].includes(typeof v)))
        return value.join(',');
    throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`${where}: the value must be a string, number, boolean or a list of those (joined with commas); got ${value === null ? 'null' : typeof value}.`);
}
function fromObject(obj, what) {
    const out = new Map();
    for (const [key, value] of Object.entries(obj))
        out.set(key, scalar(value, `${what} "${key}"`));
    return out;
}
/** `[{ParameterKey, ParameterValue}]` (aws cloudformation CLI) or `[{Key, Value}]` (tags). */
function fromList(list, what) {
    const out = new Map();
    list.forEach((item, i) => {
        const rec = (item && typeof item === 'object' ? item : {});
        const key = rec.ParameterKey ?? rec.Key;
        const value = rec.ParameterValue ?? rec.Value;
        if (typeof key !== 'string' || value === undefined) {
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`${what}: item ${i + 1} of the list has no ParameterKey/ParameterValue (or Key/Value); expected ${MAP_FORM}.`);
        }
        if (out.has(key))
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`${what}: "${key}" is given twice.`);
        out.set(key, scalar(value, `${what} "${key}"`));
    });
    return out;
}
function fromLines(text, what) {
    const out = new Map();
    text.split(/\r?\n/).forEach((rawLine, i) => {
        const line = rawLine.trim();
        if (!line || line.startsWith('#'))
            return;
        const eq = line.indexOf('=');
        // The line is not quoted: it may be (part of) a secret value, and errors are printed before masking.
        if (eq <= 0)
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`${what}: line ${i + 1} is not Key=Value (it has no "=" after a name); expected ${MAP_FORM}.`);
        const key = line.slice(0, eq).trim();
        if (out.has(key))
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`${what}: "${key}" is given twice (line ${i + 1}).`);
        out.set(key, line.slice(eq + 1).trim());
    });
    return out;
}
/**
 * True when the first meaningful line is `Key=...`: "=" comes before any ": " (a YAML key), so
 * `Desc=a: b` and `app:team=x` are lines while `key: a=b` is YAML.
 */
function looksLikeLines(text) {
    const first = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l && !l.startsWith('#')) ?? '';
    const eq = first.indexOf('=');
    if (eq <= 0 || /^[{[]/.test(first))
        return false;
    const key = first.slice(0, eq);
    return !key.includes(': ') && !/\s\S/.test(key.trim());
}
/** Parses the text of an input or file. `what` names the input (and file) in errors. */
function parseKeyValues(text, what) {
    if (!text.trim())
        return new Map();
    if (looksLikeLines(text))
        return fromLines(text, what);
    // uniqueKeys: a key given twice in a map is an error, not a silent overwrite.
    const parsed = yaml__WEBPACK_IMPORTED_MODULE_0__.parseDocument(text, { uniqueKeys: true, prettyErrors: false });
    if (parsed.errors.length) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`${what}: not valid YAML/JSON (${parsed.errors[0].message.split('\n')[0]}); expected ${MAP_FORM}.`);
    }
    // Values are text to CloudFormation: keep what was written, not YAML's number or boolean
    // (`1.10` would become "1.1", an account ID `012345678901` would lose its zero).
    yaml__WEBPACK_IMPORTED_MODULE_0__.visit(parsed, {
        Scalar(_key, node) {
            if (typeof node.value !== 'string' && node.value !== null && node.source !== undefined)
                node.value = node.source;
        },
    });
    const doc = parsed.toJS();
    if (Array.isArray(doc))
        return fromList(doc, what);
    if (doc && typeof doc === 'object')
        return fromObject(doc, what);
    throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`${what}: the text is neither a map nor Key=Value lines; expected ${MAP_FORM}.`);
}
const PARAMETER_KEY = /^[A-Za-z0-9]{1,255}$/;
/** Stack parameters: keys are alphanumeric (CloudFormation's rule), checked here so a typo fails before any call. */
function parseParameters(text, what = 'Input "parameters"') {
    const map = parseKeyValues(text, what);
    for (const key of map.keys()) {
        if (!PARAMETER_KEY.test(key))
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`${what}: "${key}" is not a parameter name; CloudFormation parameter names are letters and digits only.`);
    }
    return map;
}
/** Stack tags: at most 50, key 1-128 and value 0-256 characters, `aws:` reserved. */
function parseTags(text, what = 'Input "tags"') {
    const map = parseKeyValues(text, what);
    if (map.size > 50)
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`${what}: ${map.size} tags given; a stack takes at most 50.`);
    for (const [key, value] of map) {
        if (key.length < 1 || key.length > 128)
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`${what}: tag key "${key}" must be 1 to 128 characters.`);
        if (value.length > 256)
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`${what}: the value of tag "${key}" is longer than 256 characters.`);
        if (key.toLowerCase().startsWith('aws:'))
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`${what}: tag key "${key}" uses the reserved prefix "aws:".`);
    }
    return map;
}
/**
 * The Parameters of a change set. Checked against the template's declarations when the template
 * could be read (an unknown key is a typo worth failing on). On an update, a declared parameter not
 * given keeps its current value (as `aws cloudformation deploy` does) instead of silently falling
 * back to the template default or failing for want of one; when the current value is the default
 * anyway it is left out, which means the same and keeps a no-op recognisable as one.
 */
function resolveParameters(given, declared, current) {
    const list = [...given].map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
    if (!declared)
        return list;
    const unknown = [...given.keys()].filter((k) => !declared.has(k));
    if (unknown.length) {
        const known = [...declared.keys()];
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`Input "parameters": ${unknown.map((k) => `"${k}"`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not declared by the template (it declares ${known.length ? known.join(', ') : 'no parameters'}).`);
    }
    // `A=1,B=2` on one line is the other deploy action's comma form; here it gives A the value
    // "1,B=2" and B its default, silently. Values may hold commas, so refuse only a comma followed
    // by the name of a declared parameter that is not given on its own.
    for (const [key, value] of given) {
        const swallowed = [...value.matchAll(/,\s*([A-Za-z0-9]+)=/g)].map((m) => m[1]).find((k) => declared.has(k) && !given.has(k));
        if (swallowed) {
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`Input "parameters": the value of "${key}" contains ",${swallowed}=" and ${swallowed} is a parameter of the template; give one Key=Value per line (values keep their commas), or a YAML map.`);
        }
    }
    const missing = [];
    for (const [name, spec] of declared) {
        if (given.has(name))
            continue;
        const now = current?.get(name);
        if (now !== undefined && now !== spec.default)
            list.push({ ParameterKey: name, UsePreviousValue: true });
        else if (now === undefined && spec.default === undefined)
            missing.push(name);
    }
    if (missing.length) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(`Input "parameters": the template requires ${missing.join(', ')} (no Default, and the stack has no previous value); give ${missing.length === 1 ? 'it' : 'them'} in "parameters".`);
    }
    return list;
}


/***/ }),

/***/ 16641:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   QP: () => (/* binding */ changeRows),
/* harmony export */   V8: () => (/* binding */ eventLine),
/* harmony export */   iK: () => (/* binding */ changeTableText),
/* harmony export */   kY: () => (/* binding */ failureText),
/* harmony export */   ko: () => (/* binding */ changeTableMarkdown)
/* harmony export */ });
/* unused harmony export isReplacement */
function changeRows(changes) {
    return changes.map((c) => {
        const r = c.ResourceChange ?? {};
        return {
            action: r.Action ?? c.Type ?? '?',
            logicalId: r.LogicalResourceId ?? '?',
            resourceType: r.ResourceType ?? '?',
            replacement: r.Action === 'Modify' ? (r.Replacement ?? '') : '',
            scope: (r.Scope ?? []).join(', '),
        };
    });
}
function isReplacement(row) {
    return row.replacement === 'True' || row.replacement === 'Conditional';
}
const RED = '\u001b[31m';
const BOLD_RED = '\u001b[1;31m';
const YELLOW = '\u001b[33m';
const GREEN = '\u001b[32m';
const RESET = '\u001b[0m';
function pad(cells) {
    const widths = cells[0].map((_, i) => Math.max(...cells.map((row) => row[i].length)));
    return cells.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
}
/** A fixed-width table for the log; replacements in bold red so they stand out in a long list. */
function changeTableText(rows, color = true) {
    if (rows.length === 0)
        return '(no changes)';
    const cells = [['Action', 'Logical ID', 'Type', 'Replacement', 'Scope'], ...rows.map((r) => [r.action, r.logicalId, r.resourceType, r.replacement || '-', r.scope || '-'])];
    const lines = pad(cells);
    return lines
        .map((line, i) => {
        if (i === 0)
            return line;
        const row = rows[i - 1];
        // The marker is text, so it survives logs without colour; colour only adds emphasis.
        if (isReplacement(row))
            return color ? `${BOLD_RED}${line}  <- REPLACEMENT${RESET}` : `${line}  <- REPLACEMENT`;
        if (row.action === 'Remove' && color)
            return `${YELLOW}${line}${RESET}`;
        return line;
    })
        .join('\n');
}
function md(text) {
    return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
function changeTableMarkdown(rows) {
    if (rows.length === 0)
        return '_No changes._\n';
    const head = '| Action | Logical ID | Type | Replacement | Scope |\n|---|---|---|---|---|\n';
    return (head +
        rows
            .map((r) => {
            const replacement = isReplacement(r) ? `**:warning: ${r.replacement}**` : r.replacement || '-';
            return `| ${md(r.action)} | \`${md(r.logicalId)}\` | ${md(r.resourceType)} | ${replacement} | ${md(r.scope) || '-'} |`;
        })
            .join('\n') +
        '\n');
}
/** One log line per event: time, status (coloured by outcome), type, logical id, reason. */
function eventLine(e, color = true) {
    const time = e.Timestamp ? new Date(e.Timestamp).toISOString().slice(11, 19) : '--:--:--';
    const status = e.ResourceStatus ?? '?';
    const tint = !color ? '' : status.endsWith('_FAILED') ? RED : status.includes('ROLLBACK') ? YELLOW : status.endsWith('_COMPLETE') ? GREEN : '';
    const reason = e.ResourceStatusReason ? `  ${e.ResourceStatusReason}` : '';
    return `${time}  ${tint}${status.padEnd(44)}${tint ? RESET : ''}  ${(e.ResourceType ?? '').padEnd(40)}  ${e.LogicalResourceId ?? ''}${reason}`;
}
function failureText(stackName, cause) {
    return `Stack ${stackName}: ${cause.logicalId} (${cause.resourceType}) ${cause.status}: ${cause.reason}`;
}


/***/ }),

/***/ 49869:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   PM: () => (/* binding */ loadTemplate),
/* harmony export */   hc: () => (/* binding */ s3HttpsUrl)
/* harmony export */ });
/* unused harmony exports TEMPLATE_BODY_LIMIT, TEMPLATE_URL_LIMIT, declaredParameters */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var yaml__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(38815);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(52251);
/* harmony import */ var _lib_workspace_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(18991);
/**
 * Where the template comes from and how it reaches CloudFormation. A request body holds at most
 * 51,200 bytes (aws-cloudformation-github-deploy#104), so a bigger local file goes to `s3-bucket`
 * under a content-addressed key and is passed by URL; without a bucket that is an input error
 * raised before any call, not a ValidationError from the API after a change set half-exists.
 */





const TEMPLATE_BODY_LIMIT = 51_200;
/** CloudFormation's limit for a template passed by S3 URL. */
const TEMPLATE_URL_LIMIT = 1_048_576;
const TEMPLATE_FORM = 'a file path inside the workspace, s3://bucket/key, or https://bucket.s3.region.amazonaws.com/key';
function s3HttpsUrl(bucket, key, region) {
    // The China partition has its own domain; CloudFormation refuses a TemplateURL outside it.
    const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    return `https://${bucket}.s3.${region}.${domain}/${key.split('/').map(encodeURIComponent).join('/')}`;
}
/** The Parameters section, when the file parses; null when it does not (CloudFormation will say why). */
function declaredParameters(body) {
    let doc;
    try {
        // Short-form intrinsics (!Ref, !Sub) are unknown tags to a plain YAML reader; silent keeps their values.
        doc = yaml__WEBPACK_IMPORTED_MODULE_2__.parse(body, { logLevel: 'silent' });
    }
    catch {
        return null;
    }
    if (!doc || typeof doc !== 'object')
        return null;
    const params = doc.Parameters;
    const out = new Map();
    if (!params || typeof params !== 'object')
        return out;
    for (const [name, spec] of Object.entries(params)) {
        const noEcho = spec?.NoEcho;
        const def = spec?.Default;
        out.set(name, { default: def === undefined || def === null ? undefined : Array.isArray(def) ? def.join(',') : String(def), noEcho: noEcho === true || noEcho === 'true' });
    }
    return out;
}
function loadTemplate(input, opts) {
    const text = input.trim();
    if (!text)
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .d(`Input "template" is required; expected ${TEMPLATE_FORM}.`);
    const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(text);
    if (s3)
        return { kind: 'url', url: s3HttpsUrl(s3[1], s3[2], opts.region), declared: null };
    if (/^https:\/\//.test(text))
        return { kind: 'url', url: text, declared: null };
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text))
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .d(`Input "template": "${text}" is not a supported location; expected ${TEMPLATE_FORM}.`);
    const { path, real } = (0,_lib_workspace_js__WEBPACK_IMPORTED_MODULE_4__/* .workspacePath */ .X5)('template', text, opts.workspace);
    if (!real || !(0,node_fs__WEBPACK_IMPORTED_MODULE_1__.statSync)(real).isFile()) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .d(`Input "template": file "${text}" not found (looked at ${path}); expected ${TEMPLATE_FORM}.`);
    }
    const body = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)(real, 'utf8');
    const bytes = Buffer.byteLength(body);
    if (!body.trim())
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .d(`Input "template": file "${text}" is empty.`);
    const declared = declaredParameters(body);
    if (bytes <= TEMPLATE_BODY_LIMIT)
        return { kind: 'body', path, body, declared };
    if (bytes > TEMPLATE_URL_LIMIT) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .d(`Input "template": "${text}" is ${bytes} bytes; CloudFormation accepts at most ${TEMPLATE_URL_LIMIT} bytes even from S3 (split it into nested stacks).`);
    }
    if (!opts.s3Bucket) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .d(`Input "template": "${text}" is ${bytes} bytes, over CloudFormation's ${TEMPLATE_BODY_LIMIT}-byte limit for a template body; set input "s3-bucket" so it is uploaded and passed by URL.`);
    }
    const digest = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(body).digest('hex').slice(0, 32);
    return { kind: 'upload', path, body, bucket: opts.s3Bucket, key: `mesh-actions/deploy-stack/${opts.stackName}/${digest}.template`, declared };
}


/***/ }),

/***/ 10269:
/***/ ((module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
__webpack_require__.r(__webpack_exports__);
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(90992);
// The action's entry in the one bundle: the runner starts dist/deploy-stack.js, which loads it, for main and again for post.

await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .e)();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 90992:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  e: () => (/* binding */ run)
});

// UNUSED EXPORTS: action

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(41914);
// EXTERNAL MODULE: ./actions/lib/secrets.ts
var secrets = __webpack_require__(19039);
// EXTERNAL MODULE: ./actions/lib/runner.ts
var runner = __webpack_require__(53266);
;// CONCATENATED MODULE: ./actions/cloudformation/call-counter.ts
class CallCounter {
    counts = {};
    /** Counts every command sent through `client` from now on; returns the client. */
    attach(client) {
        client.middlewareStack.add((next, context) => (args) => {
            const name = (context.commandName ?? 'Unknown').replace(/Command$/, '');
            this.counts[name] = (this.counts[name] ?? 0) + 1;
            return next(args);
        }, { step: 'initialize', name: 'meshCallCounter', override: true });
        return client;
    }
    total() {
        return Object.values(this.counts).reduce((a, b) => a + b, 0);
    }
    byOperation() {
        return { ...this.counts };
    }
    toString() {
        const parts = Object.entries(this.counts).map(([op, n]) => `${op} ${n}`);
        return `${this.total()} (${parts.join(', ') || 'none'})`;
    }
}

// EXTERNAL MODULE: ./actions/cloudformation/report.ts
var report = __webpack_require__(16641);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: ./common/region.ts
var common_region = __webpack_require__(87968);
// EXTERNAL MODULE: ./common/errors.ts
var errors = __webpack_require__(52251);
// EXTERNAL MODULE: ./common/duration.ts
var duration = __webpack_require__(76712);
// EXTERNAL MODULE: ./actions/lib/inputs.ts
var inputs = __webpack_require__(87721);
// EXTERNAL MODULE: ./actions/lib/workspace.ts
var lib_workspace = __webpack_require__(18991);
// EXTERNAL MODULE: ./actions/cloudformation/parameters.ts
var cloudformation_parameters = __webpack_require__(22643);
// EXTERNAL MODULE: ./actions/cloudformation/template.ts
var cloudformation_template = __webpack_require__(49869);
;// CONCATENATED MODULE: ./actions/deploy-stack/plan.ts
/**
 * deploy-stack's inputs, typed, and the pure step from inputs to a plan. Everything that can be
 * wrong with the inputs is found here, before the first AWS call.
 */









const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'];
/**
 * The accepted span of each duration input (documented in action.yml and the README): CloudFormation
 * monitors rollback alarms for whole minutes up to 180; a deploy waits at most a day.
 */
const DEPLOY_RANGES = {
    'rollback-monitoring-time': { min: 0, max: 180 * 60_000, text: 'whole minutes from 0m to 180m' },
    timeout: { min: 60_000, max: 24 * 3_600_000 },
};
function readInputs() {
    const tp = (0,inputs/* raw */.lS)('termination-protection');
    if (tp && !['true', 'false'].includes(tp.toLowerCase())) {
        throw new errors/* InputError */.d(`Input "termination-protection": "${tp}" is not valid; expected true, false, or empty to leave the stack's setting unchanged.`);
    }
    return {
        name: (0,inputs/* getRequired */.kA)('name', '(the stack name)'),
        template: (0,inputs/* getRequired */.kA)('template', '(a file path inside the workspace, or an S3 URL)'),
        parameters: (0,inputs/* raw */.lS)('parameters'),
        tags: (0,inputs/* raw */.lS)('tags'),
        capabilities: (0,inputs/* getList */.vS)('capabilities'),
        roleArn: (0,inputs/* getString */.AA)('role-arn'),
        terminationProtection: tp.toLowerCase(),
        rollbackAlarms: (0,inputs/* getList */.vS)('rollback-alarms'),
        rollbackMonitoringMs: (0,inputs/* getDuration */.Ds)('rollback-monitoring-time', '5m', DEPLOY_RANGES['rollback-monitoring-time']),
        execute: (0,inputs/* getBool */.Jz)('execute', true),
        failOnEmptyChangeSet: (0,inputs/* getBool */.Jz)('fail-on-empty-changeset', false),
        recreateFailedStack: (0,inputs/* getBool */.Jz)('recreate-failed-stack', false),
        s3Bucket: (0,inputs/* getString */.AA)('s3-bucket'),
        timeoutMs: (0,inputs/* getDuration */.Ds)('timeout', '1h', DEPLOY_RANGES.timeout),
        region: (0,inputs/* getString */.AA)('region'),
    };
}
const STACK_NAME = /^[A-Za-z][-A-Za-z0-9]{0,127}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const ALARM_ARN = /^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/**
 * `parameters` is inline text, or one line naming a file (optionally `file://`) inside the workspace:
 * read that file. A file outside the workspace is refused, never read.
 */
function parameterText(value, workspace) {
    const single = value.trim();
    if (!single || single.includes('\n'))
        return { text: value, what: 'Input "parameters"' };
    const isUrl = single.startsWith('file://');
    const pathText = isUrl ? single.slice('file://'.length) : single;
    // `Config=app.json` (or `Config: app.json`) is one parameter whose value ends like a file name, not a missing file.
    const keyValueLine = /^[A-Za-z0-9]+\s*(=|:\s)/.test(single);
    const namesFile = isUrl || (!keyValueLine && /\.(ya?ml|json|env|properties|txt)$/i.test(single));
    const { root, path, real, inside } = (0,lib_workspace/* locate */.x5)(pathText, workspace);
    const file = real !== null && (0,external_node_fs_.statSync)(real).isFile();
    if (!inside) {
        // Outside the workspace only a file is refused (never read); any other text is inline parameters.
        if (namesFile || file)
            throw (0,lib_workspace/* outsideWorkspace */.tq)('parameters', pathText, root);
        return { text: value, what: 'Input "parameters"' };
    }
    if (file)
        return { text: (0,external_node_fs_.readFileSync)(real, 'utf8'), what: `Input "parameters" (file ${pathText})` };
    if (namesFile)
        throw new errors/* InputError */.d(`Input "parameters": file "${pathText}" not found (looked at ${path}).`);
    return { text: value, what: 'Input "parameters"' };
}
function changeSetName(ctx) {
    const suffix = ctx.random ? ctx.random() : (0,external_node_crypto_.randomBytes)(4).toString('hex');
    const run = ctx.runId.replace(/[^0-9A-Za-z]/g, '') || 'local';
    const attempt = ctx.runAttempt.replace(/[^0-9A-Za-z]/g, '') || '1';
    return `deploy-r${run}-a${attempt}-${suffix}`.slice(0, 128);
}
function buildPlan(inputs, ctx) {
    if (!STACK_NAME.test(inputs.name)) {
        throw new errors/* InputError */.d(`Input "name": "${inputs.name}" is not a stack name; expected a letter then letters, digits or hyphens, at most 128 characters.`);
    }
    const region = (0,common_region/* resolveRegion */.Z)(inputs.region);
    if (inputs.s3Bucket && !BUCKET.test(inputs.s3Bucket))
        throw new errors/* InputError */.d(`Input "s3-bucket": "${inputs.s3Bucket}" is not an S3 bucket name.`);
    const capabilities = [];
    for (const c of inputs.capabilities) {
        if (c.toLowerCase() === 'none')
            continue;
        if (!CAPABILITIES.includes(c))
            throw new errors/* InputError */.d(`Input "capabilities": "${c}" is not one of ${CAPABILITIES.join(' | ')} (or none).`);
        if (!capabilities.includes(c))
            capabilities.push(c);
    }
    if (inputs.roleArn && !ROLE_ARN.test(inputs.roleArn)) {
        throw new errors/* InputError */.d(`Input "role-arn": "${inputs.roleArn}" is not an IAM role ARN (arn:aws:iam::123456789012:role/name).`);
    }
    for (const arn of inputs.rollbackAlarms) {
        if (!ALARM_ARN.test(arn))
            throw new errors/* InputError */.d(`Input "rollback-alarms": "${arn}" is not a CloudWatch alarm ARN (arn:aws:cloudwatch:region:123456789012:alarm:name).`);
    }
    if (inputs.rollbackAlarms.length > 5)
        throw new errors/* InputError */.d(`Input "rollback-alarms": ${inputs.rollbackAlarms.length} alarms given; CloudFormation takes at most 5 rollback triggers.`);
    const monitoringMinutes = inputs.rollbackMonitoringMs / 60_000;
    const monitoring = DEPLOY_RANGES['rollback-monitoring-time'];
    if (!Number.isInteger(monitoringMinutes) || inputs.rollbackMonitoringMs < monitoring.min || inputs.rollbackMonitoringMs > monitoring.max) {
        throw new errors/* InputError */.d(`Input "rollback-monitoring-time": expected ${monitoring.text} (e.g. 5m, 1h).`);
    }
    const timeout = DEPLOY_RANGES.timeout;
    if (!(inputs.timeoutMs >= timeout.min && inputs.timeoutMs <= timeout.max))
        throw new errors/* InputError */.d(`Input "timeout": expected a duration ${(0,duration/* formatRange */.Lu)(timeout)} (e.g. 30m, 1h30m).`);
    const { text, what } = parameterText(inputs.parameters, ctx.workspace);
    const parameters = (0,cloudformation_parameters/* parseParameters */._A)(text, what);
    const tags = (0,cloudformation_parameters/* parseTags */.rL)(inputs.tags);
    const template = (0,cloudformation_template/* loadTemplate */.PM)(inputs.template, { workspace: ctx.workspace, region, stackName: inputs.name, s3Bucket: inputs.s3Bucket || undefined });
    return {
        stackName: inputs.name,
        region,
        template,
        parameters,
        tags,
        capabilities,
        roleArn: inputs.roleArn || undefined,
        terminationProtection: inputs.terminationProtection === '' ? undefined : inputs.terminationProtection === 'true',
        rollbackAlarms: inputs.rollbackAlarms,
        rollbackMonitoringMinutes: monitoringMinutes,
        execute: inputs.execute,
        failOnEmptyChangeSet: inputs.failOnEmptyChangeSet,
        recreateFailedStack: inputs.recreateFailedStack,
        timeoutMs: inputs.timeoutMs,
        changeSetName: changeSetName(ctx),
        description: `mesh-actions deploy-stack: ${ctx.repository || 'local'}@${(ctx.sha || 'unknown').slice(0, 12)} run ${ctx.runId || 'local'}/${ctx.runAttempt || '1'}`.slice(0, 1024),
    };
}
/** NoEcho parameter values, to mask before anything could print them. */
function secretValues(plan) {
    const declared = plan.template.declared;
    if (!declared)
        return [];
    return [...plan.parameters].filter(([k, v]) => v && declared.get(k)?.noEcho).map(([, v]) => v);
}

;// CONCATENATED MODULE: ./actions/deploy-stack/state-helper.ts
/**
 * What main leaves for the post step: how far a deploy got, written as it goes (a state file
 * append survives the process being killed) and cleared when main ends by itself.
 */

const PROGRESS = 'deployStackProgress';
const REGION = 'deployStackRegion';
function saveProgress(progress, region) {
    core/* saveState */.LZ(PROGRESS, progress ? JSON.stringify(progress) : '');
    if (region)
        core/* saveState */.LZ(REGION, region);
}
function loadProgress() {
    const text = core/* getState */.Gu(PROGRESS);
    if (!text)
        return null;
    return { progress: JSON.parse(text), region: core/* getState */.Gu(REGION) };
}

;// CONCATENATED MODULE: ./actions/deploy-stack/summary.ts
/** The step summary: what changed (replacements flagged), how it ended, the first failure, the outputs. */

/** This action's own outputs; a stack output of the same name is only in the `outputs` JSON. */
const RESERVED_OUTPUTS = ['outputs', 'stack-id', 'change-set-id', 'status', 'outcome'];
const HEADLINE = {
    created: ':white_check_mark: created',
    updated: ':white_check_mark: updated',
    'no-changes': ':white_check_mark: no changes',
    'change-set-created': ':mag: change set ready for review',
    failed: ':x: failed',
};
function cell(text) {
    return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
function summaryMarkdown(plan, result, apiCalls) {
    const lines = [`### deploy-stack: \`${plan.stackName}\` ${HEADLINE[result.outcome]}`, '', result.message, ''];
    if (result.recreated)
        lines.push(`The stack had failed to create and was deleted and created again (recreate-failed-stack).`, '');
    if (result.failure) {
        const f = result.failure;
        lines.push(`**First failure:** \`${f.logicalId}\` (${f.resourceType}) ${f.status}: ${cell(f.reason)}`, '');
    }
    if (result.outcome !== 'no-changes') {
        lines.push(`#### Changes${result.changeSetName ? ` (change set \`${result.changeSetName}\`)` : ''}`, '', (0,report/* changeTableMarkdown */.ko)(result.changes));
    }
    const outputs = Object.entries(result.outputs);
    if (outputs.length) {
        lines.push('#### Stack outputs', '', '| Output | Value |', '|---|---|', ...outputs.map(([k, v]) => `| \`${k}\` | ${cell(v)} |`), '');
    }
    lines.push(`Status \`${result.status}\` · AWS API calls: ${apiCalls}`, '');
    return lines.join('\n');
}

;// CONCATENATED MODULE: ./actions/deploy-stack/main.ts








/** The SDK clients and the deploy, loaded once the inputs are valid: a bad input fails without them. */
async function loadDeploy() {
    const [{ CloudFormationClient }, { S3Client }, { awsClient }, deploy] = await Promise.all([
        Promise.all(/* import() */[__webpack_require__.e(759), __webpack_require__.e(861), __webpack_require__.e(805)]).then(__webpack_require__.t.bind(__webpack_require__, 3805, 19)), Promise.all(/* import() */[__webpack_require__.e(759), __webpack_require__.e(861), __webpack_require__.e(711)]).then(__webpack_require__.t.bind(__webpack_require__, 53711, 19)), Promise.all(/* import() */[__webpack_require__.e(759), __webpack_require__.e(115)]).then(__webpack_require__.bind(__webpack_require__, 77115)), Promise.all(/* import() */[__webpack_require__.e(759), __webpack_require__.e(861), __webpack_require__.e(805), __webpack_require__.e(711), __webpack_require__.e(783)]).then(__webpack_require__.bind(__webpack_require__, 55783)),
    ]);
    return { CloudFormationClient, S3Client, awsClient, deployStack: deploy.deployStack };
}
const coreLog = { info: core/* info */.pq, warning: core/* warning */.$e, notice: core/* notice */.lm };
const action = {
    async main(signal) {
        const plan = buildPlan(readInputs(), {
            workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
            runId: process.env.GITHUB_RUN_ID ?? '',
            runAttempt: process.env.GITHUB_RUN_ATTEMPT ?? '',
            repository: process.env.GITHUB_REPOSITORY ?? '',
            sha: process.env.GITHUB_SHA ?? '',
        });
        for (const secret of secretValues(plan))
            (0,secrets/* maskSecret */.$l)(secret);
        const { CloudFormationClient, S3Client, awsClient, deployStack } = await loadDeploy();
        const calls = new CallCounter();
        const cfn = calls.attach(awsClient(CloudFormationClient, { region: plan.region }));
        let s3;
        const makeS3 = () => (s3 ??= calls.attach(awsClient(S3Client, { region: plan.region })));
        let result;
        try {
            result = await deployStack(plan, { cfn, s3: makeS3, signal, log: coreLog, onProgress: (p) => saveProgress(p, plan.region) });
        }
        finally {
            // Main ended by itself (success, failure or a handled stop): deployStack cleaned up, post has nothing to do.
            saveProgress(null);
        }
        for (const [key, value] of Object.entries(result.outputs)) {
            if (RESERVED_OUTPUTS.includes(key))
                core/* warning */.$e(`Stack output "${key}" has the name of one of this action's outputs; read it from the "outputs" JSON.`);
            else
                core/* setOutput */.uH(key, value);
        }
        core/* setOutput */.uH('outputs', JSON.stringify(result.outputs));
        core/* setOutput */.uH('stack-id', result.stackId);
        core/* setOutput */.uH('change-set-id', result.changeSetId ?? '');
        core/* setOutput */.uH('status', result.status);
        core/* setOutput */.uH('outcome', result.outcome);
        core/* info */.pq(`AWS API calls: ${calls.toString()}`);
        await core/* summary */.z.addRaw(summaryMarkdown(plan, result, calls.toString())).write();
        if (result.outcome === 'failed') {
            // One annotation, titled with the stack and its status; the exit code fails the step (setFailed would add a second).
            core/* error */.z3(result.failure ? (0,report/* failureText */.kY)(plan.stackName, result.failure) : result.message, { title: `deploy-stack ${plan.stackName} ${result.status}` });
            process.exitCode = 1;
        }
    },
    async post() {
        const saved = loadProgress();
        if (!saved)
            return;
        core/* warning */.$e('deploy-stack was interrupted before it finished; cleaning up.');
        const [{ CloudFormationClient, awsClient }, { cleanUpAfterKilledRun }] = await Promise.all([loadDeploy(), Promise.all(/* import() */[__webpack_require__.e(759), __webpack_require__.e(861), __webpack_require__.e(805), __webpack_require__.e(451)]).then(__webpack_require__.bind(__webpack_require__, 18451))]);
        const cfn = awsClient(CloudFormationClient, { region: saved.region });
        await cleanUpAfterKilledRun(saved.progress, cfn, coreLog);
    },
};
/** main, or post once main has run: what the bundle runs, and what GitHub's local runner (@github/local-action) calls. */
function run() {
    return (0,runner/* runAction */.Cs)(action);
}


/***/ }),

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

/***/ 18991:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   X5: () => (/* binding */ workspacePath),
/* harmony export */   tq: () => (/* binding */ outsideWorkspace),
/* harmony export */   x5: () => (/* binding */ locate)
/* harmony export */ });
/* unused harmony export workspaceRoot */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(52251);
/**
 * Files named by inputs are read only inside the workspace: `template: /etc/passwd`, `../../x` or a
 * symlink pointing out of the checkout is refused, since the action would otherwise send any file
 * the runner can read to AWS (or print it in an error).
 */



/** GITHUB_WORKSPACE, else the current directory (a local run), with symlinks resolved. */
function workspaceRoot(workspace) {
    const abs = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.resolve)(workspace);
    return (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(abs) ? (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.realpathSync)(abs) : abs;
}
function contains(root, path) {
    const rel = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.relative)(root, path);
    return rel === '' || (!(0,node_path__WEBPACK_IMPORTED_MODULE_1__.isAbsolute)(rel) && rel !== '..' && !rel.startsWith(`..${node_path__WEBPACK_IMPORTED_MODULE_1__.sep}`));
}
/** The real location of `path`, or of its nearest existing folder plus the rest when it does not exist. */
function realLocation(path) {
    let dir = path;
    while (!(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(dir)) {
        const up = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.dirname)(dir);
        if (up === dir)
            return path;
        dir = up;
    }
    return (0,node_path__WEBPACK_IMPORTED_MODULE_1__.resolve)((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.realpathSync)(dir), (0,node_path__WEBPACK_IMPORTED_MODULE_1__.relative)(dir, path));
}
/** Where `text` (absolute, or relative to the workspace) really is, and whether that is inside the workspace. */
function locate(text, workspace) {
    const root = workspaceRoot(workspace);
    const path = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.isAbsolute)(text) ? (0,node_path__WEBPACK_IMPORTED_MODULE_1__.resolve)(text) : (0,node_path__WEBPACK_IMPORTED_MODULE_1__.resolve)(root, text);
    // `..` is already resolved in `path`; the real location also catches a symlink on the way out.
    const located = realLocation(path);
    return { root, path, real: (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(path) ? located : null, inside: contains(root, located) };
}
function outsideWorkspace(input, text, root) {
    return new _common_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .d(`Input "${input}": "${text}" is outside the workspace (${root}); expected a path inside GITHUB_WORKSPACE, relative to it or absolute.`);
}
/** Like locate, but a path outside the workspace is an InputError naming `input`. */
function workspacePath(input, text, workspace) {
    const { root, path, real, inside } = locate(text, workspace);
    if (!inside)
        throw outsideWorkspace(input, text, root);
    return { path, real };
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
