export const id = 188;
export const ids = [188];
export const modules = {

/***/ 188:
/***/ ((module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
__webpack_require__.r(__webpack_exports__);
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(22743);
// The action's entry in the one bundle: the runner starts dist/build-scan-push.js, which loads it, for main and again for post.

await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .e)();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 22743:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   e: () => (/* binding */ run)
/* harmony export */ });
/* unused harmony export action */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(41914);
/* harmony import */ var _lib_secrets_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(19039);
/* harmony import */ var _lib_runner_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(53266);
/* harmony import */ var _plan_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(73943);
/**
 * build → scan → gate → push: a failing gate pushes nothing. The steps live in ./pipeline.ts, loaded
 * (with the builders, Trivy's verification and the registry clients) once the inputs are valid.
 */




const action = {
    async main(signal) {
        // Masked before anything else can print it, a validation message included.
        if (_actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getInput */ .V4('password'))
            (0,_lib_secrets_js__WEBPACK_IMPORTED_MODULE_1__/* .maskSecret */ .$l)(_actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getInput */ .V4('password'));
        // Every input is checked before the first file, download or call.
        const ctx = (0,_plan_js__WEBPACK_IMPORTED_MODULE_3__/* .githubContext */ .h4)();
        const plan = (0,_plan_js__WEBPACK_IMPORTED_MODULE_3__/* .readPlan */ .m3)(ctx);
        const { buildScanPush } = await Promise.all(/* import() */[__webpack_require__.e(759), __webpack_require__.e(861), __webpack_require__.e(378), __webpack_require__.e(832)]).then(__webpack_require__.bind(__webpack_require__, 80832));
        await buildScanPush(ctx, plan, signal);
    },
    post: async (signal) => (await Promise.all(/* import() */[__webpack_require__.e(759), __webpack_require__.e(861), __webpack_require__.e(378), __webpack_require__.e(832)]).then(__webpack_require__.bind(__webpack_require__, 80832))).cleanup(signal),
};
/** main, or post once main has run: what the bundle runs, and what GitHub's local runner (@github/local-action) calls. */
function run() {
    return (0,_lib_runner_js__WEBPACK_IMPORTED_MODULE_2__/* .runAction */ .Cs)(action);
}


/***/ }),

/***/ 73943:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  d0: () => (/* binding */ ecrRegion),
  h4: () => (/* binding */ githubContext),
  MJ: () => (/* binding */ needsEcr),
  TT: () => (/* binding */ ociLabels),
  m3: () => (/* binding */ readPlan),
  IL: () => (/* binding */ registryKind)
});

// UNUSED EXPORTS: defaultTags, readInputs, resolveTags, sanitizeTag

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./node_modules/semver/index.js
var semver = __webpack_require__(62088);
var semver_default = /*#__PURE__*/__webpack_require__.n(semver);
// EXTERNAL MODULE: ./common/region.ts
var common_region = __webpack_require__(87968);
// EXTERNAL MODULE: ./common/errors.ts
var errors = __webpack_require__(52251);
// EXTERNAL MODULE: ./actions/lib/inputs.ts
var inputs = __webpack_require__(87721);
// EXTERNAL MODULE: ./actions/containers/builders/buildah.ts
var buildah = __webpack_require__(69113);
// EXTERNAL MODULE: ./actions/containers/ecr-inputs.ts
var ecr_inputs = __webpack_require__(5695);
;// CONCATENATED MODULE: ./actions/containers/platforms.ts

const OS = new Set(['linux', 'windows']);
const ARCH = new Set(['amd64', 'arm64', 'arm', '386', 'ppc64le', 's390x', 'riscv64', 'mips64le', 'loong64']);
const VARIANT = /^v[5-8]$/;
const PLATFORM_FORM = 'os/arch[/variant] items separated by commas, e.g. linux/amd64,linux/arm64';
/** `linux/amd64,linux/arm64` → normalized, de-duplicated list; anything else is an InputError naming the item. */
function parsePlatforms(items, input = 'platforms') {
    if (items.length === 0)
        throw new errors/* InputError */.d(`Input "${input}" is empty; expected ${PLATFORM_FORM}.`);
    const out = [];
    for (const raw of items) {
        const p = raw.trim().toLowerCase();
        const [os, arch, variant, extra] = p.split('/');
        if (!OS.has(os) || !ARCH.has(arch) || extra !== undefined || (variant !== undefined && !VARIANT.test(variant))) {
            throw new errors/* InputError */.d(`Input "${input}": "${raw}" is not a platform; expected ${PLATFORM_FORM}.`);
        }
        if (!out.includes(p))
            out.push(p);
    }
    return out;
}

