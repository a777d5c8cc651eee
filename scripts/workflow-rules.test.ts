// The workflow hardening rules `npm run lint` enforces (scripts/workflow-rules.mjs): each one
// catches its violation in a small workflow, passes the fixed form, and every workflow of the
// repository passes all three.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { injectionProblems, permissionProblems, pinningProblems, workflowProblems } from './workflow-rules.mjs';
import { repoRoot } from '../test/support/harness.js';

const CHECKOUT = 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1';
const AWS = 'aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c';

const workflow = (jobs: string, top = 'permissions: {}') => `name: t\non: push\n${top}\njobs:\n${jobs}`;
const job = (steps: string, perms = '    permissions:\n      contents: read\n') =>
  `  build:\n    runs-on: ubuntu-24.04\n${perms}    steps:\n${steps}`;

describe('rule 1: third-party actions pinned by commit SHA with their version', () => {
  it('flags a tag, a branch and a short SHA, each with its line', () => {
    const text = workflow(job([
      '      - uses: actions/checkout@v4',
      '      - uses: actions/setup-node@main',
      '      - uses: actions/cache@3d3c42e',
      '',
    ].join('\n')));
    expect(pinningProblems(text)).toEqual([
      'line 10: job build step 1 uses "actions/checkout@v4": pin it by full 40-hex commit SHA (owner/repo@<sha> # vX.Y.Z)',
      'line 11: job build step 2 uses "actions/setup-node@main": pin it by full 40-hex commit SHA (owner/repo@<sha> # vX.Y.Z)',
      'line 12: job build step 3 uses "actions/cache@3d3c42e": pin it by full 40-hex commit SHA (owner/repo@<sha> # vX.Y.Z)',
    ]);
  });

  it('wants the release in a trailing comment', () => {
    const text = workflow(job(`      - name: checkout\n        uses: ${CHECKOUT}\n`));
    expect(pinningProblems(text)).toEqual([
      `line 11: job build step checkout uses "${CHECKOUT}": name the release it is in a trailing comment (# vX.Y.Z)`,
    ]);
    expect(pinningProblems(workflow(job(`      - uses: ${CHECKOUT} # v7.0.1\n`)))).toEqual([]);
  });

  it('covers action subpaths, reusable workflows called by a job, and docker images', () => {
    const text = workflow([
      job('      - uses: github/codeql-action/upload-sarif@v4\n      - uses: docker://alpine:3.20').trimEnd(),
      '  call:',
      '    permissions: {}',
      '    uses: octo-org/workflows/.github/workflows/deploy.yml@v2',
      '',
    ].join('\n'));
    expect(pinningProblems(text)).toEqual([
      'line 10: job build step 1 uses "github/codeql-action/upload-sarif@v4": pin it by full 40-hex commit SHA (owner/repo@<sha> # vX.Y.Z)',
      'line 11: job build step 2 uses "docker://alpine:3.20": pin the image by digest (docker://image@sha256:<64 hex>)',
      'line 14: job call uses "octo-org/workflows/.github/workflows/deploy.yml@v2": pin it by full 40-hex commit SHA (owner/repo@<sha> # vX.Y.Z)',
    ]);
  });

  it('leaves local and first-party actions as they are', () => {
    const text = workflow(job([
      '      - uses: ./actions/slo-gate',
      '      - uses: mesh-actions/mesh-actions/actions/canary-ramp@v1',
      '      - uses: mesh-actions/mesh-actions@v1',
      '',
    ].join('\n')));
    expect(pinningProblems(text)).toEqual([]);
    // Only our own repository is first-party: a look-alike owner is not.
    expect(pinningProblems(workflow(job('      - uses: evil/mesh-actions/actions/canary-ramp@v1\n')))).toHaveLength(1);
  });
});

