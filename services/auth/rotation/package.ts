/**
 * The JWT rotation Lambda's deployable package: handler.ts bundled by esbuild into one ES module,
 * `index.mjs` (its dependencies inside it; the function's Handler `index.handler` finds it), zipped
 * reproducibly (services/images/zip.ts). Its S3 key carries the start of its SHA-256, so a new
 * package is a new key and CloudFormation updates the function when the security stack's
 * JwtRotationCodeKey changes.
 *
 *   npx tsx services/auth/rotation/package.ts <out.zip>     prints the SHA-256 and the S3 key to use
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { NODE_BUNDLE_OPTIONS, repoRoot } from '../../images/bundle.js';
import { deterministicZip } from '../../images/zip.js';

export const ROTATION_ENTRY = 'services/auth/rotation/handler.ts';
/** Where the README's publishing steps put it: <prefix>-<first 16 hex of its SHA-256>.zip. */
export const ROTATION_KEY_PREFIX = 'auth/rotation/jwt-rotation';

export interface RotationPackage {
  zip: Buffer;
  sha256: string;
  /** The S3 key for the security stack's JwtRotationCodeKey. */
  key: string;
}

/** The handler as one ES module. Paths in its comments are relative to the repository, so the bytes do not depend on where it is built. */
export async function bundleRotationHandler(): Promise<Uint8Array> {
  const result = await build({
    ...NODE_BUNDLE_OPTIONS,
    absWorkingDir: repoRoot,
    entryPoints: [ROTATION_ENTRY],
    write: false,
    outfile: 'index.mjs',
  });
  const [out] = result.outputFiles;
  if (!out || result.outputFiles.length !== 1) throw new Error(`esbuild wrote ${result.outputFiles.length} files for ${ROTATION_ENTRY}, expected one`);
  return out.contents;
}

export async function buildRotationPackage(): Promise<RotationPackage> {
  const zip = deterministicZip([{ name: 'index.mjs', data: await bundleRotationHandler() }]);
  const sha256 = createHash('sha256').update(zip).digest('hex');
  return { zip, sha256, key: `${ROTATION_KEY_PREFIX}-${sha256.slice(0, 16)}.zip` };
}

async function main(): Promise<void> {
  const [out] = process.argv.slice(2);
  if (!out) throw new Error('usage: package.ts <out.zip>');
  const pkg = await buildRotationPackage();
  const file = resolve(out);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, pkg.zip);
  console.log(JSON.stringify({ file, bytes: pkg.zip.length, sha256: pkg.sha256, key: pkg.key }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
