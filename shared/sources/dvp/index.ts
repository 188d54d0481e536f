/**
 * Docker's DVP Data API (Verified Publisher pull analytics) as a source of
 * the lake. Compose it once per shell:
 *
 * @example
 * const dvp = dvpApi({ dvpUrl, hubUrl, credentials, http, now: () => new Date() });
 * const source = new DvpSource(dvp.clientFor('acme'));
 *
 * `credentials` is any {@link DvpCredentialSource}: the CLI's environment, the
 * stack's Secrets Manager (`{"username","pat"}` per namespace).
 */
export { DvpSource } from './dvp-source.js';
export { dvpColumns, typeOfColumn } from './dvp-columns.js';
export { CADENCE_OF, TIMESPAN_OF, isDvpCadence, isoWeekStart, isoWeekOf, monthStart, periodStart, exportOfPeriod, type DvpCadence } from './dvp-periods.js';
export { dvpApi, type DvpApiOptions } from '../../docker/dvp-api.js';
export { DvpClient, type DvpExportRef, type DvpFileDownload } from '../../docker/dvp-client.js';
export type { DvpCredentialSource, DvpCredentials } from '../../docker/dvp-credentials.js';
export { DVP_TIMESPANS, isDvpTimespan, type DvpTimespan } from '../../docker/dvp-payloads.js';
