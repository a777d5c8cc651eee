#!/usr/bin/env node
// A stand-in for the Trivy CLI (which cannot run on these machines) that holds the action to Trivy
// 0.75's exact command line: it rejects flags Trivy does not have, checks that --input is an OCI
// layout with exactly one image, and writes the recorded report named by FAKE_TRIVY_REPORT.
import { appendFileSync, copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
if (process.env.FAKE_TRIVY_LOG) appendFileSync(process.env.FAKE_TRIVY_LOG, JSON.stringify(args) + '\n');
const fail = (msg) => { console.error(`FATAL\t${msg}`); process.exit(1); };

if (args[0] === '--version' || args[0] === '-v') {
  console.log(`Version: ${process.env.FAKE_TRIVY_VERSION ?? '0.75.0'}\nVulnerability DB:\n  Version: 2`);
  process.exit(0);
}
const VALUE_FLAGS = new Set(['--input', '--format', '--output', '--severity', '--exit-code', '--scanners', '--ignorefile', '--platform', '--cache-dir', '--timeout']);
const BOOL_FLAGS = new Set(['--ignore-unfixed', '--no-progress', '--skip-version-check', '--disable-telemetry', '--quiet']);
const [command, ...rest] = args;
const flags = {};
const positional = [];
for (let i = 0; i < rest.length; i++) {
  const a = rest[i];
  if (VALUE_FLAGS.has(a)) flags[a] = rest[++i];
  else if (BOOL_FLAGS.has(a)) flags[a] = true;
  else if (a.startsWith('-')) fail(`unknown flag: ${a}`);
  else positional.push(a);
}
if (command === 'image') {
  if (!flags['--input'] || positional.length) fail('expected --input <OCI layout> and no image name');
  const index = JSON.parse(readFileSync(join(flags['--input'], 'index.json'), 'utf8'));
  if (index.manifests?.length !== 1) fail(`--input must hold exactly one image, found ${index.manifests?.length}`);
  const manifestDigest = index.manifests[0].digest.replace('sha256:', '');
  if (!existsSync(join(flags['--input'], 'blobs', 'sha256', manifestDigest))) fail('manifest blob missing from the layout');
  if (flags['--format'] !== 'json' || !flags['--output']) fail('expected --format json --output <file>');
  if (flags['--ignorefile'] && !existsSync(flags['--ignorefile'])) fail(`ignorefile ${flags['--ignorefile']} not found`);
  // A slow scan, for cancellation tests.
  if (process.env.FAKE_TRIVY_SLEEP_MS) await new Promise((r) => setTimeout(r, Number(process.env.FAKE_TRIVY_SLEEP_MS)));
  copyFileSync(process.env.FAKE_TRIVY_REPORT, flags['--output']);
  process.exit(Number(flags['--exit-code'] ?? 0) && 0);
}
if (command === 'convert') {
  if (flags['--format'] !== 'sarif' || !flags['--output'] || positional.length !== 1) fail('expected convert --format sarif --output <file> <report.json>');
  JSON.parse(readFileSync(positional[0], 'utf8'));
  copyFileSync(process.env.FAKE_TRIVY_SARIF, flags['--output']);
  process.exit(0);
}
fail(`unknown command: ${command}`);
