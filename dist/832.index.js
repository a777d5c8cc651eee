export const id = 832;
export const ids = [832];
export const modules = {

/***/ 80832:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  buildScanPush: () => (/* binding */ buildScanPush),
  cleanup: () => (/* binding */ cleanup)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: ./actions/lib/runbooks.ts
var runbooks = __webpack_require__(46789);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(41914);
// EXTERNAL MODULE: ./node_modules/@actions/io/lib/io.js
var io = __webpack_require__(88701);
// EXTERNAL MODULE: ./common/errors.ts
var errors = __webpack_require__(52251);
// EXTERNAL MODULE: ./actions/containers/builders/buildah.ts
var buildah = __webpack_require__(69113);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: ./actions/containers/process.ts
var containers_process = __webpack_require__(87754);
// EXTERNAL MODULE: ./actions/containers/builders/types.ts
var types = __webpack_require__(76177);
;// CONCATENATED MODULE: ./actions/containers/builders/buildx.ts
/**
 * docker buildx (the default on GitHub-hosted runners): a docker-container builder (the docker
 * driver cannot export several platforms) writing every platform into one OCI archive.
 */



function cacheFlags(plan, withExport) {
    switch (plan.cache) {
        case 'gha':
            return ['--cache-from', `type=gha,scope=${plan.cacheScope}`, ...(withExport ? ['--cache-to', `type=gha,mode=max,scope=${plan.cacheScope}`] : [])];
        case 'registry':
            return [
                '--cache-from', `type=registry,ref=${plan.cacheRef}`,
                // ECR needs an image manifest (not an index) for cache blobs.
                ...(withExport ? ['--cache-to', `type=registry,ref=${plan.cacheRef},mode=max,image-manifest=true,oci-mediatypes=true`] : []),
            ];
        default:
            return [];
    }
}
function buildxBuildArgs(plan, builder, mode) {
    const args = ['buildx', 'build', '--builder', builder, '--platform', plan.platforms.join(','), '-f', plan.file, ...(0,types/* buildArgFlags */.e)(plan), ...(0,types/* labelFlags */.g)(plan)];
    if (plan.target)
        args.push('--target', plan.target);
    // The GitHub cache is written with the image (it is not a registry); a registry cache only after the gate.
    args.push(...cacheFlags(plan, plan.cache === 'gha' || mode === 'cache'));
    if (mode === 'image') {
        args.push(`--provenance=${plan.provenance ? 'mode=max' : 'false'}`, `--sbom=${plan.sbom}`);
        args.push('--output', `type=oci,dest=${plan.archivePath},tar=true`);
    }
    else {
        args.push('--output', 'type=cacheonly');
    }
    args.push(plan.context);
    return args;
}
class BuildxBuilder {
    builderName;
    name = 'buildx';
    state = {};
    constructor(builderName) {
        this.builderName = builderName;
    }
    async ensureBuilder(signal) {
        if (this.builderName)
            return this.builderName;
        if (this.state.buildxBuilder)
            return this.state.buildxBuilder;
        const name = `mesh-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`;
        await (0,containers_process/* mustRun */.Pv)('docker', ['buildx', 'create', '--name', name, '--driver', 'docker-container'], { signal });
        this.state.buildxBuilder = name;
        return name;
    }
    /** Only a registry cache needs credentials at build time; logged out again in post, as docker/login-action does. */
    async login(plan, signal) {
        if (plan.cache !== 'registry' || !plan.login || this.state.dockerLogout)
            return;
        const { registry, username, password } = plan.login;
        await (0,containers_process/* mustRun */.Pv)('docker', ['login', '--username', username, '--password-stdin', registry], { signal, stdin: password });
        this.state.dockerLogout = registry;
    }
    async build(plan, signal) {
        const builder = await this.ensureBuilder(signal);
        await this.login(plan, signal);
        await (0,containers_process/* mustRun */.Pv)('docker', buildxBuildArgs(plan, builder, 'image'), { signal });
    }
    async exportCache(plan, signal) {
        if (plan.cache !== 'registry')
            return;
        await this.login(plan, signal);
        await (0,containers_process/* mustRun */.Pv)('docker', buildxBuildArgs(plan, await this.ensureBuilder(signal), 'cache'), { signal });
    }
    async cleanup(state, signal) {
        if (state.buildxBuilder)
            await (0,containers_process/* runTool */.qI)('docker', ['buildx', 'rm', state.buildxBuilder], { signal });
        if (state.dockerLogout)
            await (0,containers_process/* runTool */.qI)('docker', ['logout', state.dockerLogout], { signal });
    }
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ecr/dist-cjs/index.js
var dist_cjs = __webpack_require__(28249);
// EXTERNAL MODULE: ./common/aws.ts + 1 modules
var aws = __webpack_require__(77115);
// EXTERNAL MODULE: ./actions/lib/secrets.ts
var secrets = __webpack_require__(19039);
;// CONCATENATED MODULE: ./actions/containers/ecr.ts
/**
 * ECR: the caller's registry and a short-lived password (masked before anything can print it), and a
 * repository created the safe way when asked: immutable tags, scan on push, KMS encryption and a
 * lifecycle policy.
 */





function ecrClient(region) {
    return (0,aws.awsClient)(dist_cjs/* ECRClient */.S70, { region });
}
/** The registry host and credentials for `accountId` (the caller's account when absent). */
async function ecrLogin(client, accountId, signal) {
    const res = await client.send(new dist_cjs/* GetAuthorizationTokenCommand */.Eu6(accountId ? { registryIds: [accountId] } : {}), { abortSignal: signal });
    const data = res.authorizationData?.[0];
    if (!data?.authorizationToken || !data.proxyEndpoint)
        throw new Error('ECR GetAuthorizationToken returned no authorization data.');
    // Mask before decoding anything: the token is base64 of AWS:<password>, the Basic credential itself.
    (0,secrets/* maskSecret */.$l)(data.authorizationToken);
    const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0)
        throw new Error('ECR authorization token is not in user:password form.');
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    (0,secrets/* maskBasicAuth */.H8)(username, password);
    return { registry: new URL(data.proxyEndpoint).host, username, password };
}
async function ensureRepository(client, spec, signal) {
    try {
        const res = await client.send(new dist_cjs/* DescribeRepositoriesCommand */.pE_({ repositoryNames: [spec.name], registryId: spec.accountId }), { abortSignal: signal });
        const repo = res.repositories?.[0];
        return { uri: repo?.repositoryUri ?? '', mutability: repo?.imageTagMutability ?? 'MUTABLE', created: false };
    }
    catch (err) {
        if (!(err instanceof dist_cjs/* RepositoryNotFoundException */.Da2) && err.name !== 'RepositoryNotFoundException')
            throw err;
        if (!spec.create)
            throw new errors/* InputError */.d(`ECR repository "${spec.name}" does not exist; create it, or set create-repository: true.`);
    }
    let created;
    try {
        created = await client.send(new dist_cjs/* CreateRepositoryCommand */.WTe({
            repositoryName: spec.name,
            registryId: spec.accountId,
            imageTagMutability: 'IMMUTABLE',
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfiguration: spec.kmsKey ? { encryptionType: 'KMS', kmsKey: spec.kmsKey } : { encryptionType: 'KMS' },
            tags: [{ Key: 'managed-by', Value: 'mesh-actions/build-scan-push' }],
        }), { abortSignal: signal });
    }
    catch (err) {
        // Another job created it between our describe and create: use theirs, leave its settings alone.
        if (err.name === 'RepositoryAlreadyExistsException')
            return ensureRepository(client, { ...spec, create: false }, signal);
        throw err;
    }
    try {
        await client.send(new dist_cjs/* PutLifecyclePolicyCommand */.Rcn({ repositoryName: spec.name, registryId: spec.accountId, lifecyclePolicyText: spec.lifecyclePolicy }), { abortSignal: signal });
    }
    catch (err) {
        // A repository left without its policy would be found next time and never get one: remove
        // the empty repository we just made, so the next run creates it whole.
        const undo = await client.send(new dist_cjs/* DeleteRepositoryCommand */.jmh({ repositoryName: spec.name, registryId: spec.accountId })).then(() => `the new repository was deleted again`, (e) => `deleting the new repository failed too (${(0,errors/* errorMessage */.g)(e)}): delete it before the next run`);
        throw new Error(`Setting the lifecycle policy of ECR repository "${spec.name}" failed (${(0,errors/* errorMessage */.g)(err)}); ${undo}. Nothing was pushed.`);
    }
    core/* info */.pq(`Created ECR repository ${spec.name}: immutable tags, scan on push, KMS encryption, lifecycle policy.`);
    return { uri: created.repository?.repositoryUri ?? '', mutability: 'IMMUTABLE', created: true };
}
/** Which of `tags` already exist in the repository, and the digest each holds. */
async function existingTagDigests(client, repository, accountId, tags, signal) {
    const found = new Map();
    if (tags.length === 0)
        return found;
    const res = await client.send(new dist_cjs/* BatchGetImageCommand */.P8n({
        repositoryName: repository, registryId: accountId, imageIds: tags.map((imageTag) => ({ imageTag })),
        acceptedMediaTypes: ['application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.docker.distribution.manifest.v2+json'],
    }), { abortSignal: signal });
    for (const image of res.images ?? []) {
        if (image.imageId?.imageTag && image.imageId.imageDigest)
            found.set(image.imageId.imageTag, image.imageId.imageDigest);
    }
    return found;
}

// EXTERNAL MODULE: ./actions/containers/ecr-inputs.ts
var ecr_inputs = __webpack_require__(5695);
;// CONCATENATED MODULE: ./actions/containers/oci-layout.ts
/**
 * The OCI image layout the builders write (an `oci-archive` tar, extracted): the one artifact that is
 * scanned and then pushed byte for byte, so the digest we report is the digest we scanned.
 */



const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);
const IMAGE_MANIFEST_TYPES = new Set(['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json']);
const ATTESTATION = 'attestation-manifest';
function blobPath(layoutDir, digest) {
    const [alg, hex] = digest.split(':');
    if (!/^[a-z0-9]+$/.test(alg ?? '') || !/^[a-f0-9]+$/.test(hex ?? ''))
        throw new Error(`Malformed digest "${digest}" in the OCI layout.`);
    return (0,external_node_path_.join)(layoutDir, 'blobs', alg, hex);
}
/** Reads a blob and checks it against its digest (a layout is only as good as its hashes). */
function readBlob(layoutDir, desc) {
    const data = (0,external_node_fs_.readFileSync)(blobPath(layoutDir, desc.digest));
    const actual = `sha256:${(0,external_node_crypto_.createHash)('sha256').update(data).digest('hex')}`;
    if (desc.digest.startsWith('sha256:') && actual !== desc.digest)
        throw new Error(`Blob ${desc.digest} in the OCI layout has digest ${actual}.`);
    return data;
}
const platformString = (p) => `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
function readLayout(layoutDir) {
    const index = JSON.parse((0,external_node_fs_.readFileSync)((0,external_node_path_.join)(layoutDir, 'index.json'), 'utf8'));
    const top = index.manifests ?? [];
    if (top.length !== 1)
        throw new Error(`Expected one image in the OCI layout ${layoutDir}, found ${top.length}.`);
    const root = top[0];
    if (INDEX_TYPES.has(root.mediaType)) {
        const list = JSON.parse(readBlob(layoutDir, root).toString('utf8'));
        // Everything in the index is pushed (`skopeo copy --all`), so every entry must be scanned or be
        // an attestation; an entry we cannot scan (no platform, a nested index) is refused, not skipped.
        const images = (list.manifests ?? [])
            // BuildKit adds provenance/SBOM attestations as `unknown/unknown` entries: they are not runnable images.
            .filter((m) => m.annotations?.['vnd.docker.reference.type'] !== ATTESTATION)
            .map((m) => {
            if (!IMAGE_MANIFEST_TYPES.has(m.mediaType) || !m.platform?.os || !m.platform.architecture || m.platform.os === 'unknown') {
                throw new Error(`The image index in ${layoutDir} lists ${m.digest} (${m.mediaType}, platform ${m.platform ? platformString(m.platform) : 'none'}), ` +
                    'which is neither a platform image nor an attestation: it could not be scanned, so nothing is pushed.');
            }
            return { platform: platformString(m.platform), manifest: m };
        });
        if (images.length === 0)
            throw new Error(`The image index in ${layoutDir} lists no platform images.`);
        return { digest: root.digest, mediaType: root.mediaType, images };
    }
    const manifest = JSON.parse(readBlob(layoutDir, root).toString('utf8'));
    const config = JSON.parse(readBlob(layoutDir, manifest.config).toString('utf8'));
    return { digest: root.digest, mediaType: root.mediaType, images: [{ platform: platformString(config), manifest: root }] };
}
/**
 * A layout holding just one platform's image, sharing the blobs: what `trivy image --input` scans
 * without having to pick a platform out of an index.
 */
function singleImageLayout(layoutDir, image, outDir) {
    (0,external_node_fs_.mkdirSync)(outDir, { recursive: true });
    (0,external_node_fs_.writeFileSync)((0,external_node_path_.join)(outDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    (0,external_node_fs_.writeFileSync)((0,external_node_path_.join)(outDir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [image.manifest] }));
    if (!(0,external_node_fs_.existsSync)((0,external_node_path_.join)(outDir, 'blobs')))
        (0,external_node_fs_.symlinkSync)((0,external_node_path_.join)(layoutDir, 'blobs'), (0,external_node_path_.join)(outDir, 'blobs'), 'dir');
    return outDir;
}

// EXTERNAL MODULE: ./common/retry.ts
var retry = __webpack_require__(72804);
;// CONCATENATED MODULE: ./actions/containers/push.ts
/**
 * Pushes the scanned OCI archive, byte for byte, with skopeo (`--preserve-digests` refuses any
 * conversion), and checks that the registry's digest is the one we scanned.
 */





/** Network faults while talking to a registry, worth another try (skopeo's own retries cover blobs, not the whole copy). */
function transientPushError(err) {
    return err instanceof containers_process/* ToolError */.v4 && /(connection reset|i\/o timeout|TLS handshake timeout|50[0-9] |429 |too many requests|EOF)/i.test(err.message);
}
function skopeoCopyArgs(req, destination, digestFile) {
    // skopeo 1.9 ignores CONTAINERS_REGISTRIES_CONF; pass it on so insecure/mirror settings apply.
    const global = process.env.CONTAINERS_REGISTRIES_CONF ? ['--registries-conf', process.env.CONTAINERS_REGISTRIES_CONF] : [];
    return [
        ...global, 'copy', '--all', '--preserve-digests', '--retry-times', '3',
        ...(req.authFile ? ['--authfile', req.authFile] : []),
        '--digestfile', digestFile, `oci-archive:${req.archivePath}`, `docker://${destination}`,
    ];
}
async function pushArchive(req) {
    const dir = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)((0,external_node_os_.tmpdir)(), 'mesh-push-'));
    for (const [i, destination] of req.destinations.entries()) {
        const digestFile = (0,external_node_path_.join)(dir, `digest-${i}`);
        await (0,retry/* withRetry */.bD)(() => (0,containers_process/* mustRun */.Pv)('skopeo', skopeoCopyArgs(req, destination, digestFile), { signal: req.signal }), {
            attempts: 3, baseMs: 1000, signal: req.signal, retryable: transientPushError,
        });
        const pushed = (0,external_node_fs_.readFileSync)(digestFile, 'utf8').trim();
        if (pushed !== req.expectedDigest) {
            throw new Error(`The registry stored ${destination} as ${pushed}, not the scanned ${req.expectedDigest}.`);
        }
    }
}

