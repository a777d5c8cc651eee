// The action's entry in the one bundle: the runner starts dist/slo-gate.js, which loads it, for main and again for post.
import { run } from './main.js';
await run();
