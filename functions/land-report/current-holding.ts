import type { ReportRef } from '../../shared/docker/payloads.js';
import type { Holding } from '../../shared/lake/holdings.js';
import { MANIFEST_FILE, csvKey, orgFolder, parseReportFileKey, reportFolder } from '../../shared/lake/layout.js';
import type { LakeSink } from '../../shared/sinks/lake-sink.js';

/**
 * What the lake holds of one report right now, from one listing of its
 * folder. A queued report may have been landed since it was queued (a later
 * sync, a duplicate message): the worker checks before landing.
 */
export async function currentHolding(sink: LakeSink, ref: ReportRef): Promise<Holding | undefined> {
  const folder = orgFolder(ref.type, ref.cadence, ref.org);
  const csvFile = csvKey(ref).slice(reportFolder(ref).length);
  let landed = false;
  let csvBytes: number | undefined;
  let seen = false;
  for await (const object of sink.list(reportFolder(ref))) {
    const parsed = parseReportFileKey(object.key.slice(folder.length));
    if (!parsed || parsed.date !== ref.date) continue;
    seen = true;
    if (parsed.file === MANIFEST_FILE) landed = true;
    else if (parsed.file === csvFile) csvBytes = object.size;
  }
  return seen ? { landed, csvBytes } : undefined;
}
