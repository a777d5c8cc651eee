/** What @actions/core writes to stdout in this process (::add-mask::, annotations, info), for tests of what a run would print. */
import { vi } from 'vitest';

export interface CapturedStdout {
  text(): string;
  lines(): string[];
  restore(): void;
}

/**
 * Captures stdout until `restore()`. `onWrite` sees each chunk as it is written, so a test can put
 * it on one timeline with other events (a request reaching a server).
 */
export function captureStdout(onWrite?: (chunk: string) => void): CapturedStdout {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    chunks.push(text);
    onWrite?.(text);
    return true;
  });
  const text = () => chunks.join('');
  return { text, lines: () => text().split('\n').filter(Boolean), restore: () => spy.mockRestore() };
}
