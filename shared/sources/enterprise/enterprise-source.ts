import type { EnterpriseClient } from '../../docker/enterprise-client.js';
import type { Report } from '../../docker/payloads.js';
import { NotFoundError } from '../../errors.js';
import type { DatasetRef, ListedPeriod, ScopeRef } from '../model.js';
import type { FileDownload, PeriodWindow, Source, SourceColumns } from '../source.js';

/**
 * Docker's Enterprise Data API as a source: an org is the scope, a report
 * type and cadence a dataset, a report date a period with one file, whose
 * columns come from the schema endpoint.
 */
export class EnterpriseSource implements Source {
  readonly scope: ScopeRef;

  constructor(private readonly client: EnterpriseClient) {
    this.scope = { source: 'enterprise', scope: client.org };
  }

  async datasets(): Promise<DatasetRef[]> {
    try {
      const types = await this.client.listReportTypes();
      return types.map((info) => ({ source: 'enterprise', name: info.ReportType, cadence: info.Cadence }));
    } catch (error) {
      // Docker answers 404 for an org that has no reports yet.
      if (error instanceof NotFoundError) return [];
      throw error;
    }
  }

  async *periods(dataset: DatasetRef, window: PeriodWindow = {}): AsyncIterable<ListedPeriod[]> {
    for await (const page of this.client.listReports(dataset.name, dataset.cadence, { pageSize: window.latest ? 1 : 100 })) {
      const kept = page.filter((report) => !window.since || report.Date >= window.since);
      if (kept.length > 0) yield (window.latest ? kept.slice(0, 1) : kept).map((report) => this.periodOf(report));
      // Newest first: past `since`, or after the newest for `latest`, no later page holds anything wanted.
      if (window.latest || kept.length < page.length) return;
    }
  }

  async columns(period: ListedPeriod): Promise<SourceColumns> {
    const { name, cadence, period: date } = period.ref;
    const answer = await this.client.getSchema(name, cadence, date);
    return { category: answer.category, fields: answer.fields };
  }

  open(period: ListedPeriod): Promise<FileDownload> {
    const { name, cadence, period: date } = period.ref;
    return this.client.openDownload(name, cadence, date);
  }

  /** One of Docker's reports as the lake's model of it. */
  periodOf(report: Report): ListedPeriod {
    return {
      ref: { source: 'enterprise', scope: this.client.org, name: report.ReportType, cadence: report.Cadence, period: report.Date },
      files: [{ upstreamKey: report.Key, sizeBytes: report.SizeBytes }],
    };
  }
}
