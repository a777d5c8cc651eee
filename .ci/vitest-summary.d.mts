// Types of .ci/vitest-summary.mjs.
export interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: { name: string; status: string; message?: string; assertionResults: { status: string; fullName: string }[] }[];
}
export function summarize(report: VitestJsonReport, cwd?: string): { lines: string[]; exitCode: number };
