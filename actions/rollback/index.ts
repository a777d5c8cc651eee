import { runAction } from '../lib/runner.js';
import { action } from './main.js';
await runAction(action);
