import { imageSmokeTest } from './image-smoke.js';

imageSmokeTest('vc-start');
