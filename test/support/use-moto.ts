/** One moto server for a test file, with process.env pointed at it and restored afterwards. */
import { afterAll, beforeAll } from 'vitest';
import { startMoto, type Moto } from './moto.js';

/** `serverEnv` is set before the server starts, so the moto process sees it (e.g. a moto patch). */
export function useMoto(region = 'eu-central-1', serverEnv: Record<string, string> = {}): { readonly current: Moto } {
  const saved = { ...process.env };
  const ref = {} as { current: Moto };
  beforeAll(async () => {
    Object.assign(process.env, serverEnv);
    ref.current = await startMoto(region);
    Object.assign(process.env, ref.current.env);
  });
  afterAll(async () => {
    process.env = saved;
    await ref.current?.stop();
  });
  return ref;
}
