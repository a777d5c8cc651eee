import { imageSmokeTest } from './image-smoke.js';

imageSmokeTest('auth');
