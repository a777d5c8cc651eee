import { InputError } from '../../common/errors.js';

const OS = new Set(['linux', 'windows']);
const ARCH = new Set(['amd64', 'arm64', 'arm', '386', 'ppc64le', 's390x', 'riscv64', 'mips64le', 'loong64']);
const VARIANT = /^v[5-8]$/;
export const PLATFORM_FORM = 'os/arch[/variant] items separated by commas, e.g. linux/amd64,linux/arm64';

/** `linux/amd64,linux/arm64` → normalized, de-duplicated list; anything else is an InputError naming the item. */
export function parsePlatforms(items: readonly string[], input = 'platforms'): string[] {
  if (items.length === 0) throw new InputError(`Input "${input}" is empty; expected ${PLATFORM_FORM}.`);
  const out: string[] = [];
  for (const raw of items) {
    const p = raw.trim().toLowerCase();
    const [os, arch, variant, extra] = p.split('/');
    if (!OS.has(os) || !ARCH.has(arch) || extra !== undefined || (variant !== undefined && !VARIANT.test(variant))) {
      throw new InputError(`Input "${input}": "${raw}" is not a platform; expected ${PLATFORM_FORM}.`);
    }
    if (!out.includes(p)) out.push(p);
  }
  return out;
}
