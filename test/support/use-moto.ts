/** One moto server for a test file, with process.env pointed at it and restored afterwards. */
import { afterAll, beforeAll } from 'vitest';
import { startMoto, type Moto } from './moto.js';

type MotoOptions = Parameters<typeof startMoto>[1];

export function useMoto(region = 'eu-central-1', opts?: MotoOptions): { readonly current: Moto } {
  const saved = { ...process.env };
  const ref = {} as { current: Moto };
  beforeAll(async () => {
    ref.current = await startMoto(region, opts);
    Object.assign(process.env, ref.current.env);
  });
  afterAll(async () => {
    process.env = saved;
    await ref.current?.stop();
  });
  return ref;
}
