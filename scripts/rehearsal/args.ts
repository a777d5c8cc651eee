/** `npm run rehearse -- …` options: parsed here, before anything starts, so a typo costs nothing. */
import { InputError } from '../../common/errors.js';

export const SCENARIOS = ['healthy', 'errors', 'latency', 'low-traffic'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface RehearsalArgs {
  scenarios: Scenario[];
  keep: boolean;
  json?: string;
  help: boolean;
}

export const USAGE = `Usage: npm run rehearse -- [--scenario healthy|errors|latency|low-traffic|all] [--keep] [--json FILE]

Rehearses the delivery pipeline on this machine, through the same bundles a runner executes:
build-scan-push → deploy-stack → canary-ramp on real traffic → rollback. AWS is a moto server. Each
scenario's ramp runs in its own lane, all at once: two versions of the auth service (stable and
canary, from the image's own build) behind nginx as a stand-in for the ALB's data plane, following
the weights canary-ramp writes to the lane's listener; autocannon drives steady load; a Prometheus
server scrapes every version each second and canary-ramp judges through its Prometheus provider.

  --scenario S   which canary to ramp (repeatable, or comma separated); default all:
                   healthy      the same build as stable, 100 requests/s → promoted
                   errors       20 % of its requests fail (FAULT_ERROR_RATE) → rolled back at 10 %
                   latency      +300 ms on each request (FAULT_LATENCY) → rolled back at 10 %
                   low-traffic  healthy, 10 requests/s in all (1/s at the 10 % step) → its steps
                                wait for evidence, then promoted
  --keep         leave moto, each lane's services and nginx, and Prometheus running at the end
                 and print their URLs (Ctrl-C stops them)
  --json FILE    write a machine-readable report: per stage and check the weights, the requests
                 each version served (its own counters), the values the judge saw, the verdict
  --help         this text

Needs nginx and prometheus (npm run setup installs them); without them the ramps are skipped and
the last line says so. Without buildah, skopeo and docker-registry the image build is skipped.`;

export function parseArgs(argv: string[]): RehearsalArgs {
  const out: RehearsalArgs = { scenarios: [], keep: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new InputError(`${flag} needs a value; see --help.`);
      return v;
    };
    switch (flag) {
      case '--help':
      case '-h':
        out.help = true;
        break;
      case '--keep':
        out.keep = true;
        break;
      case '--json':
        out.json = value();
        break;
      case '--scenario':
        for (const name of value().split(',').map((s) => s.trim()).filter(Boolean)) {
          if (name === 'all') out.scenarios.push(...SCENARIOS);
          else if ((SCENARIOS as readonly string[]).includes(name)) out.scenarios.push(name as Scenario);
          else throw new InputError(`--scenario: "${name}" is not one of ${SCENARIOS.join(' | ')} | all.`);
        }
        break;
      default:
        throw new InputError(`Unknown option "${arg}"; expected --scenario, --keep, --json FILE or --help.`);
    }
  }
  // Ramps run in the documented order whatever order they were named in, each once.
  out.scenarios = out.scenarios.length ? SCENARIOS.filter((s) => out.scenarios.includes(s)) : [...SCENARIOS];
  return out;
}