// EXTERNAL MODULE: ./actions/containers/trivy/report.ts
var report = __webpack_require__(36084);
;// CONCATENATED MODULE: ./actions/build-scan-push/plan.ts
/**
 * Inputs, typed and validated all at once (nothing runs on a bad input), and the pure functions that
 * turn them and the GitHub context into a plan: tags, OCI labels, registry, scan policy.
 */










/** Unix seconds up to 9999-12-31T23:59:59Z: the span an image's `created` label can carry. */
const MAX_EPOCH_S = 253_402_300_799;
function githubContext(env = process.env) {
    const text = env.SOURCE_DATE_EPOCH?.trim();
    let epoch = new Date();
    if (text) {
        const seconds = /^\d+$/.test(text) ? Number(text) : NaN;
        // A reproducible build asked for: a value out of range must not quietly become "now".
        if (!(seconds <= MAX_EPOCH_S))
            throw new errors/* InputError */.d(`SOURCE_DATE_EPOCH: "${text}" is not valid; expected whole Unix seconds from 0 to ${MAX_EPOCH_S}.`);
        epoch = new Date(seconds * 1000);
    }
    return {
        workspace: env.GITHUB_WORKSPACE || process.cwd(),
        repository: env.GITHUB_REPOSITORY ?? '',
        serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
        sha: env.GITHUB_SHA ?? '',
        ref: env.GITHUB_REF ?? '',
        created: epoch,
    };
}
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$/;
/** Branch names become tags the way docker/metadata-action does: unsafe characters to `-`. */
function sanitizeTag(name) {
    return name.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[.-]+/, '').slice(0, 128);
}
/** `sha-<7>`, plus the branch for a branch ref, or the version for a semver tag ref (v1.2.3 → 1.2.3). */
function defaultTags(ctx) {
    const tags = [];
    const moving = [];
    if (/^[0-9a-f]{7,40}$/.test(ctx.sha))
        tags.push(`sha-${ctx.sha.slice(0, 7)}`);
    const branch = /^refs\/heads\/(.+)$/.exec(ctx.ref)?.[1];
    if (branch) {
        const tag = sanitizeTag(branch);
        if (tag) {
            tags.push(tag);
            moving.push(tag);
        }
    }
    const gitTag = /^refs\/tags\/(.+)$/.exec(ctx.ref)?.[1];
    const version = gitTag ? semver_default().valid(semver_default().clean(gitTag) ?? '') : null;
    if (version)
        tags.push(version);
    else if (gitTag && sanitizeTag(gitTag))
        tags.push(sanitizeTag(gitTag));
    return { tags, moving };
}
/** OCI annotations keys of the image spec, from the repository and commit; user labels win. */
function ociLabels(ctx, version, user) {
    const source = ctx.repository ? `${ctx.serverUrl}/${ctx.repository}` : '';
    const base = [
        ['org.opencontainers.image.created', ctx.created.toISOString()],
        ['org.opencontainers.image.source', source],
        ['org.opencontainers.image.url', source],
        ['org.opencontainers.image.revision', ctx.sha],
        ['org.opencontainers.image.version', version],
        ['org.opencontainers.image.title', ctx.repository.split('/').pop() ?? ''],
    ];
    const merged = new Map(base.filter(([, v]) => v));
    for (const [k, v] of user)
        merged.set(k, v);
    return [...merged];
}
function keyValues(name, lines) {
    return lines.map((line) => {
        const eq = line.indexOf('=');
        if (eq <= 0)
            throw new errors/* InputError */.d(`Input "${name}": "${line}" is not KEY=value; expected one KEY=value per line.`);
        const key = line.slice(0, eq).trim();
        if (/\s/.test(key))
            throw new errors/* InputError */.d(`Input "${name}": "${key}" is not a key; expected one KEY=value per line, the key without spaces.`);
        return [key, line.slice(eq + 1)];
    });
}
function workspacePath(ws, p) {
    return (0,external_node_path_.isAbsolute)(p) ? p : (0,external_node_path_.resolve)(ws, p);
}
/** An http(s) URL with a host; the regex alone let `http://[` through to fail at download time. */
function httpUrl(name) {
    const v = (0,inputs/* raw */.lS)(name);
    if (!v)
        return undefined;
    const url = URL.canParse(v) ? new URL(v) : null;
    if (!url || !['http:', 'https:'].includes(url.protocol) || !url.hostname || /\s/.test(v)) {
        throw new errors/* InputError */.d(`Input "${name}": "${v}" is not an http(s) URL; expected http(s)://host[:port][/path].`);
    }
    return v;
}
const KMS_KEY = /^(?:arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key|alias)\/[A-Za-z0-9/_-]+|alias\/[A-Za-z0-9/_-]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
const BUILDX_BUILDER = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const STAGE = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;
/** `context` and `file`: the build context folder and its Dockerfile or Containerfile. */
function readBuildSource(ctx) {
    const context = workspacePath(ctx.workspace, (0,inputs/* getString */.AA)('context', '.'));
    if (!(0,external_node_fs_.existsSync)(context) || !(0,external_node_fs_.statSync)(context).isDirectory()) {
        throw new errors/* InputError */.d(`Input "context": ${context} is not a directory; expected the build context folder (relative to the workspace).`);
    }
    const fileInput = (0,inputs/* raw */.lS)('file');
    const file = fileInput
        ? workspacePath(ctx.workspace, fileInput)
        : [(0,external_node_path_.join)(context, 'Dockerfile'), (0,external_node_path_.join)(context, 'Containerfile')].find((f) => (0,external_node_fs_.existsSync)(f)) ?? (0,external_node_path_.join)(context, 'Dockerfile');
    if (!(0,external_node_fs_.existsSync)(file))
        throw new errors/* InputError */.d(`Input "file": ${file} does not exist; expected a Dockerfile or Containerfile (default: <context>/Dockerfile).`);
    return { context, file };
}
/** Where the image goes: repository, registry, tags and a non-ECR registry's login. */
function readRegistry() {
    const repository = (0,inputs/* raw */.lS)('repository');
    if (!repository)
        throw new errors/* InputError */.d('Input "repository" is required: the image repository name, e.g. team/service.');
    if (!REPOSITORY.test(repository))
        throw new errors/* InputError */.d(`Input "repository": "${repository}" is not a repository name; expected lowercase path components like team/service.`);
    const registry = (0,inputs/* raw */.lS)('registry') || undefined;
    if (registry && !HOST.test(registry))
        throw new errors/* InputError */.d(`Input "registry": "${registry}" is not a registry host; expected host[:port], e.g. 123456789012.dkr.ecr.eu-central-1.amazonaws.com.`);
    const tags = (0,inputs/* getList */.vS)('tags');
    for (const t of tags)
        if (!TAG.test(t))
            throw new errors/* InputError */.d(`Input "tags": "${t}" is not a valid tag; expected up to 128 of A-Z a-z 0-9 _ . - (not starting with . or -).`);
    const username = (0,inputs/* raw */.lS)('username') || undefined;
    const password = (0,inputs/* raw */.lS)('password') || undefined;
    if (!!username !== !!password)
        throw new errors/* InputError */.d('Inputs "username" and "password" go together: set both (a registry login) or neither (ECR).');
    if (!registry || (0,ecr_inputs/* parseEcrHost */.wl)(registry)) {
        if (username)
            throw new errors/* InputError */.d('Inputs "username"/"password" are for non-ECR registries; ECR credentials come from the AWS role. Set "registry" to your registry host.');
    }
    else if ((0,inputs/* getBool */.Jz)('create-repository', false)) {
        throw new errors/* InputError */.d(`Input "create-repository": only ECR repositories can be created, and "${registry}" is not an ECR registry.`);
    }
    return { repository, registry, tags, username, password };
}
/** Where Trivy and its trust come from: the ignore file, a mirror, a Sigstore TUF mirror and root, a local binary. */
function readTrivySource(ctx) {
    const trivyignoreInput = (0,inputs/* raw */.lS)('trivyignore');
    const trivyignore = trivyignoreInput ? workspacePath(ctx.workspace, trivyignoreInput) : undefined;
    if (trivyignore && !(0,external_node_fs_.existsSync)(trivyignore))
        throw new errors/* InputError */.d(`Input "trivyignore": ${trivyignore} does not exist; expected a .trivyignore file (one finding ID per line).`);
    const tufMirror = (0,inputs/* raw */.lS)('sigstore-tuf-mirror') || undefined;
    const tufRoot = (0,inputs/* raw */.lS)('sigstore-tuf-root') ? workspacePath(ctx.workspace, (0,inputs/* raw */.lS)('sigstore-tuf-root')) : undefined;
    if (tufMirror && !tufRoot)
        throw new errors/* InputError */.d('Input "sigstore-tuf-root" is required with "sigstore-tuf-mirror": the initial root.json of that TUF mirror.');
    if (tufRoot && !(0,external_node_fs_.existsSync)(tufRoot))
        throw new errors/* InputError */.d(`Input "sigstore-tuf-root": ${tufRoot} does not exist; expected the TUF root.json of the mirror.`);
    httpUrl('sigstore-tuf-mirror');
    const trivyMirror = httpUrl('trivy-mirror');
    // Checked here as well as by the installer, so a wrong path fails before anything is made or fetched.
    const trivyPath = (0,inputs/* raw */.lS)('trivy-path') ? workspacePath(ctx.workspace, (0,inputs/* raw */.lS)('trivy-path')) : undefined;
    if (trivyPath && !((0,external_node_fs_.existsSync)(trivyPath) && (0,external_node_fs_.statSync)(trivyPath).isFile())) {
        throw new errors/* InputError */.d(`Input "trivy-path": ${trivyPath} does not exist or is not a file; expected the path of a trivy binary.`);
    }
    return { trivyignore, trivyPath, trivyMirror, tufMirror, tufRoot };
}
function readInputs(ctx) {
    const { context, file } = readBuildSource(ctx);
    const builder = (0,inputs/* getEnum */.GV)('builder', ['buildx', 'buildah'], 'buildx');
    const cache = (0,inputs/* getEnum */.GV)('cache', ['none', 'gha', 'registry'], 'none');
    const provenance = (0,inputs/* getBool */.Jz)('provenance', false);
    const sbom = (0,inputs/* getBool */.Jz)('sbom', false);
    if (builder === 'buildah')
        (0,buildah/* checkBuildahPlan */.xf)({ cache, provenance, sbom });
    const { repository, registry, tags, username, password } = readRegistry();
    const severities = (0,report/* parseSeverityList */.rq)((0,inputs/* getString */.AA)('severity', 'CRITICAL,HIGH'), 'Input "severity"');
    const failOnText = (0,inputs/* getString */.AA)('fail-on', 'CRITICAL,HIGH');
    const failOn = failOnText.trim().toLowerCase() === 'none' ? [] : (0,report/* parseSeverityList */.rq)(failOnText, 'Input "fail-on"');
    const unseen = failOn.filter((s) => !severities.includes(s));
    if (unseen.length)
        throw new errors/* InputError */.d(`Input "fail-on": ${unseen.join(',')} is not in "severity" (${severities.join(',')}), so the gate could never see it; add it to "severity" or remove it.`);
    const region = (0,inputs/* raw */.lS)('region') || undefined;
    if (region)
        (0,common_region/* resolveRegion */.Z)(region);
    const kmsKey = (0,inputs/* raw */.lS)('kms-key') || undefined;
    if (kmsKey && !KMS_KEY.test(kmsKey))
        throw new errors/* InputError */.d(`Input "kms-key": "${kmsKey}" is not a KMS key; expected a key ARN, alias ARN, alias/<name>, or key ID.`);
    const buildxBuilder = (0,inputs/* raw */.lS)('buildx-builder') || undefined;
    if (buildxBuilder && !BUILDX_BUILDER.test(buildxBuilder))
        throw new errors/* InputError */.d(`Input "buildx-builder": "${buildxBuilder}" is not a builder name; expected letters, digits, _ . - (up to 128).`);
    const target = (0,inputs/* raw */.lS)('target') || undefined;
    if (target && !STAGE.test(target))
        throw new errors/* InputError */.d(`Input "target": "${target}" is not a stage name; expected a letter, then letters, digits, _ . - (up to 128).`);
    const { trivyignore, trivyPath, trivyMirror, tufMirror, tufRoot } = readTrivySource(ctx);
    return {
        context, file, builder, cache, provenance, sbom,
        platforms: parsePlatforms((0,inputs/* getList */.vS)('platforms').length ? (0,inputs/* getList */.vS)('platforms') : ['linux/amd64']),
        buildArgs: keyValues('build-args', (0,inputs/* getLines */.iv)('build-args')),
        target,
        labels: keyValues('labels', (0,inputs/* getLines */.iv)('labels')),
        buildxBuilder,
        registry, repository, tags,
        push: (0,inputs/* getBool */.Jz)('push', true),
        username, password,
        region,
        createRepository: (0,inputs/* getBool */.Jz)('create-repository', false),
        lifecyclePolicy: (0,ecr_inputs/* parseLifecyclePolicy */.g4)((0,inputs/* raw */.lS)('lifecycle-policy')),
        kmsKey,
        scan: (0,inputs/* getBool */.Jz)('scan', true),
        severities, failOn,
        ignoreUnfixed: (0,inputs/* getBool */.Jz)('ignore-unfixed', false),
        trivyignore,
        trivyPath,
        trivyTrustUnverified: (0,inputs/* getBool */.Jz)('trivy-trust-unverified', false),
        trivyMirror,
        sigstoreTufMirror: tufMirror,
        sigstoreTufRoot: tufRoot,
    };
}
/** All tags, de-duplicated, user tags first; at least one, since a push needs a tag to land on. */
function resolveTags(inputs, ctx) {
    const defaults = defaultTags(ctx);
    const tags = [...new Set([...inputs.tags, ...defaults.tags])];
    if (tags.length === 0)
        throw new errors/* InputError */.d('Input "tags" is empty and no default tag applies (no GITHUB_SHA); set at least one tag.');
    return { tags, moving: defaults.moving.filter((t) => !inputs.tags.includes(t)) };
}
function registryKind(registry) {
    return !registry || (0,ecr_inputs/* parseEcrHost */.wl)(registry) ? 'ecr' : 'other';
}
/** ECR needs a token even to know its host; a read, so it may come before the gate. */
function needsEcr(inputs) {
    return registryKind(inputs.registry) === 'ecr' && (inputs.push || inputs.cache === 'registry');
}
/** The ECR region, checked with the other inputs (before any download or build). */
function ecrRegion(inputs) {
    const hostRegion = inputs.registry ? (0,ecr_inputs/* parseEcrHost */.wl)(inputs.registry)?.region : undefined;
    // A token from another region is not valid for this registry: the push would fail after the whole build.
    if (hostRegion && inputs.region && inputs.region !== hostRegion) {
        throw new errors/* InputError */.d(`Input "region": "${inputs.region}" is not the region of registry ${inputs.registry}; leave it empty or set ${hostRegion}.`);
    }
    return (0,common_region/* resolveRegion */.Z)(inputs.region ?? hostRegion);
}
/**
 * Every input, validated at once, with what follows from them and the GitHub context: nothing is
 * created, downloaded or built before this has passed.
 */