;// CONCATENATED MODULE: ./actions/containers/registry-auth.ts
/**
 * Registry credentials for the containers tools, in a file of our own (0600, in RUNNER_TEMP, removed in
 * post) instead of the user's ~/.docker: `--authfile` for buildah and skopeo.
 */



function writeAuthFile(dir, creds) {
    // The file holds base64 of user:password, which is also what a registry echoing our request would show.
    (0,secrets/* maskBasicAuth */.H8)(creds.username, creds.password);
    const auth = Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
    (0,external_node_fs_.mkdirSync)(dir, { recursive: true, mode: 0o700 });
    const path = (0,external_node_path_.join)(dir, 'config.json');
    (0,external_node_fs_.writeFileSync)(path, JSON.stringify({ auths: { [creds.registry]: { auth } } }), { mode: 0o600 });
    return path;
}

// EXTERNAL MODULE: ./actions/containers/trivy/report.ts
var trivy_report = __webpack_require__(36084);
;// CONCATENATED MODULE: ./actions/containers/trivy/gate.ts
/** The decision that stands between a built image and the registry. Pure. */

function decideGate(scans, filter, failOn) {
    const reported = scans.flatMap((s) => (0,trivy_report/* filterFindings */.Ni)(s.findings, filter).map((f) => ({ ...f, platform: s.platform })));
    const failing = reported.filter((f) => failOn.includes(f.severity));
    // The same CVE in the same package on two platforms is one problem for the counts.
    const key = (f) => `${f.kind}|${f.id}|${f.pkg ?? ''}|${f.installed ?? ''}|${f.target.replace(/\s*\(.*\)$/, '')}`;
    const unique = new Map();
    for (const f of reported)
        unique.set(key(f), f);
    const counts = (0,trivy_report/* countBySeverity */.Ot)([...unique.values()]);
    const failingCount = new Set(failing.map(key)).size;
    const summary = Object.entries(counts).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).reverse().join(', ') || 'no findings';
    const message = failing.length === 0
        ? `Scan gate passed (${summary}; fail-on: ${failOn.length ? failOn.join(',') : 'none'}).`
        : `Scan gate failed: ${failingCount} finding(s) at ${[...new Set(failing.map((f) => f.severity))].join('/')} ` +
            `(fail-on: ${failOn.join(',')}), e.g. ${failing.slice(0, 3).map((f) => `${f.id}${f.pkg ? ` in ${f.pkg}` : ''} [${f.platform}]`).join('; ')}. Nothing was pushed.`;
    return { passed: failing.length === 0, reported, failing, counts, message };
}

