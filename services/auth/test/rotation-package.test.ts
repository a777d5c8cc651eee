// The rotation Lambda's deployable package (rotation/package.ts): built twice to the same bytes, read
// by a zip reader other than ours (Python's zipfile, as Lambda's own is not at hand), unpacked, and
// its index.mjs imported and run as Lambda runs it - `handler(event)` for each of Secrets Manager's
// four steps - against Secrets Manager on moto.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClient } from '../../../common/aws.js';
import { useMoto } from '../../../test/support/use-moto.js';
import { parseSigningKey } from '../src/keys.js';
import { ROTATION_STEPS } from '../rotation/handler.js';
import { buildRotationPackage, ROTATION_KEY_PREFIX, type RotationPackage } from '../rotation/package.js';

// secretStages: GetSecretValue follows AWSCURRENT when finishSecret moves it, as on AWS.
useMoto('eu-central-1', { secretStages: true });
const dir = mkdtempSync(join(tmpdir(), 'rotation-package-'));
let pkg: RotationPackage;
beforeAll(async () => {
  pkg = await buildRotationPackage();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Python's zipfile over the archive: `script` gets the archive's path as sys.argv[1]. */
function python(script: string, ...args: string[]): string {
  const res = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8', timeout: 30_000 });
  if (res.status !== 0) throw new Error(`python3 zipfile: ${res.stderr || res.error}`);
  return res.stdout;
}

describe('the rotation Lambda package', () => {
  it('is reproducible: the same sources give the same bytes, and its S3 key names its SHA-256', async () => {
    const again = await buildRotationPackage();
    expect(again.zip.equals(pkg.zip)).toBe(true);
    expect(pkg.key).toBe(`${ROTATION_KEY_PREFIX}-${pkg.sha256.slice(0, 16)}.zip`);
    // The security stack's JwtRotationCodeKey pattern admits it.
    expect(pkg.key).toMatch(/^([A-Za-z0-9!_.*()/-]{1,1024}\.zip)?$/);
  }, 120_000);

  it('is a plain zip another reader opens: one index.mjs, every time 1980-01-01 00:00, mode 0644', () => {
    const file = join(dir, 'package.zip');
    writeFileSync(file, pkg.zip);
    const listing = JSON.parse(python(
      'import json, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps([[i.filename, list(i.date_time), oct(i.external_attr >> 16)] for i in z.infolist()]))',
      file,
    )) as [string, number[], string][];
    expect(listing).toEqual([['index.mjs', [1980, 1, 1, 0, 0, 0], '0o100644']]);
  });

  it('unpacked and imported as Lambda does, its handler rotates a signing key on Secrets Manager: a new AWSCURRENT of the same algorithm, the old one AWSPREVIOUS', async () => {
    const file = join(dir, 'package.zip');
    writeFileSync(file, pkg.zip);
    const unpacked = join(dir, 'task');
    python('import sys, zipfile\nzipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', file, unpacked);
    expect(readdirSync(unpacked)).toEqual(['index.mjs']);
    const lambda = (await import(pathToFileURL(join(unpacked, 'index.mjs')).href)) as { handler: (event: unknown) => Promise<void> };
    expect(typeof lambda.handler).toBe('function');

    const sm = awsClient(SecretsManagerClient, { maxAttempts: 2, retryBaseMs: 1 });
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const secret = 'auth/packaged-rotation';
    const created = await sm.send(new CreateSecretCommand({ Name: secret, SecretString: JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'k1', alg: 'ES256' }) }));
    const token = randomUUID();
    for (const Step of ROTATION_STEPS) await lambda.handler({ SecretId: secret, ClientRequestToken: token, Step });

    const stages = (await sm.send(new DescribeSecretCommand({ SecretId: secret }))).VersionIdsToStages ?? {};
    expect(stages).toEqual({ [created.VersionId!]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT'] });
    const current = await parseSigningKey((await sm.send(new GetSecretValueCommand({ SecretId: secret }))).SecretString!, 'current');
    expect({ kid: current.kid, alg: current.alg }).toEqual({ kid: token, alg: 'ES256' });
    // A malformed event is refused by the packaged code too, before any call.
    await expect(lambda.handler({ SecretId: secret, ClientRequestToken: 'short', Step: 'createSecret' })).rejects.toThrow(/ClientRequestToken/);
  }, 120_000);
});
