import { imageSmokeTest } from '../../test/support/image-smoke.js';

imageSmokeTest('vc-start');
