/**
 * Drives Trivy 0.75's CLI over the built layout, one platform at a time, before anything is pushed:
 * `trivy image --input <single-image OCI layout>` writes the JSON the gate reads, and
 * `trivy convert --format sarif` turns that same JSON into SARIF (one scan, two formats).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mustRun } from '../process.js';
import { singleImageLayout, type PlatformImage } from '../oci-layout.js';
import type { PlatformScan } from './gate.js';
import { parseTrivyReport, type Severity } from './report.js';
import { mergeSarif } from './sarif.js';

export interface ScanRequest {
  trivy: string;
  layoutDir: string;
  images: PlatformImage[];
  workDir: string;
  severities: readonly Severity[];
  ignoreUnfixed: boolean;
  trivyignore?: string;
  signal: AbortSignal;
}

export interface ScanOutcome {
  scans: PlatformScan[];
  reportPaths: string[];
  sarifPath: string;
}

export function trivyImageArgs(req: Pick<ScanRequest, 'severities' | 'ignoreUnfixed' | 'trivyignore'>, input: string, output: string): string[] {
  const args = [
    'image', '--input', input, '--format', 'json', '--output', output,
    '--severity', req.severities.join(','), '--scanners', 'vuln,secret',
    // Exit 0 on findings: the gate decides, from the report, so a Trivy error is never read as a pass.
    '--exit-code', '0', '--no-progress', '--skip-version-check', '--disable-telemetry',
  ];
  if (req.ignoreUnfixed) args.push('--ignore-unfixed');
  if (req.trivyignore) args.push('--ignorefile', req.trivyignore);
  return args;
}

export async function scanImages(req: ScanRequest): Promise<ScanOutcome> {
  mkdirSync(req.workDir, { recursive: true });
  const scans: PlatformScan[] = [];
  const reportPaths: string[] = [];
  const sarifDocs: Record<string, unknown>[] = [];
  for (const image of req.images) {
    const slug = image.platform.replace(/\//g, '-');
    const input = singleImageLayout(req.layoutDir, image, join(req.workDir, `layout-${slug}`));
    const report = join(req.workDir, `trivy-${slug}.json`);
    const sarif = join(req.workDir, `trivy-${slug}.sarif`);
    await mustRun(req.trivy, trivyImageArgs(req, input, report), { signal: req.signal });
    const parsed = parseTrivyReport(JSON.parse(readFileSync(report, 'utf8')), report);
    scans.push({ platform: image.platform, findings: parsed.findings });
    reportPaths.push(report);
    await mustRun(req.trivy, ['convert', '--format', 'sarif', '--output', sarif, report], { signal: req.signal });
    sarifDocs.push(JSON.parse(readFileSync(sarif, 'utf8')));
  }
  const sarifPath = join(req.workDir, 'trivy.sarif');
  writeFileSync(sarifPath, JSON.stringify(mergeSarif(sarifDocs), null, 2));
  return { scans, reportPaths, sarifPath };
}
