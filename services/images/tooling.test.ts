import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultNodeBinary, parseLdd } from './base-image.js';
import { buildahGlobalArgs } from './buildah.js';
import { packageClosure, repoRoot } from './bundle.js';
import { SERVICES, serviceImage } from './services.js';

describe('image tooling', () => {
  it('reads the libraries out of ldd output, the loader included, vdso left out', () => {
    const out = [
      '\tlinux-vdso.so.1 (0x00007ffc)',
      '\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f64)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f63)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f64)',
    ].join('\n');
    expect(parseLdd(out)).toEqual(['/lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libstdc++.so.6', '/lib64/ld-linux-x86-64.so.2']);
  });

  it('copies an external package with its dependencies and this platform\'s native build', () => {
    const closure = packageClosure('@node-rs/argon2', join(repoRoot, 'node_modules'));
    expect(closure[0]).toBe('@node-rs/argon2');
    expect(closure).toContain(`@node-rs/argon2-${process.platform}-${process.arch}-gnu`);
    expect(packageClosure('@electric-sql/pglite', join(repoRoot, 'node_modules'))).toEqual(['@electric-sql/pglite']);
    expect(() => packageClosure('not-a-package-here', join(repoRoot, 'node_modules'))).toThrow(/not-a-package-here is not installed/);
  });

  it('knows each service\'s entry and Dockerfile, and names the choices for an unknown one', () => {
    expect(Object.keys(SERVICES).sort()).toEqual(['auth', 'persona', 'vc-start']);
    for (const s of Object.values(SERVICES)) {
      expect(s.entry).toBe(`services/${s.name}/src/main.ts`);
      expect(s.dockerfile).toBe(`services/${s.name}/Dockerfile`);
    }
    expect(() => serviceImage('billing')).toThrow('unknown service "billing"; expected one of auth | persona | vc-start');
  });

  it('runs buildah on vfs storage, in its own root when given one', () => {
    expect(buildahGlobalArgs({})).toEqual(['--storage-driver', 'vfs']);
    expect(buildahGlobalArgs({ root: '/r', runroot: '/rr' })).toEqual(['--root', '/r', '--runroot', '/rr', '--storage-driver', 'vfs']);
  });

  it('bases images on Node 24', () => {
    expect(defaultNodeBinary(repoRoot)).toMatch(/node$/);
  });
});
