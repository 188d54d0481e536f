import type { LandedPeriod } from '../shared/landing/index.js';
import { manifestBytes } from '../shared/lake/manifest.js';
import { specOf, type PeriodRef } from '../shared/sources/index.js';
import type { SyncFailure } from '../shared/sync/index.js';

/**
 * A period named in the words of its source, as `--json` has always named
 * Enterprise reports: `{org, type, cadence, date}`; `{namespace, view, timespan, period_start}`.
 */
export function identityOf(ref: Partial<Omit<PeriodRef, 'source' | 'scope'>> & Pick<PeriodRef, 'source' | 'scope'>): Record<string, string> {
  const spec = specOf(ref.source);
  return Object.fromEntries(
    [
      [spec.words.scope, ref.scope],
      [spec.words.name, ref.name],
      [spec.words.cadence, ref.cadence],
      [spec.periodKey, ref.period],
    ].filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** One landed period in `--json`. */
export function landedJson(landed: LandedPeriod) {
  const { ref, manifest, timings } = landed;
  return {
    source: ref.source,
    ...identityOf(ref),
    action: landed.action,
    bytes: manifestBytes(manifest),
    ...(manifest.files.length === 1 ? { sha256: manifest.files[0]!.sha256 } : {}),
    uri: landed.uris[0],
    files: manifest.files.map((file, i) => ({ uri: landed.uris[i], bytes: file.bytes, sha256: file.sha256 })),
    query_uri: landed.queryUri,
    rows: manifest.query.rows,
    invalid_values: manifest.query.invalid_values,
    ...(manifest.query.pseudonymized ? { pseudonymized: manifest.query.pseudonymized } : {}),
    replaced: landed.action === 'replaced',
    timings: { download_ms: Math.round(timings.downloadMs), convert_ms: Math.round(timings.convertMs), publish_ms: Math.round(timings.publishMs) },
  };
}

export function failureJson(failure: SyncFailure) {
  const { source, scope, dataset, cadence, period, reason, auth } = failure;
  return { source, ...identityOf({ source, scope, name: dataset, cadence, period }), reason, auth };
}