// EXTERNAL MODULE: ./node_modules/semver/index.js
var semver = __webpack_require__(62088);
var semver_default = /*#__PURE__*/__webpack_require__.n(semver);
// EXTERNAL MODULE: ./node_modules/sigstore/dist/index.js
var dist = __webpack_require__(94267);
;// CONCATENATED MODULE: ./actions/containers/trivy/install.ts
/**
 * Gets a Trivy that can be trusted, by content only: the pinned release downloaded, checked against
 * the committed SHA-256 table and its Sigstore bundle verified against Trivy's release workflow
 * identity; or a binary already on the runner (`trivy-path`, or PATH) whose SHA-256 is the one the
 * table lists for the binary inside that verified archive. What a binary says about itself
 * (`--version`) proves nothing: any earlier step of the job can put a `trivy` on PATH that prints
 * the right version and passes every image. Every check fails closed, because Trivy's own release
 * channel was hijacked in March 2026 (CVE-2026-33634); only `trivy-trust-unverified` runs an
 * unlisted binary, with a warning in the log and the job summary.
 */











class TrivyVerificationError extends Error {
    constructor(message) {
        super(`${message} ${(0,runbooks/* runbook */.l)('trivyInstall')}`);
        this.name = 'TrivyVerificationError';
    }
}
function assetKey(platform = process.platform, arch = process.arch) {
    const os = platform === 'win32' ? 'windows' : platform;
    const cpu = arch === 'x64' ? 'amd64' : arch;
    return `${os}/${cpu}`;
}
/** `trivy --version` prints `Version: 0.75.0` (and DB info); older builds may print `v0.75.0`. */
function parseTrivyVersion(output) {
    const m = /Version:\s*v?(\d+\.\d+\.\d+[^\s]*)/.exec(output);
    return m ? m[1] : null;
}
/** Why a reported version must not be used, or null when it may. */
function versionProblem(version, pin) {
    if (pin.compromisedVersions.includes(version)) {
        return `Trivy ${version} is one of the releases published by the March 2026 hijack (CVE-2026-33634: ${pin.compromisedVersions.join(', ')}).`;
    }
    if (!semver_default().valid(version))
        return `"${version}" is not a Trivy release version.`;
    if (semver_default().lt(version, pin.minimumVersion))
        return `Trivy ${version} is older than ${pin.minimumVersion}, the oldest this action drives.`;
    return null;
}
async function reportedVersion(path, signal) {
    const result = await (0,containers_process/* runTool */.qI)(path, ['--version'], { signal, echo: false });
    return result.code === 0 ? parseTrivyVersion(result.stdout) : null;
}
async function resolveTrivy(opts) {
    const { pin } = opts;
    const key = opts.platform ?? assetKey();
    if (opts.trivyPath) {
        if (!(0,external_node_fs_.existsSync)(opts.trivyPath) || !(0,external_node_fs_.statSync)(opts.trivyPath).isFile())
            throw new errors/* InputError */.d(`Input "trivy-path": ${opts.trivyPath} does not exist or is not a file; expected the path of a trivy binary.`);
        // Hashed before it is ever run: even `--version` would run whatever is there.
        const bytes = (0,external_node_fs_.readFileSync)(opts.trivyPath);
        const sha256 = sha256Hex(bytes);
        const problem = binaryProblem(sha256, pin, key);
        if (problem === null)
            return { path: adopt(bytes, opts.installDir), version: pin.version, source: 'trivy-path', sha256, verified: true };
        if (!opts.trustUnverified) {
            throw new errors/* InputError */.d(`Input "trivy-path": ${opts.trivyPath} ${problem}, so it is not run. Remove trivy-path to install the verified release, or set trivy-trust-unverified: true to run this binary anyway.`);
        }
        // Opted out of the digest, not of the version rules: the hijacked releases never run.
        const version = await reportedVersion(opts.trivyPath, opts.signal);
        if (!version)
            throw new errors/* InputError */.d(`Input "trivy-path": ${opts.trivyPath} --version did not report a Trivy version.`);
        const versionIssue = versionProblem(version, pin);
        if (versionIssue)
            throw new errors/* InputError */.d(`Input "trivy-path": ${versionIssue} Use ${pin.version}.`);
        if (version !== pin.version)
            core/* warning */.$e(`Using Trivy ${version} from trivy-path; this action pins and verifies ${pin.version}.`);
        await reportUnverified(opts.trivyPath, sha256, version, problem);
        return { path: opts.trivyPath, version, source: 'trivy-path', sha256, verified: false };
    }
    const onPath = await io.which('trivy', false);
    const bytes = onPath ? readIfReadable(onPath) : null;
    if (onPath && !bytes)
        core/* info */.pq(`trivy on PATH (${onPath}) cannot be read to verify it: installing the verified release.`);
    if (onPath && bytes) {
        const sha256 = sha256Hex(bytes);
        const problem = binaryProblem(sha256, pin, key);
        if (problem === null)
            return { path: adopt(bytes, opts.installDir), version: pin.version, source: 'PATH', sha256, verified: true };
        if (opts.trustUnverified) {
            const version = await reportedVersion(onPath, opts.signal);
            if (version === pin.version) {
                await reportUnverified(onPath, sha256, version, problem);
                return { path: onPath, version, source: 'PATH', sha256, verified: false };
            }
            core/* info */.pq(`trivy on PATH reports ${version ?? 'no version'}, not the pinned ${pin.version}: installing the pinned release.`);
        }
        else {
            // Not run, not even for its version; the verified release is installed instead. A listed
            // digest that differs is worth a warning: that file claims to be Trivy and is not the release.
            const log = pin.assets[key]?.binarySha256 ? core/* warning */.$e : core/* info */.pq;
            log(`trivy on PATH (${onPath}) ${problem}: not running it; installing the verified release instead.`);
        }
    }
    return installPinned(opts);
}
function readIfReadable(path) {
    try {
        return (0,external_node_fs_.readFileSync)(path);
    }
    catch {
        return null;
    }
}
/** Why a binary with this SHA-256 is not the verified release's, or null when it is. */
function binaryProblem(sha256, pin, key) {
    const listed = pin.assets[key]?.binarySha256;
    if (!listed)
        return `has SHA-256 ${sha256}, and trivy-checksums.json lists no Trivy ${pin.version} binary SHA-256 for ${key} to verify it against`;
    if (listed !== sha256)
        return `has SHA-256 ${sha256}, not ${listed}, the Trivy ${pin.version} release binary for ${key} in trivy-checksums.json`;
    return null;
}
/**
 * Runs a verified binary from a copy of the very bytes that were hashed, in our own folder: the
 * original may be replaced between the check and the scan by anything else running in the job.
 */
