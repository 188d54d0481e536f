import { landReport, type LandedReport, type LandingDeps } from '../landing/land-report.js';
import { manifestKey } from '../lake/layout.js';
import { parseManifest } from '../lake/manifest.js';
import type { WorkItem } from './plan.js';

/**
 * Lands one planned report. For a replacement, the earlier manifest is read
 * first so that its query copy can be removed once the new one is in place.
 */
export async function landItem(item: WorkItem, deps: LandingDeps): Promise<LandedReport> {
  if (!item.replace) return landReport(item.org, item.report, deps);
  const ref = { org: item.org, type: item.report.ReportType, cadence: item.report.Cadence, date: item.report.Date };
  const text = await deps.sink.read(manifestKey(ref));
  let previousQueryKey: string | undefined;
  try {
    previousQueryKey = text === undefined ? undefined : parseManifest(text).files.query;
  } catch {
    // An unreadable manifest is replaced like any other; its query copy cannot be named, so it stays.
  }
  return landReport(item.org, item.report, deps, { previousQueryKey });
}
