import { CsvGenerator, type ReportContent, type ReportLayout } from './csv-generator.js';
import { baseFieldsFor, definitionFor, padColumnOf, type ReportTypeSpec, type SchemaField } from './report-definitions.js';
import { reportDates } from './report-dates.js';
import { applySchemaChanges } from './schema-changes.js';
import type { ResolvedOptions } from './simulator-options.js';

/** One report as the listing endpoint shows it. */
export interface CatalogReport {
  readonly ReportType: string;
  readonly Cadence: string;
  readonly Date: string;
  readonly SizeBytes: number;
  readonly Key: string;
}

/**
 * What exists upstream at the clock's current time: the orgs, their report
 * types, the dated reports in the retention window, each date's schema and
 * each report's exact size. Moving the clock moves the window.
 */
export class ReportCatalog {
  private readonly generator = new CsvGenerator();

  constructor(
    private readonly options: ResolvedOptions,
    private readonly now: () => Date,
  ) {
    for (const spec of options.reportTypes) this.checkSchemas(spec);
  }

  hasOrg(org: string): boolean {
    return this.options.orgs.includes(org);
  }

  /** The type and cadence pairs an org offers; none when it has no report at all (Docker's 404). */
  types(org: string): readonly ReportTypeSpec[] {
    if (!this.hasOrg(org)) return [];
    const offered = this.options.reportTypes;
    return offered.some((spec) => this.dates(spec).length > 0) ? offered : [];
  }

  spec(type: string, cadence: string): ReportTypeSpec | undefined {
    return this.options.reportTypes.find((spec) => spec.type === type && spec.cadence === cadence);
  }

  /** The reports of a type and cadence, newest first. */
  list(org: string, type: string, cadence: string): CatalogReport[] {
    const spec = this.spec(type, cadence);
    if (!spec || !this.hasOrg(org)) return [];
    return this.dates(spec).map((date) => this.entry(org, spec, date));
  }

  /** Every report of an org, type by type, newest first within each. */
  all(org: string): CatalogReport[] {
    return this.options.reportTypes.flatMap((spec) => this.list(org, spec.type, spec.cadence));
  }

  /** A report that exists now, or undefined (not generated yet, past retention, or never). */
  find(org: string, type: string, cadence: string, date: string): CatalogReport | undefined {
    const spec = this.spec(type, cadence);
    if (!spec || !this.hasOrg(org) || !this.dates(spec).includes(date)) return undefined;
    return this.entry(org, spec, date);
  }

  /** The columns of one date's report. */
  schema(type: string, cadence: string, date: string): SchemaField[] {
    const spec = this.spec(type, cadence);
    if (!spec) throw new Error(`simulator: no report type ${type}/${cadence}.`);
    return applySchemaChanges(baseFieldsFor(spec), this.options.schemaChanges, type, cadence, date);
  }

  /**
   * The body of a report of a configured type, whether or not its date is in
   * the window (tests may compute a report's bytes before moving the clock).
   */
  layout(org: string, type: string, cadence: string, date: string): ReportLayout {
    const spec = this.spec(type, cadence);
    if (!spec || !this.hasOrg(org)) throw new Error(`simulator: no report ${org}/${type}/${cadence}.`);
    return this.generator.layout(this.content(org, spec, date), this.sizeOf(org, type, cadence, date));
  }

  private entry(org: string, spec: ReportTypeSpec, date: string): CatalogReport {
    const { type, cadence } = spec;
    return {
      ReportType: type,
      Cadence: cadence,
      Date: date,
      SizeBytes: this.generator.size(this.content(org, spec, date), this.sizeOf(org, type, cadence, date)),
      Key: `${org}/${type}/${cadence}/${date}.csv`,
    };
  }

  private dates(spec: ReportTypeSpec): string[] {
    return reportDates(spec.cadence, this.now(), this.options.days);
  }

  private content(org: string, spec: ReportTypeSpec, date: string): ReportContent {
    const definition = definitionFor(spec);
    const fields = this.schema(spec.type, spec.cadence, date);
    return { org, type: spec.type, cadence: spec.cadence, date, fields, definition, padColumn: padColumnOf(definition, fields)! };
  }

  private sizeOf(org: string, type: string, cadence: string, date: string): number {
    const size = this.options.sizeFor?.(org, type, cadence, date) ?? this.options.reportBytes;
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new Error(`simulator: sizeFor gave ${size} for ${org}/${type}/${cadence}/${date}; expected a whole number of bytes.`);
    }
    return size;
  }

  /** Fails at start, not mid-test, when some date's schema could not be generated. */
  private checkSchemas(spec: ReportTypeSpec): void {
    const starts = this.options.schemaChanges.filter((change) => change.type === spec.type).map((change) => change.from);
    for (const date of ['0000-01-01', ...starts]) {
      const fields = this.schema(spec.type, spec.cadence, date);
      if (!padColumnOf(definitionFor(spec), fields)) {
        throw new Error(
          `simulator: the ${spec.type}/${spec.cadence} schema of ${date} has no string column, ` +
            'which the simulator needs to make each report exactly its size.',
        );
      }
    }
  }
}