function adopt(bytes, installDir) {
    (0,external_node_fs_.mkdirSync)(installDir, { recursive: true, mode: 0o700 });
    const path = (0,external_node_path_.join)(installDir, 'trivy');
    (0,external_node_fs_.writeFileSync)(path, bytes, { mode: 0o755 });
    (0,external_node_fs_.chmodSync)(path, 0o755);
    return path;
}
/** The opt-out is loud: a warning annotation and a line in the job summary, next to the scan it weakens. */
async function reportUnverified(path, sha256, version, problem) {
    core/* warning */.$e(`Running Trivy ${version} from ${path} unverified (trivy-trust-unverified: true): it ${problem}. The scan gate is only as trustworthy as whatever put this binary there.`);
    await core/* summary */.z
        .addRaw(`> [!WARNING]\n> **Unverified Trivy:** \`${path}\` (SHA-256 \`${sha256}\`) ran with \`trivy-trust-unverified: true\`; it is not the verified Trivy release binary.\n\n`)
        .write();
}
/**
 * Checks, right before a scan, that the binary is still the one verified at resolve time: the build
 * runs for minutes in between, next to whatever else the job started.
 */
function assertTrivyUnchanged(trivy) {
    if (!trivy.verified)
        return;
    const now = (0,external_node_fs_.existsSync)(trivy.path) ? sha256Hex((0,external_node_fs_.readFileSync)(trivy.path)) : 'missing';
    if (now !== trivy.sha256)
        throw new TrivyVerificationError(`${trivy.path} changed after it was verified (SHA-256 ${trivy.sha256}, now ${now}): refusing to scan with it.`);
}
async function download(url, what, signal) {
    return (0,retry/* withRetry */.bD)(async () => {
        let res;
        try {
            res = await fetch(url, { signal, redirect: 'follow' });
        }
        catch (err) {
            throw Object.assign(new Error(`Downloading ${what} from ${url} failed: ${(0,errors/* errorMessage */.g)(err)}`), { cause: err, code: err.cause?.code });
        }
        if (res.status === 404)
            throw new TrivyVerificationError(`${what} is missing at ${url} (HTTP 404): refusing to install Trivy without it.`);
        if (!res.ok)
            throw Object.assign(new Error(`Downloading ${what} from ${url} failed: HTTP ${res.status}`), { $metadata: { httpStatusCode: res.status } });
        return Buffer.from(await res.arrayBuffer());
    }, { attempts: 4, baseMs: 500, signal, retryable: (e) => !(e instanceof TrivyVerificationError) && (0,retry/* isTransientError */.bV)(e) });
}
function sha256Hex(data) {
    return (0,external_node_crypto_.createHash)('sha256').update(data).digest('hex');
}
/** Checks the bundle's signature over `artifact`, its certificate chain, SCT and transparency-log entry, and that Trivy's release workflow signed it. */
async function verifySigstoreBundle(artifact, bundleText, pin, trust, what) {
    let bundle;
    try {
        bundle = JSON.parse(bundleText.toString('utf8'));
    }
    catch {
        throw new TrivyVerificationError(`The Sigstore bundle of ${what} is not JSON.`);
    }
    const bindingProblem = bundleBindingProblem(bundle, artifact);
    if (bindingProblem)
        throw new TrivyVerificationError(`The Sigstore bundle of ${what} ${bindingProblem}.`);
    const expected = `expected a signature by ${pin.signer.certificateIdentity} (issuer ${pin.signer.oidcIssuer})`;
    let signer;
    try {
        signer = await dist/* verify */.MX(bundle, artifact, {
            // sigstore-js matches this as an unanchored regular expression: anchor and escape it, or any
            // workflow whose ref merely contains (or resembles) the release workflow's identity would pass.
            certificateIdentityURI: exactPattern(pin.signer.certificateIdentity),
            certificateIssuer: pin.signer.oidcIssuer,
            tufMirrorURL: trust.tufMirrorURL,
            tufRootPath: trust.tufRootPath,
            tufCachePath: trust.tufCachePath,
        });
    }
    catch (err) {
        throw new TrivyVerificationError(`The Sigstore signature of ${what} did not verify (${(0,errors/* errorMessage */.g)(err)}); ${expected}.`);
    }
    // And compare the verified identity as a string, so a future change in how the library matches cannot widen this.
    const san = signer.identity?.subjectAlternativeName;
    const issuer = signer.identity?.extensions?.issuer;
    if (san !== pin.signer.certificateIdentity || issuer !== pin.signer.oidcIssuer) {
        throw new TrivyVerificationError(`The Sigstore signature of ${what} did not verify (signed by ${san} (issuer ${issuer})); ${expected}.`);
    }
}
/**
 * Whether the bundle is about these bytes. A message signature carries the artifact's digest; a DSSE
 * (in-toto attestation) bundle names it as a subject, and sigstore-js checks only the envelope's
 * signature, not the subject, so an attestation for another file would otherwise pass.
 */
