import type { Column, TableInput } from '@aws-sdk/client-glue';
import { parse } from 'csv-parse/sync';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { JSON_SERDE, MANAGED_BY_PARAMETER } from '../../../shared/aws/glue-table-definition.js';
import { planColumns } from '../../../shared/lake/table-columns.js';
import type { Simulator } from '../../../simulator/index.js';
import type { FakeBucket } from './fake-s3.js';

/**
 * What the first version of the stack (tool 0.1.0, before Parquet) left in a
 * lake and in Glue, written by hand the way it wrote them (see
 * `git show 4c449d9:shared/aws/glue-table-definition.ts` and
 * `4c449d9:shared/landing/land-report.ts`): Glue tables over gzip JSON Lines
 * read by the OpenX JSON SerDe, manifests of version 1, and one
 * `part-{stamp}.json.gz` query copy per report.
 */

export interface FirstVersionReport {
  readonly org: string;
  readonly type: string;
  readonly cadence: string;
  readonly date: string;
}

/** A table as the first version created it: JSON SerDe, gzip, org and report_date projected. */
export function firstVersionTableInput(
  report: Pick<FirstVersionReport, 'type' | 'cadence'>,
  columns: readonly Column[],
  where: { lakeUri: string; orgs: readonly string[]; firstReportDate: string },
): TableInput {
  const location = `${where.lakeUri.replace(/\/+$/, '')}/query/enterprise/${report.type}/${report.cadence}/`;
  return {
    Name: `${report.type}_${report.cadence}`.replace(/-/g, '_'),
    Description: `Docker ${report.type} reports (${report.cadence}), one JSON object per CSV row; columns follow Docker's schema endpoint.`,
    TableType: 'EXTERNAL_TABLE',
    Parameters: {
      EXTERNAL: 'TRUE',
      classification: 'json',
      compressionType: 'gzip',
      typeOfData: 'file',
      [MANAGED_BY_PARAMETER]: 'docker-reports-lake',
      'projection.enabled': 'true',
      'projection.org.type': 'enum',
      'projection.org.values': where.orgs.join(','),
      'projection.report_date.type': 'date',
      'projection.report_date.format': 'yyyy-MM-dd',
      'projection.report_date.range': `${where.firstReportDate},NOW`,
      'projection.report_date.interval': '1',
      'projection.report_date.interval.unit': 'DAYS',
      'storage.location.template': `${location}org=\${org}/date=\${report_date}/`,
    },
    PartitionKeys: [
      { Name: 'org', Type: 'string', Comment: 'Docker organization' },
      { Name: 'report_date', Type: 'date', Comment: 'Date of the report (the path says date=)' },
    ],
    StorageDescriptor: {
      Columns: [...columns],
      Location: location,
      InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      Compressed: true,
      SerdeInfo: {
        SerializationLibrary: JSON_SERDE,
        Parameters: { 'case.insensitive': 'TRUE', 'ignore.malformed.json': 'FALSE', 'serialization.format': '1' },
      },
    },
  };
}

/** The keys (below the lake's prefix) and facts of one report landed by the first version. */
export interface FirstVersionLanding {
  readonly csvKey: string;
  readonly manifestKey: string;
  readonly queryKey: string;
  readonly csv: Buffer;
  readonly sha256: string;
  /** CSV records, header excluded, as csv-parse reads them. */
  readonly rows: number;
  readonly fetchedAt: string;
}

/**
 * Lands one of the simulator's reports as the first version did, by hand:
 * the CSV byte for byte as Docker serves it, its rows as gzip JSON Lines at a
 * stamped key, and a manifest of version 1 naming both.
 */
export async function landFirstVersion(
  bucket: FakeBucket,
  prefix: string,
  sim: Simulator,
  report: FirstVersionReport,
  fetchedAt: Date,
): Promise<FirstVersionLanding> {
  const { org, type, cadence, date } = report;
  const chunks: Buffer[] = [];
  for await (const chunk of sim.reportBody(org, type, cadence, date)) chunks.push(Buffer.from(chunk as Buffer));
  const csv = Buffer.concat(chunks);
  const records = parse(csv, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const schema = sim.reportSchema(type, cadence, date);
  const columns = planColumns([], schema.fields, ['org', 'report_date']);
  const stamp = fetchedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const folder = `enterprise/${type}/${cadence}/org=${org}/date=${date}/`;
  const landing: FirstVersionLanding = {
    csvKey: `${folder}${type}_${cadence}_${date}.csv`,
    manifestKey: `${folder}_manifest.json`,
    queryKey: `query/enterprise/${type}/${cadence}/org=${org}/date=${date}/part-${stamp}.json.gz`,
    csv,
    sha256: createHash('sha256').update(csv).digest('hex'),
    rows: records.length,
    fetchedAt: fetchedAt.toISOString(),
  };
  const listed = sim.reports(org).find((r) => r.ReportType === type && r.Cadence === cadence && r.Date === date);
  if (!listed) throw new Error(`the simulator lists no ${org}/${type}/${cadence}/${date}`);
  const jsonLines = records.map((record) => `${JSON.stringify(Object.fromEntries(columns.fields.map((c) => [c.column, record[c.field] ?? null])))}\n`).join('');
  const manifest = {
    manifest_version: 1,
    org,
    report_type: type,
    cadence,
    date,
    upstream: { key: listed.Key, size_bytes: listed.SizeBytes },
    bytes: csv.length,
    sha256: landing.sha256,
    schema: { category: schema.category, fields: schema.fields },
    files: { csv: landing.csvKey, query: landing.queryKey },
    query: { rows: records.length, invalid_values: 0, columns: columns.fields },
    fetched_at: landing.fetchedAt,
    tool: { name: 'docker-reports-lake', version: '0.1.0' },
  };
  bucket.put(`${prefix}/${landing.csvKey}`, csv);
  bucket.put(`${prefix}/${landing.queryKey}`, gzipSync(jsonLines));
  bucket.put(`${prefix}/${landing.manifestKey}`, `${JSON.stringify(manifest, null, 2)}\n`);
  return landing;
}