function readPlan(ctx) {
    const inputs = readInputs(ctx);
    const region = needsEcr(inputs) ? ecrRegion(inputs) : undefined;
    const { tags, moving } = resolveTags(inputs, ctx);
    return { inputs, tags, moving, ...(region ? { region } : {}) };
}


/***/ }),

/***/ 69113:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $N: () => (/* binding */ BuildahBuilder),
/* harmony export */   xf: () => (/* binding */ checkBuildahPlan)
/* harmony export */ });
/* unused harmony export buildahBuildArgs */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(52251);
/* harmony import */ var _process_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(87754);
/* harmony import */ var _types_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(76177);
/**
 * buildah, for runners without a Docker engine: one `buildah build --manifest` for every platform
 * (no emulation needed for a context without RUN), then the manifest list written as an OCI archive;
 * a single platform is built as a plain image, so its digest is the image manifest's, as with buildx.
 * `--isolation chroot` works unprivileged and inside containers; storage follows the usual
 * containers-storage configuration (CONTAINERS_STORAGE_CONF, STORAGE_DRIVER).
 */




function buildahBuildArgs(plan, name, forCache = false) {
    const args = ['build', '--isolation', 'chroot', '--platform', plan.platforms.join(','), '-f', plan.file, ...(0,_types_js__WEBPACK_IMPORTED_MODULE_3__/* .buildArgFlags */ .e)(plan), ...(0,_types_js__WEBPACK_IMPORTED_MODULE_3__/* .labelFlags */ .g)(plan)];
    if (plan.target)
        args.push('--target', plan.target);
    if (plan.cache === 'registry' && plan.cacheRef) {
        args.push('--layers', '--cache-from', plan.cacheRef.replace(/:[^:/]+$/, ''));
        if (forCache)
            args.push('--cache-to', plan.cacheRef.replace(/:[^:/]+$/, ''));
    }
    if (plan.authFile)
        args.push('--authfile', plan.authFile);
    args.push(plan.platforms.length > 1 ? '--manifest' : '--tag', name, plan.context);
    return args;
}
function checkBuildahPlan(plan) {
    if (plan.cache === 'gha')
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d('Input "cache": "gha" needs builder buildx (the GitHub cache backend is BuildKit\'s); with buildah use registry or none.');
    if (plan.provenance)
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d('Input "provenance": true needs builder buildx (buildah writes no provenance attestations); set it to false with buildah.');
    if (plan.sbom)
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d('Input "sbom": true needs builder buildx (buildah writes no SBOM attestations); set it to false with buildah.');
}
class BuildahBuilder {
    name = 'buildah';
    state = {};
    manifest = `mesh-build-${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(6).toString('hex')}`;
    async build(plan, signal) {
        checkBuildahPlan(plan);
        if (plan.platforms.length === 1) {
            this.state.buildahImage = this.manifest;
            await (0,_process_js__WEBPACK_IMPORTED_MODULE_2__/* .mustRun */ .Pv)('buildah', buildahBuildArgs(plan, this.manifest), { signal });
            await (0,_process_js__WEBPACK_IMPORTED_MODULE_2__/* .mustRun */ .Pv)('buildah', ['push', this.manifest, `oci-archive:${plan.archivePath}`], { signal });
            return;
        }
        this.state.buildahManifest = this.manifest;
        await (0,_process_js__WEBPACK_IMPORTED_MODULE_2__/* .mustRun */ .Pv)('buildah', buildahBuildArgs(plan, this.manifest), { signal });
        await (0,_process_js__WEBPACK_IMPORTED_MODULE_2__/* .mustRun */ .Pv)('buildah', ['manifest', 'push', '--all', this.manifest, `oci-archive:${plan.archivePath}`], { signal });
    }
    async exportCache(plan, signal) {
        if (plan.cache !== 'registry')
            return;
        const name = `${this.manifest}-cache`;
        try {
            await (0,_process_js__WEBPACK_IMPORTED_MODULE_2__/* .mustRun */ .Pv)('buildah', buildahBuildArgs(plan, name, true), { signal });
        }
        finally {
            await (0,_process_js__WEBPACK_IMPORTED_MODULE_2__/* .runTool */ .qI)('buildah', plan.platforms.length > 1 ? ['manifest', 'rm', name] : ['rmi', name], { signal, echo: false });
        }
    }
    async cleanup(state, signal) {
        if (state.buildahImage)
            await (0,_process_js__WEBPACK_IMPORTED_MODULE_2__/* .runTool */ .qI)('buildah', ['rmi', state.buildahImage], { signal });
        const list = state.buildahManifest;
        if (!list)
            return;
        // The list's images first (they are only referenced by it), then the list itself.
        const inspect = await (0,_process_js__WEBPACK_IMPORTED_MODULE_2__/* .runTool */ .qI)('buildah', ['manifest', 'inspect', list], { signal, echo: false });
        if (inspect.code !== 0)
            return;
        const digests = (JSON.parse(inspect.stdout).manifests ?? []).map((m) => m.digest);
        await (0,_process_js__WEBPACK_IMPORTED_MODULE_2__/* .runTool */ .qI)('buildah', ['manifest', 'rm', list], { signal });
        const images = await (0,_process_js__WEBPACK_IMPORTED_MODULE_2__/* .runTool */ .qI)('buildah', ['images', '--all', '--json'], { signal, echo: false });
        const listed = images.code === 0 ? JSON.parse(images.stdout || '[]') : [];
        const ids = listed.filter((i) => digests.includes(i.digest)).map((i) => i.id);
        if (ids.length)
            await (0,_process_js__WEBPACK_IMPORTED_MODULE_2__/* .runTool */ .qI)('buildah', ['rmi', ...ids], { signal });
    }
}


