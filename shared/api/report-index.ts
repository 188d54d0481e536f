import type { EnterpriseClient } from '../docker/enterprise-client.js';
import type { Report } from '../docker/payloads.js';
import { NotFoundError } from '../errors.js';
import { readHoldings, type Holding } from '../lake/holdings.js';
import type { LakeSink } from '../sinks/lake-sink.js';

/** One report date as the API knows it: what Docker lists, what the lake holds, or both. */
export interface IndexedReport {
  readonly date: string;
  readonly upstream: Report | undefined;
  readonly holding: Holding | undefined;
}

/**
 * Every report of an org's type and cadence, newest first: Docker's listing
 * joined with what the lake holds, which keeps reports long after Docker
 * deletes them. Without a Docker client (a local lake with no OAT), the lake alone.
 */
export async function reportIndex(
  sink: LakeSink,
  upstream: EnterpriseClient | undefined,
  type: string,
  cadence: string,
  org: string,
): Promise<IndexedReport[]> {
  const [holdings, listed] = await Promise.all([readHoldings(sink, org, type, cadence), listAll(upstream, type, cadence)]);
  const byDate = new Map(listed.map((report) => [report.Date, report]));
  const dates = new Set([...byDate.keys(), ...[...holdings].filter(([, holding]) => holding.landed).map(([date]) => date)]);
  return [...dates]
    .sort()
    .reverse()
    .map((date) => ({ date, upstream: byDate.get(date), holding: holdings.get(date) }));
}

async function listAll(client: EnterpriseClient | undefined, type: string, cadence: string): Promise<Report[]> {
  if (!client) return [];
  const reports: Report[] = [];
  try {
    for await (const page of client.listReports(type, cadence)) reports.push(...page);
  } catch (error) {
    // Docker no longer offering a type the lake holds is not an error here.
    if (!(error instanceof NotFoundError)) throw error;
  }
  return reports;
}
