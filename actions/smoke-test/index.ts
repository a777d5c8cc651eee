// The action's entry in the one bundle: the runner starts dist/smoke-test.js, which loads it, for main.
import { run } from './main.js';
await run();
