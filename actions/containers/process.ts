/**
 * Runs the container tools (buildah, docker, skopeo, trivy, tar): argv only (no shell), secrets only
 * on stdin, output streamed to the log line by line, cancellation through the AbortSignal.
 */
import { spawn } from 'node:child_process';
import * as core from '@actions/core';
import { redactSecrets } from '../lib/secrets.js';

export interface ToolRun {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Written to the tool's stdin (passwords: never in argv, where `ps` would show them). */
  stdin?: string;
  signal?: AbortSignal;
  /** Echo stdout/stderr to the log as they come (default true). */
  echo?: boolean;
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class ToolError extends Error {
  constructor(readonly command: string, readonly result: ToolResult) {
    const tail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-8).join('\n');
    // A registry's refusal, quoted by skopeo or buildah, may echo the credentials it was sent.
    super(`${command} exited with ${result.code}${tail ? `:\n${redactSecrets(tail)}` : ''}`);
    this.name = 'ToolError';
  }
}

/** Runs to completion and returns the output, whatever the exit code. Rejects only when it cannot start or is aborted. */
export function runTool(cmd: string, args: readonly string[], opts: ToolRun = {}): Promise<ToolResult> {
  const echo = opts.echo ?? true;
  if (echo) core.info(`[command]${cmd} ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...opts.env };
    for (const [k, v] of Object.entries(opts.env ?? {})) if (v === undefined) delete env[k];
    const child = spawn(cmd, args, { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'], signal: opts.signal });
    let stdout = '';
    let stderr = '';
    const pipeLines = (text: string) => { if (echo) for (const line of text.split('\n')) if (line) core.info(line); };
    let outRest = '';
    let errRest = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      const lines = (outRest + d).split('\n');
      outRest = lines.pop() ?? '';
      pipeLines(lines.join('\n'));
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      const lines = (errRest + d).split('\n');
      errRest = lines.pop() ?? '';
      pipeLines(lines.join('\n'));
    });
    child.on('error', (err) => reject(opts.signal?.aborted ? opts.signal.reason : err));
    child.on('close', (code) => {
      pipeLines(outRest + '\n' + errRest);
      if (opts.signal?.aborted) return reject(opts.signal.reason);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.on('error', () => {}); // a tool that exits before reading stdin must not crash us
    child.stdin.end(opts.stdin ?? '');
  });
}

/** Like runTool, but a non-zero exit is a ToolError naming the command. */
export async function mustRun(cmd: string, args: readonly string[], opts: ToolRun = {}): Promise<ToolResult> {
  const result = await runTool(cmd, args, opts);
  if (result.code !== 0) throw new ToolError(`${cmd} ${args[0] ?? ''}`.trim(), result);
  return result;
}
