import { imageSmokeTest } from './image-smoke.js';

imageSmokeTest('persona');
