/**
 * The one way a test says it needs a tool the machine may lack (buildah, skopeo, docker-registry,
 * PostgreSQL, cfn-lint). On a developer machine without it the tests are skipped and the run says
 * which tool is missing and how to get it; in CI (`CI` set, as GitHub sets it) nothing may be
 * skipped: a missing tool fails the test file at collection instead.
 */
import { spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';

export interface Requirement {
  /** What is needed, as the message names it: "buildah", "a PostgreSQL server". */
  name: string;
  present: boolean;
  /** How to get it on a fresh machine. */
  install: string;
}

export interface Gate {
  /** Everything needed is present: the tests run. */
  available: boolean;
  missing: Requirement[];
  /** `describe`, or `describe.skip` when something is missing. */
  describe: ReturnType<typeof describe.skipIf>;
  /** `it`, or `it.skip` when something is missing. */
  it: ReturnType<typeof it.skipIf>;
}

/** How to get each command the tests use, on Debian/Ubuntu (CI runs the setup scripts as root). */
const INSTALL: Record<string, string> = {
  buildah: 'apt-get install buildah, or bash .ci/setup.d/containers.sh',
  skopeo: 'apt-get install skopeo, or bash .ci/setup.d/containers.sh',
  'docker-registry': 'apt-get install docker-registry, or bash .ci/setup.d/containers.sh',
  htpasswd: 'apt-get install apache2-utils, or bash .ci/setup.d/containers.sh',
  'cfn-lint': "python3 -m pip install 'cfn-lint>=1,<2', or bash .ci/setup.d/infra-templates.sh",
};

export function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' }).status === 0;
}

/** One known tool with how to install it; present when on PATH unless the caller checked otherwise. */
export function tool(name: string, present: boolean = onPath(name)): Requirement {
  const install = INSTALL[name];
  if (!install) throw new Error(`requires: no install hint for "${name}"; add one to test/support/requires.ts`);
  return { name, present, install };
}

/** Commands that must be on PATH. */
export function commands(...names: string[]): Requirement[] {
  return names.map((name) => tool(name));
}

export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI?.trim().toLowerCase();
  return !!ci && ci !== 'false' && ci !== '0';
}

/** The message a skip prints (and a CI failure throws). */
export function missingMessage(what: string, missing: Requirement[]): string {
  return `${what} needs ${missing.map((m) => `${m.name} (${m.install})`).join(' and ')}`;
}

/**
 * Call at collection (top level of a test file or in a describe body) and declare the tests with the
 * returned `describe`/`it`: `const { describe: withBuildah } = requires('build-scan-push with buildah', commands('buildah'))`.
 */
export function requires(what: string, needs: Requirement[], env: NodeJS.ProcessEnv = process.env): Gate {
  const missing = needs.filter((n) => !n.present);
  if (missing.length === 0) return { available: true, missing, describe, it };
  const message = missingMessage(what, missing);
  if (inCi(env)) throw new Error(`${message}. CI runs every test: install it (nothing may be skipped there).`);
  console.warn(`skipped: ${message}`);
  return { available: false, missing, describe: describe.skip, it: it.skip };
}
