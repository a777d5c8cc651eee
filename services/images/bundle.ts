/**
 * Turns a service into an image build context: app/ holds the service bundled by esbuild into one module
 * (plus the few packages that cannot be bundled, copied whole), and verify.cjs, which the
 * Dockerfile's first stage runs on the target base image. The image then needs no npm install, and
 * no shell at run time.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import type { ServiceImage } from './services.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// The bundle is ESM; the CommonJS packages inside it still call require() for Node's built-ins.
const REQUIRE_SHIM = "import { createRequire as __meshCreateRequire } from 'node:module'; const require = __meshCreateRequire(import.meta.url);";

/** How every Node bundle here is built (a service's image, the rotation Lambda's package): one ES module for Node 24. */
export const NODE_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  banner: { js: REQUIRE_SHIM },
  legalComments: 'eof',
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** A package and the packages it depends on at run time, as folders under node_modules. */
export function packageClosure(name: string, nodeModules: string, seen = new Set<string>()): string[] {
  if (seen.has(name)) return [];
  seen.add(name);
  const dir = join(nodeModules, name);
  const pkgFile = join(dir, 'package.json');
  if (!existsSync(pkgFile)) throw new Error(`${name} is not installed in ${nodeModules}`);
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
  // Optional dependencies are platform builds of native addons: the installed ones are this platform's.
  const optional = Object.keys(pkg.optionalDependencies ?? {}).filter((dep) => existsSync(join(nodeModules, dep, 'package.json')));
  return [name, ...[...Object.keys(pkg.dependencies ?? {}), ...optional].flatMap((dep) => packageClosure(dep, nodeModules, seen))];
}

export interface Context {
  dir: string;
  /** The bundle's entry inside the image. */
  entry: string;
}

export async function buildContext(svc: ServiceImage, dir: string): Promise<Context> {
  rmSync(dir, { recursive: true, force: true });
  const app = join(dir, 'app');
  mkdirSync(app, { recursive: true });
  await build({
    ...NODE_BUNDLE_OPTIONS,
    entryPoints: [join(repoRoot, svc.entry)],
    outfile: join(app, 'index.js'),
    external: svc.external,
  });
  const nodeModules = join(repoRoot, 'node_modules');
  for (const pkg of new Set(svc.external.flatMap((e) => packageClosure(e, nodeModules)))) {
    // Source maps and .bin links (command-line tools) are not needed to run.
    cpSync(join(nodeModules, pkg), join(app, 'node_modules', pkg), { recursive: true, filter: (src) => !src.endsWith('.map') && !src.includes('/.bin') });
  }
  for (const a of svc.assets) cpSync(join(repoRoot, a.from), join(app, a.to), { recursive: true });
  writeFileSync(join(app, 'package.json'), '{ "type": "module" }\n');
  cpSync(join(repoRoot, 'services/images/verify-bundle.cjs'), join(dir, 'verify.cjs'));
  return { dir, entry: '/app/index.js' };
}