function bundleBindingProblem(bundle, artifact) {
    const b = bundle;
    const sha = sha256Hex(artifact);
    if (b?.messageSignature) {
        const d = b.messageSignature.messageDigest;
        if (d?.algorithm !== 'SHA2_256' || Buffer.from(d.digest ?? '', 'base64').toString('hex') !== sha)
            return `signs another file (its SHA-256 digest is not ${sha})`;
        return null;
    }
    if (b?.dsseEnvelope) {
        if (b.dsseEnvelope.payloadType !== 'application/vnd.in-toto+json')
            return `holds a ${b.dsseEnvelope.payloadType} envelope, not an in-toto statement`;
        let statement;
        try {
            statement = JSON.parse(Buffer.from(b.dsseEnvelope.payload ?? '', 'base64').toString('utf8'));
        }
        catch {
            return 'holds an unreadable in-toto statement';
        }
        if (!(statement.subject ?? []).some((s) => s.digest?.sha256 === sha))
            return `attests other files (no subject has SHA-256 ${sha})`;
        return null;
    }
    return 'holds neither a message signature nor a DSSE envelope';
}
/** A regular expression matching exactly `text`. */
function exactPattern(text) {
    return `^${text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`;
}
async function installPinned(opts) {
    const { pin } = opts;
    const key = opts.platform ?? assetKey();
    const asset = pin.assets[key];
    if (!asset)
        throw new TrivyVerificationError(`No pinned Trivy ${pin.version} asset for ${key}; pinned: ${Object.keys(pin.assets).join(', ')}.`);
    const base = (opts.mirror || pin.downloadBase).replace(/\/+$/, '');
    const archive = await download(`${base}/${asset.name}`, asset.name, opts.signal);
    const actual = sha256Hex(archive);
    if (actual !== asset.sha256) {
        throw new TrivyVerificationError(`SHA-256 of ${asset.name} is ${actual}, but the committed table pins ${asset.sha256}: refusing to install it.`);
    }
    const bundle = await download(`${base}/${asset.name}.sigstore.json`, `${asset.name}.sigstore.json (its Sigstore signature)`, opts.signal);
    await verifySigstoreBundle(archive, bundle, pin, opts.trust, asset.name);
    core/* info */.pq(`Verified ${asset.name}: SHA-256 ${actual}, signed by ${pin.signer.certificateIdentity}.`);
    (0,external_node_fs_.mkdirSync)(opts.installDir, { recursive: true });
    const work = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)(opts.installDir, 'download-'));
    const archivePath = (0,external_node_path_.join)(work, asset.name);
    (0,external_node_fs_.writeFileSync)(archivePath, archive);
    // Extract only the binary: nothing else from the archive lands on disk.
    await (0,containers_process/* mustRun */.Pv)('tar', ['-xzf', archivePath, '-C', opts.installDir, 'trivy'], { signal: opts.signal, echo: false });
    await io.rmRF(work);
    const path = (0,external_node_path_.join)(opts.installDir, 'trivy');
    (0,external_node_fs_.chmodSync)(path, 0o755);
    // The binary inside the verified archive is what the table's binary digest records, and what a
    // copy already on a runner must match to be run without a download.
    const sha256 = sha256Hex((0,external_node_fs_.readFileSync)(path));
    const listed = asset.binarySha256;
    if (listed && listed !== sha256) {
        (0,external_node_fs_.rmSync)(path, { force: true });
        throw new TrivyVerificationError(`The trivy binary in the verified ${asset.name} has SHA-256 ${sha256}, but trivy-checksums.json lists ${listed} for ${key}: the table is inconsistent; refusing to use it.`);
    }
    if (!listed)
        core/* info */.pq(`The trivy binary in ${asset.name} has SHA-256 ${sha256}; trivy-checksums.json lists none for ${key}, so a copy already on a runner is not used.`);
    return { path, version: pin.version, source: 'download', sha256, verified: true };
}

