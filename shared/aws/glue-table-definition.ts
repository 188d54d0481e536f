import type { Column, Table, TableInput } from '@aws-sdk/client-glue';
import type { SchemaField } from '../docker/payloads.js';
import { queryTableFolder, tableName } from '../lake/layout.js';
import type { ColumnPlan, TableColumn } from '../lake/table-columns.js';
import { GLUE_TYPES, lakeTypeOfGlue } from './glue-types.js';

/**
 * What one report table looks like in the Glue Data Catalog: the query copy
 * (gzip JSON Lines) read by the OpenX JSON SerDe, partitioned by `org` and
 * `report_date` with partition projection, so no crawler, no MSCK REPAIR and no
 * partition is ever registered. The S3 path says `date=`; the column cannot
 * (`date` is reserved in Athena DDL).
 */
export const JSON_SERDE = 'org.openx.data.jsonserde.JsonSerDe';
export const MANAGED_BY_PARAMETER = 'docker_reports.managed_by';
const MANAGED_BY = 'docker-reports-lake';

export interface TableLocation {
  /** `s3://bucket` or `s3://bucket/prefix`: the lake's root. */
  readonly lakeUri: string;
  /** The orgs partition projection enumerates. */
  readonly orgs: readonly string[];
  /** First date partition projection offers, `YYYY-MM-DD`. */
  readonly firstReportDate: string;
}

/** Where a table's query copies are: `s3://bucket/prefix/query/enterprise/{type}/{cadence}/`. */
export function tableLocation(lakeUri: string, type: string, cadence: string): string {
  return `${lakeUri.replace(/\/+$/, '')}/${queryTableFolder(type, cadence)}`;
}

/** The table parameters that make Athena project partitions instead of looking them up. */
export function projectionParameters(location: string, orgs: readonly string[], firstReportDate: string): Record<string, string> {
  return {
    'projection.enabled': 'true',
    'projection.org.type': 'enum',
    'projection.org.values': orgs.join(','),
    'projection.report_date.type': 'date',
    'projection.report_date.format': 'yyyy-MM-dd',
    'projection.report_date.range': `${firstReportDate},NOW`,
    'projection.report_date.interval': '1',
    'projection.report_date.interval.unit': 'DAYS',
    'storage.location.template': `${location}org=\${org}/date=\${report_date}/`,
  };
}

/** The full definition of a new table with `columns`. */
export function newTableInput(type: string, cadence: string, columns: readonly Column[], where: TableLocation): TableInput {
  const location = tableLocation(where.lakeUri, type, cadence);
  return {
    Name: tableName(type, cadence),
    Description: `Docker ${type} reports (${cadence}), one JSON object per CSV row; columns follow Docker's schema endpoint.`,
    TableType: 'EXTERNAL_TABLE',
    Parameters: {
      EXTERNAL: 'TRUE',
      classification: 'json',
      compressionType: 'gzip',
      typeOfData: 'file',
      [MANAGED_BY_PARAMETER]: MANAGED_BY,
      ...projectionParameters(location, where.orgs, where.firstReportDate),
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
        // Column names are lower case already; a malformed line should fail a query, not vanish from it.
        Parameters: { 'case.insensitive': 'TRUE', 'ignore.malformed.json': 'FALSE', 'serialization.format': '1' },
      },
    },
  };
}

/** Glue columns for the columns a plan adds, described by the schema field that caused them. */
export function glueColumns(added: readonly TableColumn[], plan: ColumnPlan, fields: readonly SchemaField[]): Column[] {
  return added.map((column) => {
    const field = plan.fields.find((f) => f.column === column.name)?.field;
    const description = fields.find((f) => f.name === field)?.description?.trim();
    return {
      Name: column.name,
      Type: GLUE_TYPES[column.type],
      ...(description ? { Comment: description.slice(0, 255) } : {}),
    };
  });
}

/** An existing table's columns as the lake's column planner sees them. */
export function tableColumnsOf(table: Table): TableColumn[] {
  return (table.StorageDescriptor?.Columns ?? []).map((column) => ({
    name: column.Name ?? '',
    type: lakeTypeOfGlue(column.Type),
  }));
}

/**
 * The definition to write back after reading `table`: everything it had
 * (SerDe, projection, parameters people added), plus `added` columns at the
 * end and any configured org missing from the projection's enum. Undefined
 * when nothing would change, so no UpdateTable (and no archived version) is spent.
 */
export function updatedTableInput(table: Table, added: readonly Column[], where: TableLocation): TableInput | undefined {
  const parameters = { ...(table.Parameters ?? {}) };
  const known = (parameters['projection.org.values'] ?? '').split(',').filter((org) => org !== '');
  const missingOrgs = where.orgs.filter((org) => !known.includes(org));
  if (added.length === 0 && missingOrgs.length === 0) return undefined;
  if (missingOrgs.length > 0) parameters['projection.org.values'] = [...known, ...missingOrgs].join(',');
  const descriptor = table.StorageDescriptor ?? {};
  return {
    Name: table.Name,
    Description: table.Description,
    Owner: table.Owner,
    Retention: table.Retention,
    TableType: table.TableType,
    Parameters: parameters,
    PartitionKeys: table.PartitionKeys,
    StorageDescriptor: { ...descriptor, Columns: [...(descriptor.Columns ?? []), ...added] },
  };
}
