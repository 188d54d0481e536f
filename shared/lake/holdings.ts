import type { ReportRef } from '../docker/payloads.js';
import { MANIFEST_FILE, orgFolder, parseReportFileKey } from './layout.js';
import type { LakeSink } from '../sinks/lake-sink.js';

/** What the lake holds of one report date. */
export interface Holding {
  /** A manifest exists: the report is landed. */
  readonly landed: boolean;
  /** Size of the audit CSV, which equals the upstream size it was verified against. */
  readonly csvBytes: number | undefined;
}

/**
 * What the lake holds for one org's type and cadence, by report date, from one
 * listing (no object is read): landed means a manifest exists, and the CSV's
 * size is the upstream size it was verified against.
 */
export async function readHoldings(
  sink: LakeSink,
  org: string,
  type: string,
  cadence: string,
  onlyDate?: string,
): Promise<Map<string, Holding>> {
  const folder = orgFolder(type, cadence, org);
  const found = new Map<string, { landed: boolean; csvBytes: number | undefined }>();
  const csvName = (date: string) => `${type}_${cadence}_${date}.csv`;
  for await (const object of sink.list(onlyDate ? `${folder}date=${onlyDate}/` : folder)) {
    const parsed = parseReportFileKey(object.key.slice(folder.length));
    if (!parsed) continue;
    const entry = found.get(parsed.date) ?? { landed: false, csvBytes: undefined };
    if (parsed.file === MANIFEST_FILE) entry.landed = true;
    else if (parsed.file === csvName(parsed.date)) entry.csvBytes = object.size;
    found.set(parsed.date, entry);
  }
  return found;
}

/** What the lake holds of one report right now (one listing of its folder). */
export async function readHolding(sink: LakeSink, ref: ReportRef): Promise<Holding | undefined> {
  return (await readHoldings(sink, ref.org, ref.type, ref.cadence, ref.date)).get(ref.date);
}
