/**
 * Files named by inputs are read only inside the workspace: `template: /etc/passwd`, `../../x` or a
 * symlink pointing out of the checkout is refused, since the action would otherwise send any file
 * the runner can read to AWS (or print it in an error).
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from '../../common/errors.js';

export interface WorkspacePath {
  /** The path as named, made absolute against the workspace (for messages). */
  path: string;
  /** Where it really is, symlinks resolved; null when nothing exists there. */
  real: string | null;
}

export interface Located extends WorkspacePath {
  root: string;
  /** False when the path, or what a symlink on the way points at, lies outside the workspace. */
  inside: boolean;
}

/** GITHUB_WORKSPACE, else the current directory (a local run), with symlinks resolved. */
export function workspaceRoot(workspace: string): string {
  const abs = resolve(workspace);
  return existsSync(abs) ? realpathSync(abs) : abs;
}

function contains(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

/** The real location of `path`, or of its nearest existing folder plus the rest when it does not exist. */
function realLocation(path: string): string {
  let dir = path;
  while (!existsSync(dir)) {
    const up = dirname(dir);
    if (up === dir) return path;
    dir = up;
  }
  return resolve(realpathSync(dir), relative(dir, path));
}

/** Where `text` (absolute, or relative to the workspace) really is, and whether that is inside the workspace. */
export function locate(text: string, workspace: string): Located {
  const root = workspaceRoot(workspace);
  const path = isAbsolute(text) ? resolve(text) : resolve(root, text);
  // `..` is already resolved in `path`; the real location also catches a symlink on the way out.
  const located = realLocation(path);
  return { root, path, real: existsSync(path) ? located : null, inside: contains(root, located) };
}

export function outsideWorkspace(input: string, text: string, root: string): InputError {
  return new InputError(`Input "${input}": "${text}" is outside the workspace (${root}); expected a path inside GITHUB_WORKSPACE, relative to it or absolute.`);
}

/** Like locate, but a path outside the workspace is an InputError naming `input`. */
export function workspacePath(input: string, text: string, workspace: string): WorkspacePath {
  const { root, path, real, inside } = locate(text, workspace);
  if (!inside) throw outsideWorkspace(input, text, root);
  return { path, real };
}
