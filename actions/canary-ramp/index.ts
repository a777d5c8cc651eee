// The bundle's entry: the runner starts it for main and again for post.
import { run } from './main.js';
await run();