;// CONCATENATED MODULE: ./actions/containers/trivy/sarif.ts
function mergeSarif(docs) {
    if (docs.length === 0)
        throw new Error('mergeSarif: no SARIF documents');
    const merged = structuredClone(docs[0]);
    const run = merged.runs?.[0];
    if (!run)
        throw new Error('mergeSarif: the first SARIF document has no run');
    run.results ??= [];
    run.tool.driver.rules ??= [];
    const ruleIds = new Set(run.tool.driver.rules.map((r) => r.id));
    const resultKey = (r) => JSON.stringify([r.ruleId, r.message?.text, r.locations?.[0]?.physicalLocation?.artifactLocation?.uri]);
    const resultKeys = new Set(run.results.map(resultKey));
    for (const doc of docs.slice(1)) {
        for (const other of doc.runs ?? []) {
            for (const rule of other.tool?.driver?.rules ?? []) {
                if (!ruleIds.has(rule.id)) {
                    ruleIds.add(rule.id);
                    run.tool.driver.rules.push(rule);
                }
            }
            for (const result of other.results ?? []) {
                const key = resultKey(result);
                if (resultKeys.has(key))
                    continue;
                resultKeys.add(key);
                // ruleIndex points into the first run's rules now.
                const index = run.tool.driver.rules.findIndex((r) => r.id === result.ruleId);
                run.results.push({ ...result, ...(index >= 0 ? { ruleIndex: index } : {}) });
            }
        }
    }
    merged.runs = [run];
    return merged;
}

;// CONCATENATED MODULE: ./actions/containers/trivy/scan.ts
/**
 * Drives Trivy 0.75's CLI over the built layout, one platform at a time, before anything is pushed:
 * `trivy image --input <single-image OCI layout>` writes the JSON the gate reads, and
 * `trivy convert --format sarif` turns that same JSON into SARIF (one scan, two formats).
 */






