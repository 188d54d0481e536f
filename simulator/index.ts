/**
 * A simulator of Docker's Enterprise Data API, the DVP Data API, the Hub's
 * token exchange and login, and the pre-signed storage downloads go to, for
 * tests, benchmarks and `docker-reports simulate`.
 */
export { createSimulator, type ReportSchema, type Simulator } from './simulator.js';
export {
  DEFAULT_DAYS,
  DEFAULT_JWT_TTL_SECONDS,
  DEFAULT_ORGS,
  DEFAULT_REPORT_BYTES,
  DEFAULT_URL_TTL_SECONDS,
  type RateLimitOptions,
  type SimulatorOptions,
  type SizeFor,
} from './simulator-options.js';
export type {
  AnsweredOperation,
  ApiOperation,
  DvpApiOperation,
  FaultControls,
  FaultScope,
  MalformableOperation,
  MalformedStyle,
} from './faults.js';
export {
  DEFAULT_DVP_MONTHS,
  DEFAULT_DVP_WEEKS,
  DVP_TIMESPANS,
  DVP_VIEWS,
  type DvpNamespaceOptions,
  type DvpOptions,
  type DvpTimespan,
  type DvpView,
} from './dvp/dvp-options.js';
export type { DvpControls, DvpExport, DvpExportFile } from './dvp/dvp-controls.js';
export { DVP_BASE_PATH, LOGIN_PATH } from './dvp/dvp-paths.js';
export type { SimulatorStats } from './stats.js';
export type { CatalogReport } from './report-catalog.js';
export { DEFAULT_REPORT_TYPES, type ReportTypeSpec, type SchemaField } from './report-definitions.js';
export type { SchemaChange } from './schema-changes.js';
export { API_BASE_PATH, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './api-routes.js';
export { BUCKET } from './presigned-url.js';
export { usageText } from './usage-text.js';
export { NAMESPACE_FLAG, collectNamespace, simulatorOptionsFromFlags, type SimulateFlags } from './cli-flags.js';
