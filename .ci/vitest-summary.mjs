#!/usr/bin/env node
// Reads vitest's JSON report and prints the plain closing line CI reads ("vitest: N passed, N
// failed, N skipped"), naming files that failed before running any test (a missing tool in CI)
// and every test that did not run. Exits 3 when any test was skipped or todo: in CI every test
// must run. Usage: node .ci/vitest-summary.mjs <report.json>
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The lines to print and the exit code for a vitest JSON report. */
export function summarize(report, cwd = process.cwd()) {
  const lines = [];
  const rel = (f) => relative(cwd, f);
  const skipped = report.numPendingTests + report.numTodoTests;
  for (const f of report.testResults) {
    if (f.status === 'failed' && f.assertionResults.length === 0) lines.push(`failed to run: ${rel(f.name)}: ${(f.message || '').split('\n')[0]}`);
  }
  const notRun = report.testResults.flatMap((f) =>
    f.assertionResults.filter((a) => ['pending', 'skipped', 'todo'].includes(a.status)).map((a) => `${rel(f.name)}: ${a.fullName}`),
  );
  if (skipped > 0) lines.push(`not run (CI runs every test): ${notRun.join('; ')}`);
  lines.push(`vitest: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
  return { lines, exitCode: skipped > 0 ? 3 : 0 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { lines, exitCode } = summarize(JSON.parse(readFileSync(process.argv[2], 'utf8')));
  for (const l of lines) console.log(l);
  process.exit(exitCode);
}
