/** Landing: a period's files into the lake, verified, with its query copy, manifest last. */
export { landPeriod, type LandRequest } from './land-period.js';
export { rebuildPeriod, type RebuildRequest } from './rebuild-period.js';
export type { LandedPeriod, LandingDeps, StageTimings } from './landing-deps.js';
export { ByteMeter, type ByteMeterOptions } from './byte-meter.js';
export { isTransient } from './transient.js';