/***/ }),

/***/ 76177:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   e: () => (/* binding */ buildArgFlags),
/* harmony export */   g: () => (/* binding */ labelFlags)
/* harmony export */ });
function buildArgFlags(plan, flag = '--build-arg') {
    return plan.buildArgs.flatMap(([k, v]) => [flag, `${k}=${v}`]);
}
function labelFlags(plan) {
    return plan.labels.flatMap(([k, v]) => ['--label', `${k}=${v}`]);
}


/***/ }),

/***/ 5695:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   g4: () => (/* binding */ parseLifecyclePolicy),
/* harmony export */   wl: () => (/* binding */ parseEcrHost)
/* harmony export */ });
/* unused harmony export DEFAULT_LIFECYCLE_POLICY */
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(52251);
/* harmony import */ var _lib_inputs_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(87721);
/** The ECR inputs build-scan-push validates before anything else: no SDK code, so a bad input fails fast. */


const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;
function parseEcrHost(host) {
    const m = ECR_HOST.exec(host);
    return m ? { accountId: m[1], region: m[2] } : null;
}
/** Keeps the last 100 tagged images and expires untagged ones (cache and superseded lists) after 7 days. */
const DEFAULT_LIFECYCLE_POLICY = {
    rules: [
        { rulePriority: 1, description: 'Expire untagged images after 7 days', selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }, action: { type: 'expire' } },
        { rulePriority: 2, description: 'Keep the last 100 images', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 100 }, action: { type: 'expire' } },
    ],
};
/** Validates the `lifecycle-policy` input (JSON text) before any AWS call. */
function parseLifecyclePolicy(text) {
    if (!text.trim())
        return JSON.stringify(DEFAULT_LIFECYCLE_POLICY);
    let policy;
    try {
        policy = JSON.parse(text);
    }
    catch {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d('Input "lifecycle-policy" is not JSON; expected an ECR lifecycle policy document: {"rules":[{"rulePriority":1,...}]}.');
    }
    // JSON.parse reads 1e400 as Infinity, which JSON.stringify would send to ECR as null.
    const nonFinite = (0,_lib_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .findNonFinite */ .ke)(policy);
    if (nonFinite)
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d(`Input "lifecycle-policy": the number at ${nonFinite} is not finite; expected an ECR lifecycle policy document with finite numbers.`);
    const rules = policy?.rules;
    if (!Array.isArray(rules) || rules.length === 0 || !rules.every((r) => r && typeof r === 'object' && Number.isInteger(r.rulePriority))) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d('Input "lifecycle-policy": expected an ECR lifecycle policy document with a non-empty "rules" array, each rule with an integer "rulePriority".');
    }
    return JSON.stringify(policy);
}


