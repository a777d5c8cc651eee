/**
 * Registry credentials are masked in every form before the tools use them: the ECR token (base64 of
 * AWS:<password>, from moto), the decoded password and its Basic header; a username/password login
 * and the auth file built from it; and a tool's refusal that quotes the credential is redacted
 * before it becomes the step's error.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECRClient } from '@aws-sdk/client-ecr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ecrLogin } from './ecr.js';
import { mustRun } from './process.js';
import { writeAuthFile } from './registry-auth.js';
import { useMoto } from '../../test/support/use-moto.js';
import { captureStdout, type CapturedStdout } from '../../test/support/stdout.js';

useMoto();

const b64 = (text: string) => Buffer.from(text).toString('base64');
/** Every form a registry login takes on the wire or in an auth file. */
const loginForms = (user: string, password: string) => [password, b64(password), encodeURIComponent(password), b64(`${user}:${password}`), `Basic ${b64(`${user}:${password}`)}`];

let out: CapturedStdout;
/** The values registered, as the runner reads them (workflow commands escape %, CR and LF). */
const masks = () => out.lines().filter((l) => l.startsWith('::add-mask::')).map((l) => l.slice('::add-mask::'.length).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'));
beforeEach(() => {
  out = captureStdout();
});
afterEach(() => out.restore());

describe('registry credentials', () => {
  it('ECR: the token is masked before it is decoded, then the password in every form', async () => {
    const creds = await ecrLogin(new ECRClient({ region: 'eu-central-1' }), undefined);
    expect(creds.username).toBe('AWS');
    const token = b64(`AWS:${creds.password}`);
    expect(masks()[0]).toBe(token);
    expect(masks()).toEqual(expect.arrayContaining(loginForms('AWS', creds.password)));
  });

  it('a username/password login: every form is masked before the auth file holding one is written', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'registry-auth-')), 'auth');
    const path = writeAuthFile(dir, { registry: '127.0.0.1:5000', username: 'ci', password: 'pa55/word+1' });
    expect(masks()).toEqual(expect.arrayContaining(loginForms('ci', 'pa55/word+1')));
    const { auth } = JSON.parse(readFileSync(path, 'utf8')).auths['127.0.0.1:5000'];
    expect(masks()).toContain(auth);
  });

  it('a tool\'s refusal that quotes the credential reaches the error redacted', async () => {
    writeAuthFile(join(mkdtempSync(join(tmpdir(), 'registry-auth-')), 'auth'), { registry: '127.0.0.1:5000', username: 'pusher', password: 'Echoed-Secret-9' });
    const header = `Basic ${b64('pusher:Echoed-Secret-9')}`;
    const refusal = `Error: writing manifest: unauthorized: request had Authorization: ${header} (password Echoed-Secret-9)`;
    const err = await mustRun(process.execPath, ['-e', `console.error(${JSON.stringify(refusal)}); process.exit(1)`], { echo: false }).then(
      () => { throw new Error('expected the tool to fail'); },
      (e: Error) => e,
    );
    expect(err.message).toMatch(/exited with 1:\nError: writing manifest: unauthorized: request had Authorization: \*\*\* \(password \*\*\*\)$/);
    for (const form of loginForms('pusher', 'Echoed-Secret-9')) expect(err.message).not.toContain(form);
  });
});
