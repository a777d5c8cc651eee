// Hardening rules for every workflow of this repository (.github/workflows/ and the starters in
// workflows/), run by scripts/lint-actions.mjs:
//   1. every third-party action or reusable workflow is pinned by a full 40-hex commit SHA, with the
//      release it is in a trailing comment (`uses: actions/checkout@<sha> # v7.0.1`): a tag can be
//      moved to other code, a commit cannot. Local (`./`) and our own actions are exempt;
//   2. the top level grants nothing beyond `contents: read`, every job says what it needs, and only
//      jobs that use GitHub's OIDC token get `id-token: write`: assuming an AWS role, or signing a
//      build provenance attestation (Sigstore);
//   3. user input (`inputs.*`, `github.event.*`, `github.head_ref`) never appears inside a `run:`
//      script (or an actions/github-script `script:`): it reaches the shell through `env:`, as data.
// Each rule takes the workflow's text and returns its problems as strings, so tests can run it on
// small YAML documents.
import YAML, { LineCounter, isMap, isScalar, isSeq } from 'yaml';

/** Our own actions and reusable workflows: released by us with the repository, referenced by tag. */
export const FIRST_PARTY = /^mesh-actions\/mesh-actions(?:\/[^@]*)?@/;
const SHA_PIN = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(?:\/[^@\s]+)?@[0-9a-f]{40}$/;
const DOCKER_PIN = /^docker:\/\/[^@\s]+@sha256:[0-9a-f]{64}$/;
const VERSION_COMMENT = /#\s*v?\d+(?:\.\d+){0,2}\b/;
const AWS_CREDENTIALS = /^aws-actions\/configure-aws-credentials@/;
/** GitHub's attestation actions: their Sigstore signing certificate comes from the OIDC token. */
const ATTEST = /^actions\/attest(?:-build-provenance|-sbom)?@/;
/** Contexts a user (dispatcher, caller, PR author) controls. */
const USER_INPUT = /\b(?:inputs\.|github\.event\.|github\.head_ref\b)/;

const parse = (text) => {
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter });
  if (doc.errors.length) throw new Error(`not valid YAML: ${doc.errors[0].message}`);
  return { doc, lineCounter, wf: doc.toJS() ?? {} };
};

const jobsOf = (wf) => Object.entries(wf?.jobs ?? {});
const stepName = (step, i) => step?.name ?? step?.id ?? String(i + 1);

/** Rule 1: `uses:` of every job and step, pinned by commit SHA with a version comment. */
export function pinningProblems(text) {
  const { doc, lineCounter } = parse(text);
  const lines = text.split('\n');
  const problems = [];
  const check = (node, where) => {
    if (!isScalar(node) || typeof node.value !== 'string') return;
    const uses = node.value.trim();
    if (uses.startsWith('./') || FIRST_PARTY.test(uses)) return;
    const line = lineCounter.linePos(node.range[0]).line;
    if (uses.startsWith('docker://')) {
      if (!DOCKER_PIN.test(uses)) problems.push(`line ${line}: ${where} uses "${uses}": pin the image by digest (docker://image@sha256:<64 hex>)`);
      return;
    }
    if (!SHA_PIN.test(uses)) {
      problems.push(`line ${line}: ${where} uses "${uses}": pin it by full 40-hex commit SHA (owner/repo@<sha> # vX.Y.Z)`);
    } else if (!VERSION_COMMENT.test(lines[line - 1].slice(lines[line - 1].indexOf(uses) + uses.length))) {
      problems.push(`line ${line}: ${where} uses "${uses}": name the release it is in a trailing comment (# vX.Y.Z)`);
    }
  };
  const jobs = doc.get('jobs');
  if (!isMap(jobs)) return problems;
  for (const pair of jobs.items) {
    const jobId = String(pair.key?.value ?? pair.key);
    const job = pair.value;
    if (!isMap(job)) continue;
    check(job.get('uses', true), `job ${jobId}`);
    const steps = job.get('steps');
    if (!isSeq(steps)) continue;
    steps.items.forEach((step, i) => {
      if (isMap(step)) check(step.get('uses', true), `job ${jobId} step ${step.get('name') ?? step.get('id') ?? i + 1}`);
    });
  }
  return problems;
}

