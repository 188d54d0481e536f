/** The sync: plan each scope against the lake, then land, replace and rebuild what it needs. */
export { syncLake, DEFAULT_CONCURRENCY, type SyncDeps, type SyncOptions } from './sync.js';
export { planScope, type DatasetFilter, type PlanSink, type SyncSelection } from './plan.js';
export { runItem } from './run-item.js';
export { itemBytes, refOf, type WorkItem } from './work-item.js';
export { describeFailure, failureOf, type SyncEvent, type SyncFailure, type SyncSummary } from './sync-events.js';
