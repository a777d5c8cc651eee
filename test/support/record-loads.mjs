// Preloaded with `node --import` (or NODE_OPTIONS): appends the URL of every file module the process
// resolves to the file named by RECORD_LOADS, one a line, so a test or benchmark can tell which of
// dist/'s files (entries and chunks) a run loaded. Resolution only: it changes nothing that loads.
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const out = process.env.RECORD_LOADS;
if (out) {
  registerHooks({
    resolve(specifier, context, next) {
      const result = next(specifier, context);
      if (result.url.startsWith('file:')) appendFileSync(out, `${result.url}\n`);
      return result;
    },
  });
}
