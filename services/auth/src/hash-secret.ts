// Prints the Argon2id PHC hash of a client secret read from stdin (not argv, so it stays out of shell
// history and `ps`): `printf %s "$SECRET" | npx tsx services/auth/src/hash-secret.ts`.
import { text } from 'node:stream/consumers';
import { hashSecret } from './credentials.js';

const secret = (await text(process.stdin)).replace(/\r?\n$/, '');
if (secret.length < 16) {
  process.stderr.write('hash-secret: the secret on stdin is shorter than 16 characters; use a long random one (e.g. openssl rand -base64 32).\n');
  process.exit(1);
}
process.stdout.write(`${await hashSecret(secret)}\n`);