/** A step that uses GitHub's OIDC token: assumes an AWS role with it (not with keys or a token file), or signs an attestation. */
function oidcStep(step) {
  if (typeof step?.uses !== 'string') return false;
  if (ATTEST.test(step.uses)) return true;
  const w = step.with ?? {};
  return AWS_CREDENTIALS.test(step.uses) && !!w['role-to-assume'] && !w['aws-access-key-id'] && !w['web-identity-token-file'];
}

/**
 * Whether a job uses GitHub's OIDC token: one of its steps does, or (a reusable-workflow call) one
 * of the called workflow's jobs does. `resolve(uses)` gives a called workflow's text, or null when
 * it is not in this repository (then: null, unknown).
 */
function usesOidc(job, resolve) {
  if (typeof job?.uses === 'string') {
    const text = resolve(job.uses);
    if (text === null) return null;
    return jobsOf(parse(text).wf).some(([, j]) => usesOidc(j, resolve));
  }
  return (job?.steps ?? []).some(oidcStep);
}

const isEmpty = (p) => p !== null && typeof p === 'object' && Object.keys(p).length === 0;
const onlyContentsRead = (p) => p !== null && typeof p === 'object' && Object.keys(p).length === 1 && p.contents === 'read';

/** Rule 2: `permissions:` at the top (nothing or contents: read) and on every job; id-token only where OIDC is used. */
export function permissionProblems(text, resolve = () => null) {
  const { wf } = parse(text);
  const problems = [];
  if (wf.permissions === undefined) problems.push('top-level permissions are missing: set `permissions: {}` (or `contents: read`) and grant the rest per job');
  else if (!isEmpty(wf.permissions) && !onlyContentsRead(wf.permissions)) {
    problems.push(`top-level permissions grant ${JSON.stringify(wf.permissions)}: keep them at {} or contents: read and grant the rest on the jobs that need it`);
  }
  for (const [jobId, job] of jobsOf(wf)) {
    const perms = job?.permissions;
    if (perms === undefined) { problems.push(`job ${jobId}: no permissions: say what this job needs (permissions: {} for nothing)`); continue; }
    if (typeof perms === 'string') { problems.push(`job ${jobId}: permissions: ${perms} grants every scope; list the ones it needs`); continue; }
    const oidc = usesOidc(job, resolve);
    if (perms?.['id-token'] === 'write' && oidc === false) problems.push(`job ${jobId}: id-token: write, but it assumes no AWS role and signs no attestation (only configure-aws-credentials with role-to-assume and actions/attest* need it)`);
    if (perms?.['id-token'] === 'write' && oidc === null) problems.push(`job ${jobId}: id-token: write for ${job.uses}, which is not in this repository: cannot tell whether it needs the OIDC token`);
    if (oidc === true && perms?.['id-token'] !== 'write') problems.push(`job ${jobId}: uses GitHub's OIDC token (AWS role or attestation) but lacks id-token: write`);
  }
  return problems;
}

/** Rule 3: no user-controlled expression inside a run script (or github-script's script). */
export function injectionProblems(text) {
  const { wf } = parse(text);
  const problems = [];
  for (const [jobId, job] of jobsOf(wf)) {
    (job?.steps ?? []).forEach((step, i) => {
      const scripts = [['run', step?.run]];
      if (typeof step?.uses === 'string' && step.uses.startsWith('actions/github-script@')) scripts.push(['with.script', step?.with?.script]);
      for (const [key, script] of scripts) {
        if (typeof script !== 'string') continue;
        for (const [, expr] of script.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
          if (USER_INPUT.test(expr)) {
            problems.push(`job ${jobId} step ${stepName(step, i)}: ${key} expands \${{${expr}}} into the script; pass it through env: and use the variable`);
          }
        }
      }
    });
  }
  return problems;
}

/** All three rules. */
export function workflowProblems(text, resolve) {
  return [...pinningProblems(text), ...permissionProblems(text, resolve), ...injectionProblems(text)];
}
