/**
 * Registry credentials for the containers tools, in a file of our own (0600, in RUNNER_TEMP, removed in
 * post) instead of the user's ~/.docker: `--authfile` for buildah and skopeo.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { maskBasicAuth } from '../lib/secrets.js';

export interface RegistryCredentials {
  registry: string;
  username: string;
  password: string;
}

export function writeAuthFile(dir: string, creds: RegistryCredentials): string {
  // The file holds base64 of user:password, which is also what a registry echoing our request would show.
  maskBasicAuth(creds.username, creds.password);
  const auth = Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify({ auths: { [creds.registry]: { auth } } }), { mode: 0o600 });
  return path;
}
