// Start command: `npx tsx services/vc-start/src/main.ts` (PORT from env; see services/README.md).
import { runService } from '../../kit/src/index.js';
import { createVcStart } from './app.js';

await runService(() => createVcStart());
