// The bundle's entry: the runner starts it for main.
import { run } from './main.js';
await run();