/***/ }),

/***/ 87754:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Pv: () => (/* binding */ mustRun),
/* harmony export */   qI: () => (/* binding */ runTool),
/* harmony export */   v4: () => (/* binding */ ToolError)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(31421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(41914);
/* harmony import */ var _lib_secrets_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(19039);
/**
 * Runs the container tools (buildah, docker, skopeo, trivy, tar): argv only (no shell), secrets only
 * on stdin, output streamed to the log line by line, cancellation through the AbortSignal.
 */



class ToolError extends Error {
    command;
    result;
    constructor(command, result) {
        const tail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-8).join('\n');
        // A registry's refusal, quoted by skopeo or buildah, may echo the credentials it was sent.
        super(`${command} exited with ${result.code}${tail ? `:\n${(0,_lib_secrets_js__WEBPACK_IMPORTED_MODULE_2__/* .redactSecrets */ .fp)(tail)}` : ''}`);
        this.command = command;
        this.result = result;
        this.name = 'ToolError';
    }
}
/** Runs to completion and returns the output, whatever the exit code. Rejects only when it cannot start or is aborted. */
function runTool(cmd, args, opts = {}) {
    const echo = opts.echo ?? true;
    if (echo)
        _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .info */ .pq(`[command]${cmd} ${args.join(' ')}`);
    return new Promise((resolve, reject) => {
        const env = { ...process.env, ...opts.env };
        for (const [k, v] of Object.entries(opts.env ?? {}))
            if (v === undefined)
                delete env[k];
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(cmd, args, { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'], signal: opts.signal });
        let stdout = '';
        let stderr = '';
        const pipeLines = (text) => { if (echo)
            for (const line of text.split('\n'))
                if (line)
                    _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .info */ .pq(line); };
        let outRest = '';
        let errRest = '';
        child.stdout.on('data', (d) => {
            stdout += d;
            const lines = (outRest + d).split('\n');
            outRest = lines.pop() ?? '';
            pipeLines(lines.join('\n'));
        });
        child.stderr.on('data', (d) => {
            stderr += d;
            const lines = (errRest + d).split('\n');
            errRest = lines.pop() ?? '';
            pipeLines(lines.join('\n'));
        });
        child.on('error', (err) => reject(opts.signal?.aborted ? opts.signal.reason : err));
        child.on('close', (code) => {
            pipeLines(outRest + '\n' + errRest);
            if (opts.signal?.aborted)
                return reject(opts.signal.reason);
            resolve({ code: code ?? 1, stdout, stderr });
        });
        child.stdin.on('error', () => { }); // a tool that exits before reading stdin must not crash us
        child.stdin.end(opts.stdin ?? '');
    });
}
/** Like runTool, but a non-zero exit is a ToolError naming the command. */
async function mustRun(cmd, args, opts = {}) {
    const result = await runTool(cmd, args, opts);
    if (result.code !== 0)
        throw new ToolError(`${cmd} ${args[0] ?? ''}`.trim(), result);
    return result;
}


/***/ }),

