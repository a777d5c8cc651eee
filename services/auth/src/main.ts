// Start command: `npx tsx services/auth/src/main.ts` (PORT from env; see services/README.md).
import { runService } from '../../kit/src/index.js';
import { createAuthService } from './app.js';

await runService(() => createAuthService());