describe('rule 2: least permissions, per job', () => {
  const assumes = `      - uses: ${AWS} # v6.2.3\n        with:\n          role-to-assume: arn:aws:iam::123456789012:role/deploy\n          aws-region: eu-central-1\n`;

  it('wants the top level at {} or contents: read', () => {
    expect(permissionProblems(workflow(job(''), 'permissions:\n  contents: read\n  id-token: write'))).toEqual([
      'top-level permissions grant {"contents":"read","id-token":"write"}: keep them at {} or contents: read and grant the rest on the jobs that need it',
    ]);
    expect(permissionProblems(workflow(job(''), ''))[0]).toMatch(/^top-level permissions are missing/);
    expect(permissionProblems(workflow(job(''), 'permissions: write-all'))[0]).toMatch(/^top-level permissions grant "write-all"/);
    expect(permissionProblems(workflow(job(''), 'permissions:\n  contents: read'))).toEqual([]);
  });

  it('wants permissions on every job, and no blanket grants', () => {
    expect(permissionProblems(workflow(job('', '')))).toEqual(['job build: no permissions: say what this job needs (permissions: {} for nothing)']);
    expect(permissionProblems(workflow(job('', '    permissions: write-all\n')))).toEqual([
      'job build: permissions: write-all grants every scope; list the ones it needs',
    ]);
  });

  it('gives id-token: write only to a job that assumes an AWS role or signs an attestation, and to such a job always', () => {
    const idToken = '    permissions:\n      id-token: write\n';
    expect(permissionProblems(workflow(job('      - run: make\n', idToken)))).toEqual([
      'job build: id-token: write, but it assumes no AWS role and signs no attestation (only configure-aws-credentials with role-to-assume and actions/attest* need it)',
    ]);
    // Static keys need no OIDC token.
    const keys = `      - uses: ${AWS} # v6.2.3\n        with:\n          role-to-assume: arn:aws:iam::123456789012:role/deploy\n          aws-access-key-id: \${{ secrets.KEY }}\n`;
    expect(permissionProblems(workflow(job(keys, idToken)))[0]).toMatch(/^job build: id-token: write, but it assumes no AWS role/);
    expect(permissionProblems(workflow(job(assumes, idToken)))).toEqual([]);
    expect(permissionProblems(workflow(job(assumes)))).toEqual(["job build: uses GitHub's OIDC token (AWS role or attestation) but lacks id-token: write"]);
    const attest = `      - uses: actions/attest-build-provenance@${'b'.repeat(40)} # v4\n        with:\n          subject-path: dist/*.js\n`;
    expect(permissionProblems(workflow(job(attest, '    permissions:\n      id-token: write\n      attestations: write\n')))).toEqual([]);
  });

  it('follows a reusable-workflow call into the called workflow', () => {
    const called = workflow(job(assumes, '    permissions:\n      id-token: write\n'));
    const caller = (perms: string) => workflow(`  deploy:\n${perms}    uses: ./.github/workflows/deploy.yml\n`);
    const resolve = (uses: string) => (uses === './.github/workflows/deploy.yml' ? called : null);
    expect(permissionProblems(caller('    permissions:\n      id-token: write\n'), resolve)).toEqual([]);
    expect(permissionProblems(caller('    permissions: {}\n'), resolve)).toEqual(["job deploy: uses GitHub's OIDC token (AWS role or attestation) but lacks id-token: write"]);
    expect(permissionProblems(caller('    permissions:\n      id-token: write\n'), () => null)).toEqual([
      'job deploy: id-token: write for ./.github/workflows/deploy.yml, which is not in this repository: cannot tell whether it needs the OIDC token',
    ]);
  });
});

describe('rule 3: user input reaches run scripts only through env', () => {
  it('flags inputs, event payloads and head_ref expanded into a script', () => {
    const text = workflow(job([
      '      - name: roll back',
      '        run: |',
      '          echo "target ${{ inputs.target }}"',
      '          git log ${{ github.event.pull_request.head.sha }}',
      '      - run: echo ${{github.head_ref}}',
      '',
    ].join('\n')));
    expect(injectionProblems(text)).toEqual([
      'job build step roll back: run expands ${{ inputs.target }} into the script; pass it through env: and use the variable',
      'job build step roll back: run expands ${{ github.event.pull_request.head.sha }} into the script; pass it through env: and use the variable',
      'job build step 2: run expands ${{github.head_ref}} into the script; pass it through env: and use the variable',
    ]);
  });

  it('flags github-script too, and accepts the env: form and non-user expressions', () => {
    const script = workflow(job(`      - uses: actions/github-script@${'a'.repeat(40)} # v7\n        with:\n          script: core.info('\${{ inputs.name }}')\n`));
    expect(injectionProblems(script)).toEqual([
      "job build step 1: with.script expands ${{ inputs.name }} into the script; pass it through env: and use the variable",
    ]);
    const safe = workflow(job([
      '      - env:',
      '          TARGET: ${{ inputs.target }}',
      '        run: echo "$TARGET" ${{ runner.temp }} ${{ steps.x.outputs.y }}',
      '',
    ].join('\n')));
    expect(injectionProblems(safe)).toEqual([]);
  });
});

describe("the repository's workflows", () => {
  const dirs = ['.github/workflows', 'workflows'];
  const files = dirs.flatMap((d) => readdirSync(join(repoRoot, d)).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(d, f)));
  const resolve = (uses: string) => {
    const m = /^(?:\.\/|mesh-actions\/mesh-actions\/)(\.github\/workflows\/[^@]+)(?:@.+)?$/.exec(uses);
    return m ? readFileSync(join(repoRoot, m[1]), 'utf8') : null;
  };

  it.each(files)('%s passes every rule', (file) => {
    expect(workflowProblems(readFileSync(join(repoRoot, file), 'utf8'), resolve)).toEqual([]);
  });
});
