// Start command: `npx tsx services/persona/src/main.ts` (gRPC on PORT, /health on HTTP_PORT; see services/README.md).
import { runService } from '../../kit/src/index.js';
import { createPersonaService } from './app.js';

await runService(() => createPersonaService());
