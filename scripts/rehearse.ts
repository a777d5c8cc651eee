/**
 * `npm run rehearse`: the delivery pipeline end to end on this machine, through the same built
 * bundles a runner executes, on real traffic (scripts/rehearsal/run.ts has the stages;
 * `npm run rehearse -- --help` the options). Exits non-zero when any stage ends other than
 * expected; the last line says how many stages were skipped for a missing tool.
 *
 * This entry stays light (no AWS SDK) so the first line appears at once; the stages load after it.
 */
import { InputError } from '../common/errors.js';
import { USAGE, parseArgs } from './rehearsal/args.js';

const t0 = Date.now();
let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error(err instanceof InputError ? err.message : err);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
console.log(`Rehearsing build → deploy → canary-ramp (${args.scenarios.join(', ')}) on real traffic; --help for options.`);
const { rehearse } = await import('./rehearsal/run.js');
process.exit(await rehearse(args, t0));