function trivyImageArgs(req, input, output) {
    const args = [
        'image', '--input', input, '--format', 'json', '--output', output,
        '--severity', req.severities.join(','), '--scanners', 'vuln,secret',
        // Exit 0 on findings: the gate decides, from the report, so a Trivy error is never read as a pass.
        '--exit-code', '0', '--no-progress', '--skip-version-check', '--disable-telemetry',
    ];
    if (req.ignoreUnfixed)
        args.push('--ignore-unfixed');
    if (req.trivyignore)
        args.push('--ignorefile', req.trivyignore);
    return args;
}
async function scanImages(req) {
    (0,external_node_fs_.mkdirSync)(req.workDir, { recursive: true });
    const scans = [];
    const reportPaths = [];
    const sarifDocs = [];
    for (const image of req.images) {
        const slug = image.platform.replace(/\//g, '-');
        const input = singleImageLayout(req.layoutDir, image, (0,external_node_path_.join)(req.workDir, `layout-${slug}`));
        const report = (0,external_node_path_.join)(req.workDir, `trivy-${slug}.json`);
        const sarif = (0,external_node_path_.join)(req.workDir, `trivy-${slug}.sarif`);
        await (0,containers_process/* mustRun */.Pv)(req.trivy, trivyImageArgs(req, input, report), { signal: req.signal });
        const parsed = (0,trivy_report/* parseTrivyReport */.Qg)(JSON.parse((0,external_node_fs_.readFileSync)(report, 'utf8')), report);
        scans.push({ platform: image.platform, findings: parsed.findings });
        reportPaths.push(report);
        await (0,containers_process/* mustRun */.Pv)(req.trivy, ['convert', '--format', 'sarif', '--output', sarif, report], { signal: req.signal });
        sarifDocs.push(JSON.parse((0,external_node_fs_.readFileSync)(sarif, 'utf8')));
    }
    const sarifPath = (0,external_node_path_.join)(req.workDir, 'trivy.sarif');
    (0,external_node_fs_.writeFileSync)(sarifPath, JSON.stringify(mergeSarif(sarifDocs), null, 2));
    return { scans, reportPaths, sarifPath };
}

;// CONCATENATED MODULE: ./actions/containers/trivy/summary.ts

const MAX_ROWS = 50;
const cell = (s) => (s ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
function scanSummaryMarkdown(decision, image, platforms) {
    const order = [...trivy_report/* SEVERITIES */.oC].reverse();
    const lines = [
        `### Trivy scan of \`${image}\` ${decision.passed ? '✅ passed' : '❌ failed'}`,
        '',
        `Platforms: ${platforms.map((p) => `\`${p}\``).join(', ')}`,
        '',
        `| ${order.join(' | ')} |`,
        `| ${order.map(() => '---:').join(' | ')} |`,
        `| ${order.map((s) => decision.counts[s]).join(' | ')} |`,
        '',
    ];
    if (decision.reported.length === 0)
        return [...lines, 'No findings at the reported severities.', ''].join('\n');
    const rank = (s) => order.indexOf(s);
    const rows = [...decision.reported].sort((a, b) => rank(a.severity) - rank(b.severity) || a.id.localeCompare(b.id));
    lines.push('| Severity | ID | Package | Installed | Fixed | Platform | Title |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const f of rows.slice(0, MAX_ROWS)) {
        lines.push(`| ${f.severity} | ${cell(f.id)} | ${cell(f.pkg ?? f.kind)} | ${cell(f.installed)} | ${cell(f.fixed)} | ${f.platform} | ${cell(f.title)} |`);
    }
    if (rows.length > MAX_ROWS)
        lines.push('', `…and ${rows.length - MAX_ROWS} more in the SARIF file.`);
    lines.push('', decision.message, '');
    return lines.join('\n');
}

;// CONCATENATED MODULE: ./actions/build-scan-push/trivy-checksums.json
const trivy_checksums_namespaceObject = /*#__PURE__*/JSON.parse('{"comment":"Pinned Trivy release: SHA-256 of each asset as published in trivy_0.75.0_checksums.txt, and the identity that signs its .sigstore.json bundles. 0.75.0 is published after the March 2026 release-channel hijack (CVE-2026-33634, v0.69.4-v0.69.6). Update all fields together, by hand, from the release page.","binaryComment":"binarySha256, per asset: SHA-256 of the trivy binary inside that archive, the only digest a trivy already on a runner (PATH or trivy-path) may have to run; null until recorded, and then such a binary is not run (the release is downloaded and verified instead). Record it from an install by this action, which verifies the archive and logs \'The trivy binary in <asset> has SHA-256 <digest>\', or with: sha256sum -c on the archive against the release\'s checksums file, then tar -xzOf <asset> trivy | sha256sum. Never from a binary found on a machine.","version":"0.75.0","tag":"v0.75.0","downloadBase":"https://github.com/aquasecurity/trivy/releases/download/v0.75.0","signer":{"certificateIdentity":"https://github.com/aquasecurity/trivy/.github/workflows/reusable-release.yaml@refs/tags/v0.75.0","oidcIssuer":"https://token.actions.githubusercontent.com"},"assets":{"linux/amd64":{"name":"trivy_0.75.0_Linux-64bit.tar.gz","sha256":"c6e65abddb348e25f10549df887045629cf28cc72453cd1c63acb717316b3f3f","binarySha256":null},"linux/arm64":{"name":"trivy_0.75.0_Linux-ARM64.tar.gz","sha256":"a1ee9f6ffb7d112b64ff726a2a0717c21175c1114361391f4a132956751a13b3","binarySha256":null},"darwin/amd64":{"name":"trivy_0.75.0_macOS-64bit.tar.gz","sha256":"291edaa9778acbe4693d067b5ad60ee11570e5ac68296e85595417528ca641e4","binarySha256":null},"darwin/arm64":{"name":"trivy_0.75.0_macOS-ARM64.tar.gz","sha256":"4a77108cccf8e55c8d6823e1e759939a622277e66cd0daa3c1fc621ed69e4568","binarySha256":null}},"compromisedVersions":["0.69.4","0.69.5","0.69.6"],"minimumVersion":"0.68.1"}');
// EXTERNAL MODULE: ./actions/build-scan-push/plan.ts + 1 modules
var build_scan_push_plan = __webpack_require__(73943);
;// CONCATENATED MODULE: ./actions/build-scan-push/state-helper.ts
/** What post needs from main: the scratch folder (it holds the registry auth file) and the builder's leftovers. */

const WORK_DIR = 'workDir';
const BUILDER = 'builder';
const BUILDER_STATE = 'builderState';
function saveWorkDir(dir) {
    core/* saveState */.LZ(WORK_DIR, dir);
}
function saveBuilder(name, state) {
    core/* saveState */.LZ(BUILDER, name);
    core/* saveState */.LZ(BUILDER_STATE, JSON.stringify(state));
}
function readState() {
    let builderState = {};
    try {
        builderState = JSON.parse(core/* getState */.Gu(BUILDER_STATE) || '{}');
    }
    catch {
        builderState = {};
    }
    return { workDir: core/* getState */.Gu(WORK_DIR), builder: core/* getState */.Gu(BUILDER), builderState };
}

;// CONCATENATED MODULE: ./actions/build-scan-push/pipeline.ts
/**
 * The order is the contract: validate every input, get a verified Trivy, build every platform into one
 * OCI archive, scan that archive, decide, and only then create the repository and push the archive
 * byte for byte. The digest output is the digest that was scanned.
 */























function newBuilder(inputs) {
    return inputs.builder === 'buildah' ? new buildah/* BuildahBuilder */.$N() : new BuildxBuilder(inputs.buildxBuilder);
}
async function resolveRegistry(inputs, region, signal) {
    if ((0,build_scan_push_plan/* registryKind */.IL)(inputs.registry) === 'other') {
        const creds = inputs.username && inputs.password ? { registry: inputs.registry, username: inputs.username, password: inputs.password } : undefined;
        return { host: inputs.registry, creds };
    }
    if (!(0,build_scan_push_plan/* needsEcr */.MJ)(inputs))
        return undefined;
    const parsed = inputs.registry ? (0,ecr_inputs/* parseEcrHost */.wl)(inputs.registry) : null;
    const client = ecrClient(region ?? (0,build_scan_push_plan/* ecrRegion */.d0)(inputs));
    const creds = await ecrLogin(client, parsed?.accountId, signal);
    return { host: inputs.registry ?? creds.registry, creds, ecr: { client, accountId: parsed?.accountId ?? creds.registry.split('.')[0] } };
}
function setScanOutputs(decision, sarifPath) {
    for (const s of trivy_report/* SEVERITIES */.oC)
        core/* setOutput */.uH(s.toLowerCase(), decision.counts[s]);
    core/* setOutput */.uH('sarif', sarifPath);
}
/** Runs the plan main validated (./main.ts): nothing here reads an input. */
async function buildScanPush(ctx, { inputs, tags, moving, region }, signal) {
    const work = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)(process.env.RUNNER_TEMP || (0,external_node_os_.tmpdir)(), 'build-scan-push-'));
    saveWorkDir(work);
    const trivy = await verifiedTrivy(inputs, work, signal);
    const registry = await resolveRegistry(inputs, region, signal);
    const authFile = registry?.creds ? writeAuthFile((0,external_node_path_.join)(work, 'auth'), registry.creds) : undefined;
    // Without a push to the caller's ECR there is no token to name its host: then the name is the repository alone.
    const registryHost = registry?.host ?? inputs.registry;
    const repositoryRef = registryHost ? `${registryHost}/${inputs.repository}` : inputs.repository;
    const version = tags.find((t) => /^\d+\.\d+\.\d+/.test(t)) ?? tags[0];
    const plan = {
        context: inputs.context, file: inputs.file, platforms: inputs.platforms, buildArgs: inputs.buildArgs, target: inputs.target,
        labels: (0,build_scan_push_plan/* ociLabels */.TT)(ctx, version, inputs.labels), cache: inputs.cache,
        cacheRef: inputs.cache === 'registry' ? `${repositoryRef}:buildcache` : undefined,
        cacheScope: inputs.repository, provenance: inputs.provenance, sbom: inputs.sbom,
        archivePath: (0,external_node_path_.join)(work, 'image.oci.tar'), authFile, login: registry?.creds,
    };
    const builder = newBuilder(inputs);
    const { layout, layoutDir } = await build(builder, plan, inputs, work, signal);
    const decision = trivy ? await scan(trivy, { layout, layoutDir }, inputs, work, repositoryRef, signal) : undefined;
    let resultTags = tags;
    if (inputs.push) {
        if (!registry)
            throw new Error('No registry to push to.');
        const pushedTags = registry.ecr ? await tagsForRepository(registry.ecr, inputs, tags, moving, layout.digest, signal) : { push: tags, result: tags };
        resultTags = pushedTags.result;
        await builder.exportCache(plan, signal);
        if (pushedTags.push.length) {
            await core/* group */.Os(`Push ${repositoryRef}`, () => pushArchive({
                archivePath: plan.archivePath, destinations: pushedTags.push.map((t) => `${repositoryRef}:${t}`), expectedDigest: layout.digest, authFile, signal,
            }));
        }
    }
    else {
        core/* info */.pq('push: false: built and scanned, not pushed.');
    }
    const image = `${repositoryRef}@${layout.digest}`;
    core/* setOutput */.uH('digest', layout.digest);
    core/* setOutput */.uH('image', image);
    core/* setOutput */.uH('tags', resultTags.map((t) => `${repositoryRef}:${t}`).join('\n'));
    core/* setOutput */.uH('metadata', JSON.stringify({
        image, digest: layout.digest, mediaType: layout.mediaType, pushed: inputs.push,
        platforms: layout.images.map((i) => ({ platform: i.platform, digest: i.manifest.digest })),
        tags: resultTags.map((t) => `${repositoryRef}:${t}`), labels: Object.fromEntries(plan.labels),
        scan: decision ? { trivy: trivy?.version, counts: decision.counts, failOn: inputs.failOn } : null,
    }));
    core/* info */.pq(`${inputs.push ? 'Pushed' : 'Built'} ${image}`);
}
/** A Trivy that cannot be verified stops the job before minutes of building; none with scan: false. */
async function verifiedTrivy(inputs, work, signal) {
    if (!inputs.scan) {
        core/* warning */.$e('scan: false: this image is pushed without a vulnerability scan.');
        return undefined;
    }
    const trivy = await resolveTrivy({
        pin: trivy_checksums_namespaceObject, trivyPath: inputs.trivyPath, trustUnverified: inputs.trivyTrustUnverified, mirror: inputs.trivyMirror, installDir: (0,external_node_path_.join)(work, 'trivy'), signal,
        trust: { tufMirrorURL: inputs.sigstoreTufMirror, tufRootPath: inputs.sigstoreTufRoot, tufCachePath: (0,external_node_path_.join)(work, 'sigstore-tuf') },
    });
    core/* info */.pq(`Trivy ${trivy.version} (${trivy.source}): ${trivy.path}${trivy.verified ? `, SHA-256 ${trivy.sha256} verified` : ', unverified'}`);
    return trivy;
}
/** Builds every platform into one OCI archive and unpacks it to read what was built. */
async function build(builder, plan, inputs, work, signal) {
    try {
        await core/* group */.Os(`Build ${inputs.platforms.join(', ')} with ${builder.name}`, () => builder.build(plan, signal));
    }
    finally {
        saveBuilder(builder.name, builder.state);
    }
    const layoutDir = (0,external_node_path_.join)(work, 'layout');
    (0,external_node_fs_.mkdirSync)(layoutDir);
    await (0,containers_process/* mustRun */.Pv)('tar', ['-xf', plan.archivePath, '-C', layoutDir], { signal, echo: false });
    const layout = readLayout(layoutDir);
    core/* info */.pq(`Built ${layout.digest} (${layout.images.map((i) => i.platform).join(', ')}).`);
    return { layout, layoutDir };
}
/** Scans the built archive and decides; throws when the findings fail the gate. */
async function scan(trivy, { layout, layoutDir }, inputs, work, repositoryRef, signal) {
    assertTrivyUnchanged(trivy);
    const outcome = await core/* group */.Os('Scan with Trivy', () => scanImages({
        trivy: trivy.path, layoutDir, images: layout.images, workDir: (0,external_node_path_.join)(work, 'scan'),
        severities: inputs.severities, ignoreUnfixed: inputs.ignoreUnfixed, trivyignore: inputs.trivyignore, signal,
    }));
    const decision = decideGate(outcome.scans, { severities: inputs.severities, ignoreUnfixed: inputs.ignoreUnfixed }, inputs.failOn);
    setScanOutputs(decision, outcome.sarifPath);
    await core/* summary */.z.addRaw(scanSummaryMarkdown(decision, `${repositoryRef}@${layout.digest}`, layout.images.map((i) => i.platform))).write();
    if (!decision.passed)
        throw new Error(`${decision.message} ${(0,runbooks/* runbook */.l)('trivyFindings')}`);
    core/* info */.pq(decision.message);
    return decision;
}
/**
 * The ECR repository (created when asked) and the tags to push to it: all of them, less moving ones
 * an immutable repository cannot take (`result`, the tags that end up naming the image), less those
 * a re-run finds already holding this digest (`push`).
 */
async function tagsForRepository(ecr, inputs, tags, moving, digest, signal) {
    const repo = await ensureRepository(ecr.client, {
        name: inputs.repository, accountId: ecr.accountId, create: inputs.createRepository, lifecyclePolicy: inputs.lifecyclePolicy, kmsKey: inputs.kmsKey,
    }, signal);
    if (repo.mutability !== 'IMMUTABLE')
        return { push: tags, result: tags };
    // Moving tags (the branch) cannot land in an immutable repository; deploys use the digest anyway.
    const dropped = moving.filter((t) => tags.includes(t));
    if (dropped.length)
        core/* notice */.lm(`Not tagging ${dropped.join(', ')}: ${inputs.repository} has immutable tags.`);
    const kept = tags.filter((t) => !dropped.includes(t));
    // A re-run of the same commit finds its tags already there: fine when they hold this digest.
    const existing = await existingTagDigests(ecr.client, inputs.repository, ecr.accountId, kept, signal);
    const clash = [...existing].filter(([, d]) => d !== digest);
    if (clash.length)
        throw new Error(`Immutable tag(s) ${clash.map(([t, d]) => `${t} (→ ${d})`).join(', ')} already hold another image in ${inputs.repository}; nothing was pushed.`);
    return { push: kept.filter((t) => !existing.has(t)), result: kept };
}
async function cleanup(signal) {
    const { workDir, builder, builderState } = readState();
    if (builder) {
        const b = builder === 'buildah' ? new buildah/* BuildahBuilder */.$N() : new BuildxBuilder();
        try {
            await b.cleanup(builderState, signal);
        }
        catch (err) {
            core/* warning */.$e(`Cleaning up ${builder} failed: ${(0,errors/* errorMessage */.g)(err)}`);
        }
    }
    // The scratch folder holds the registry auth file: it must not outlive the job.
    if (workDir)
        await io.rmRF(workDir);
}


/***/ }),

/***/ 46789:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   l: () => (/* binding */ runbook)
/* harmony export */ });
/* unused harmony export RUNBOOKS */
/**
 * Where a person reads what to do next, for the errors an action cannot resolve itself. The links
 * point into the major the actions ship from; test/docs/runbooks.test.ts checks every section exists.
 */
const BASE = 'https://github.com/mesh-actions/mesh-actions/blob/v1/';
const RUNBOOKS = {
    restore: 'docs/runbooks/failed-or-stuck-ramp.md#failed-could-not-restore',
    smokeTest: 'docs/runbooks/failed-or-stuck-ramp.md#smoke-test-failed',
    trivyFindings: 'docs/runbooks/trivy-gate.md#the-gate-found-vulnerabilities',
    trivyInstall: 'docs/runbooks/trivy-gate.md#trivy-was-not-installed-or-refused',
};
function runbook(which) {
    return `Runbook: ${BASE}${RUNBOOKS[which]}`;
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

/***/ 74376:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   m: () => (/* binding */ systemClock)
/* harmony export */ });
/* unused harmony export FakeClock */
const systemClock = {
    now: () => Date.now(),
    sleep: (ms, signal) => new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(signal.reason);
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        const onAbort = () => {
            clearTimeout(timer);
            reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
/** A clock that only moves when something sleeps on it: deterministic tests of long ramps. */
class FakeClock {
    t;
    constructor(t = Date.UTC(2026, 0, 1)) {
        this.t = t;
    }
    now() {
        return this.t;
    }
    async sleep(ms, signal) {
        if (signal?.aborted)
            throw signal.reason;
        this.t += ms;
        await Promise.resolve();
    }
    advance(ms) {
        this.t += ms;
    }
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