/***/ 36084:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ni: () => (/* binding */ filterFindings),
/* harmony export */   Ot: () => (/* binding */ countBySeverity),
/* harmony export */   Qg: () => (/* binding */ parseTrivyReport),
/* harmony export */   oC: () => (/* binding */ SEVERITIES),
/* harmony export */   rq: () => (/* binding */ parseSeverityList)
/* harmony export */ });
/* unused harmony exports isFixable, addCounts */
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(52251);
/**
 * Trivy's JSON report (`--format json`, SchemaVersion 2) reduced to what the gate and the summary
 * need. Pure: no I/O, so it is tested against Trivy's own recorded reports.
 */

const SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
/** Parses `--severity`-style lists: `CRITICAL,HIGH` (any case, commas or spaces). */
function parseSeverityList(text, what) {
    const items = text.split(/[\s,]+/).map((s) => s.trim().toUpperCase()).filter(Boolean);
    if (items.length === 0)
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d(`${what}: expected a comma-separated list of ${SEVERITIES.join(', ')}.`);
    for (const item of items) {
        if (!SEVERITIES.includes(item)) {
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .d(`${what}: "${item}" is not a Trivy severity; expected a comma-separated list of ${SEVERITIES.join(', ')}.`);
        }
    }
    return SEVERITIES.filter((s) => items.includes(s)).reverse();
}
function asSeverity(value) {
    const s = String(value ?? 'UNKNOWN').toUpperCase();
    return SEVERITIES.includes(s) ? s : 'UNKNOWN';
}
const obj = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
const arr = (v) => (Array.isArray(v) ? v : []);
const str = (v) => (typeof v === 'string' && v !== '' ? v : undefined);
/** Throws when `data` is not a Trivy JSON report: a scan that wrote garbage must not pass the gate. */
function parseTrivyReport(data, source) {
    const root = obj(data);
    if (root.SchemaVersion !== 2) {
        throw new Error(`${source} is not a Trivy JSON report (SchemaVersion ${JSON.stringify(root.SchemaVersion)}, expected 2).`);
    }
    const findings = [];
    for (const result of arr(root.Results).map(obj)) {
        const target = str(result.Target) ?? '';
        for (const v of arr(result.Vulnerabilities).map(obj)) {
            findings.push({
                kind: 'vulnerability',
                id: str(v.VulnerabilityID) ?? 'unknown',
                severity: asSeverity(v.Severity),
                target,
                title: str(v.Title) ?? str(v.Description)?.slice(0, 120) ?? '',
                pkg: str(v.PkgName),
                installed: str(v.InstalledVersion),
                fixed: str(v.FixedVersion),
                status: str(v.Status),
            });
        }
        for (const s of arr(result.Secrets).map(obj)) {
            findings.push({ kind: 'secret', id: str(s.RuleID) ?? 'secret', severity: asSeverity(s.Severity), target, title: str(s.Title) ?? '' });
        }
        for (const m of arr(result.Misconfigurations).map(obj)) {
            if (m.Status === 'PASS')
                continue;
            findings.push({
                kind: 'misconfiguration',
                id: str(m.AVDID) ?? str(m.ID) ?? 'misconfiguration',
                severity: asSeverity(m.Severity),
                target,
                title: str(m.Title) ?? '',
            });
        }
    }
    return {
        trivyVersion: str(obj(root.Trivy).Version) ?? 'unknown',
        artifactName: str(root.ArtifactName) ?? source,
        findings,
    };
}
/** A vulnerability Trivy knows a fix for; secrets and misconfigurations are always fixable. */
function isFixable(f) {
    if (f.kind !== 'vulnerability')
        return true;
    return !!f.fixed || f.status === 'fixed';
}
/**
 * Applies the same filter Trivy was asked for. Trivy already applied it; doing it again keeps the
 * gate honest when a trivy.yaml in the workspace widened what Trivy wrote.
 */
function filterFindings(findings, filter) {
    return findings.filter((f) => filter.severities.includes(f.severity) && (!filter.ignoreUnfixed || isFixable(f)));
}
function countBySeverity(findings) {
    const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
    for (const f of findings)
        counts[f.severity]++;
    return counts;
}
function addCounts(a, b) {
    return Object.fromEntries(SEVERITIES.map((s) => [s, a[s] + b[s]]));
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
