/**
 * Env for startMoto() that loads moto-patch/sitecustomize.py: stacks made through change sets get
 * their Outputs and Exports (and can import other stacks' exports), as on AWS. Set it in
 * process.env before startMoto(); the spawned server inherits it.
 */
import { fileURLToPath } from 'node:url';

export function motoPatchEnv(): Record<string, string> {
  const dir = fileURLToPath(new URL('./moto-patch/', import.meta.url));
  return { PYTHONPATH: [dir, process.env.PYTHONPATH].filter(Boolean).join(':') };
}
