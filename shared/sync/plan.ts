import type { EnterpriseClient } from '../docker/enterprise-client.js';
import type { Report, ReportTypeInfo } from '../docker/payloads.js';
import { NotFoundError, isAuthError, messageOf } from '../errors.js';
import { readHoldings, type Holding } from '../lake/holdings.js';
import type { LakeSink } from '../sinks/lake-sink.js';
import type { SyncEvent, SyncFailure } from './sync-events.js';

/** Which reports a sync looks at. Types and cadences are discovered; these only narrow them. */
export interface SyncSelection {
  /** Only these report types. @default every type Docker lists */
  readonly types?: readonly string[];
  /** Only these cadences. @default every cadence Docker lists */
  readonly cadences?: readonly string[];
  /** Only reports dated on or after this `YYYY-MM-DD`. */
  readonly since?: string;
  /** Only the newest report of each type and cadence. */
  readonly latest?: boolean;
}

/** One report to land, and whether it replaces a landing of another upstream size. */
export interface WorkItem {
  readonly org: string;
  readonly report: Report;
  readonly replace: boolean;
}

export interface PlanSink {
  readonly onEvent: (event: SyncEvent) => void;
  readonly onFailure: (failure: SyncFailure) => void;
  readonly onSkipped: (count: number) => void;
}

export function decide(report: Report, holding: Holding | undefined): 'land' | 'replace' | 'skip' {
  if (!holding?.landed) return 'land';
  return holding.csvBytes === report.SizeBytes ? 'skip' : 'replace';
}

/**
 * Discovers everything one org offers (every type and cadence Docker lists),
 * compares it with what the lake holds, and yields each report to land as soon
 * as it is found, so landing starts while listing goes on. A failure of one
 * type and cadence is reported and the others carry on; a refusal of the org's
 * credentials ends the org.
 */
export async function* planOrg(
  client: EnterpriseClient,
  sink: LakeSink,
  selection: SyncSelection,
  report: PlanSink,
): AsyncGenerator<WorkItem> {
  const org = client.org;
  let offered: ReportTypeInfo[];
  try {
    offered = await client.listReportTypes();
  } catch (error) {
    if (error instanceof NotFoundError) {
      report.onEvent({ kind: 'notice', message: `org ${org} has no reports yet (Docker answered 404).` });
      return;
    }
    report.onFailure({ org, reason: messageOf(error), auth: isAuthError(error) });
    return;
  }
  const chosen = offered.filter(
    (t) =>
      (!selection.types?.length || selection.types.includes(t.ReportType)) &&
      (!selection.cadences?.length || selection.cadences.includes(t.Cadence)),
  );
  for (const missing of unmatched(selection, offered)) {
    report.onFailure({
      org,
      reason:
        `org ${org} offers no report ${missing}; it offers ` +
        `${offered.map((t) => `${t.ReportType}/${t.Cadence}`).join(', ') || 'none'}.`,
      auth: false,
    });
  }
  for (const { ReportType: type, Cadence: cadence } of chosen) {
    try {
      yield* planTypeCadence(client, sink, type, cadence, selection, report);
    } catch (error) {
      report.onFailure({ org, type, cadence, reason: messageOf(error), auth: isAuthError(error) });
      if (isAuthError(error)) return;
    }
  }
}

async function* planTypeCadence(
  client: EnterpriseClient,
  sink: LakeSink,
  type: string,
  cadence: string,
  selection: SyncSelection,
  report: PlanSink,
): AsyncGenerator<WorkItem> {
  const org = client.org;
  const holdings = await readHoldings(sink, org, type, cadence);
  const listed = await listSelected(client, type, cadence, selection);
  const work: WorkItem[] = [];
  let alreadyLanded = 0;
  for (const report of listed) {
    const decision = decide(report, holdings.get(report.Date));
    if (decision === 'skip') alreadyLanded += 1;
    else work.push({ org, report, replace: decision === 'replace' });
  }
  report.onSkipped(alreadyLanded);
  report.onEvent({
    kind: 'planned',
    org,
    type,
    cadence,
    toLand: work.length,
    toLandBytes: work.reduce((sum, item) => sum + item.report.SizeBytes, 0),
    alreadyLanded,
  });
  // Oldest first: those are the next Docker deletes, and columns then evolve in date order.
  yield* work.reverse();
}

/** The listing, newest first, cut to `--since` or `--latest` without asking for pages it does not need. */
async function listSelected(client: EnterpriseClient, type: string, cadence: string, selection: SyncSelection): Promise<Report[]> {
  const selected: Report[] = [];
  for await (const page of client.listReports(type, cadence, { pageSize: selection.latest ? 1 : 100 })) {
    for (const listed of page) {
      if (selection.since && listed.Date < selection.since) return selected;
      selected.push(listed);
      if (selection.latest) return selected;
    }
  }
  return selected;
}

function unmatched(selection: SyncSelection, offered: readonly ReportTypeInfo[]): string[] {
  const missing: string[] = [];
  for (const type of selection.types ?? []) {
    if (!offered.some((t) => t.ReportType === type)) missing.push(`type ${type}`);
  }
  for (const cadence of selection.cadences ?? []) {
    if (!offered.some((t) => t.Cadence === cadence)) missing.push(`cadence ${cadence}`);
  }
  return missing;
}
