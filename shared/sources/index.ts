/**
 * The source seam: the lake's source-neutral model, the adapter interface,
 * and how each source is named in the lake. Plain data and types only (the
 * CDK app reads it); the adapters are in their own folders (`./enterprise`, `./dvp`).
 */
export * from './model.js';
export type { FileDownload, PeriodWindow, Source, SourceColumns, SourceField } from './source.js';
export { SOURCE_SPECS, partitionColumns, specOf, tableName, type SourceSpec } from './source-specs.js';
