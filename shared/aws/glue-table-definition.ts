import type { Column, Table, TableInput } from '@aws-sdk/client-glue';
import { queryTableFolder } from '../lake/layout.js';
import { pseudonymizedColumns } from '../lake/pseudonymized-columns.js';
import type { TableDefinition } from '../lake/table-catalog.js';
import { datasetOfTable } from '../lake/table-catalog.js';
import type { TableColumn } from '../lake/table-columns.js';
import { QUERY_FORMAT } from '../query/query-format.js';
import { specOf, tableName, type DatasetRef, type SourceId } from '../sources/index.js';
import { GLUE_TYPES, lakeTypeOfGlue } from './glue-types.js';

/**
 * What one dataset's table looks like in the Glue Data Catalog: the query
 * copies (Parquet, read by column name), partitioned by scope and period
 * with partition projection, so no crawler, no MSCK REPAIR and no partition
 * is ever registered. The S3 path of an Enterprise table says `date=`; the
 * column cannot (`date` is reserved in Athena DDL): it is `report_date`.
 */
export const MANAGED_BY_PARAMETER = 'docker_reports.managed_by';
const MANAGED_BY = 'docker-reports-lake';
/** The SerDe of the first lakes' tables (gzip JSON Lines), switched to Parquet in place. */
export const JSON_SERDE = 'org.openx.data.jsonserde.JsonSerDe';

export interface TableLocation {
  /** `s3://bucket` or `s3://bucket/prefix`: the lake's root. */
  readonly lakeUri: string;
  /** The scopes partition projection enumerates, per source (the stack's orgs, namespaces). */
  readonly scopes: Readonly<Partial<Record<SourceId, readonly string[]>>>;
  /** First period partition projection offers, `YYYY-MM-DD`. */
  readonly firstPeriod: string;
  /** Columns the query copies hold as keyed hashes: their comments say so. @default none */
  readonly pseudonymized?: readonly string[];
}

/** What a pseudonymised column's comment starts with. */
export const PSEUDONYMIZED_NOTE = 'Pseudonymised: HMAC-SHA-256 of the value (hex); the audit CSV keeps the original.';

/** Where a table's query copies are: `s3://bucket/prefix/query/enterprise/{type}/{cadence}/`. */
export function tableLocation(lakeUri: string, dataset: DatasetRef): string {
  return `${lakeUri.replace(/\/+$/, '')}/${queryTableFolder(dataset)}`;
}

/** The table parameters that make Athena project partitions instead of looking them up. */
export function projectionParameters(dataset: DatasetRef, location: string, scopes: readonly string[], firstPeriod: string): Record<string, string> {
  const { scopeKey, periodKey, periodColumn } = specOf(dataset.source);
  // Weekly periods start on Mondays and monthly ones on the 1st; an Enterprise table is projected by day.
  const step = dataset.source === 'dvp' && dataset.cadence === 'monthly' ? ['1', 'MONTHS'] : dataset.source === 'dvp' ? ['7', 'DAYS'] : ['1', 'DAYS'];
  // Projection steps from the range's start: a weekly range must start on a Monday and a monthly one on a 1st,
  // or every projected partition would name a day no period starts on (and every query would read nothing).
  const start = dataset.source === 'dvp' ? periodStartOnOrBefore(firstPeriod, dataset.cadence) : firstPeriod;
  return {
    'projection.enabled': 'true',
    [`projection.${scopeKey}.type`]: 'enum',
    [`projection.${scopeKey}.values`]: scopes.join(','),
    [`projection.${periodColumn}.type`]: 'date',
    [`projection.${periodColumn}.format`]: 'yyyy-MM-dd',
    [`projection.${periodColumn}.range`]: `${start},NOW`,
    [`projection.${periodColumn}.interval`]: step[0]!,
    [`projection.${periodColumn}.interval.unit`]: step[1]!,
    'storage.location.template': `${location}${scopeKey}=\${${scopeKey}}/${periodKey}=\${${periodColumn}}/`,
  };
}

/**
 * The start of the DVP period holding `date` (`YYYY-MM-DD`): its ISO week's
 * Monday (weekly), its month's 1st (monthly); other cadences keep the day.
 */
export function periodStartOnOrBefore(date: string, cadence: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  if (cadence === 'monthly') return `${date.slice(0, 8)}01`;
  if (cadence !== 'weekly') return date;
  // getUTCDay: Sunday 0 ... Saturday 6; ISO weeks start on Monday.
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day.toISOString().slice(0, 10);
}

/** The storage descriptor's format parts, from the query format. */
function storage(): Pick<NonNullable<TableInput['StorageDescriptor']>, 'InputFormat' | 'OutputFormat' | 'Compressed' | 'SerdeInfo'> {
  const { glue } = QUERY_FORMAT;
  return {
    InputFormat: glue.inputFormat,
    OutputFormat: glue.outputFormat,
    Compressed: false,
    SerdeInfo: { SerializationLibrary: glue.serializationLibrary, Parameters: { ...glue.serdeParameters } },
  };
}

/** The full definition of a new table with the lake's columns. */
export function newTableInput(table: TableDefinition, where: TableLocation): TableInput {
  const dataset = datasetOfTable(table);
  const spec = specOf(dataset.source);
  const location = tableLocation(where.lakeUri, dataset);
  const hidden = hiddenColumns(table, where);
  return {
    Name: tableName(dataset),
    Description: `Docker ${dataset.source} ${dataset.name} (${dataset.cadence}), one row per CSV row; columns follow the source's own.`,
    TableType: 'EXTERNAL_TABLE',
    Parameters: {
      EXTERNAL: 'TRUE',
      classification: QUERY_FORMAT.glue.classification,
      typeOfData: 'file',
      [MANAGED_BY_PARAMETER]: MANAGED_BY,
      ...projectionParameters(dataset, location, where.scopes[dataset.source] ?? [], where.firstPeriod),
    },
    PartitionKeys: [
      { Name: spec.scopeKey, Type: 'string', Comment: `Docker ${spec.words.scope}` },
      { Name: spec.periodColumn, Type: 'date', Comment: `First day of the period (the path says ${spec.periodKey}=)` },
    ],
    StorageDescriptor: { Columns: table.columns.map((column) => glueColumn(column, hidden.has(column.name))), Location: location, ...storage() },
  };
}

export function glueColumn(column: TableColumn, pseudonymized = false): Column {
  const comment = withPseudonymizedNote(column.description, pseudonymized);
  return { Name: column.name, Type: GLUE_TYPES[column.type], ...(comment ? { Comment: comment } : {}) };
}

/** A comment with the pseudonymisation note in front, or without it; the rest (the source's description, or yours) kept. */
export function withPseudonymizedNote(comment: string | undefined, pseudonymized: boolean): string | undefined {
  let text = comment?.trim() ?? '';
  if (text.startsWith(PSEUDONYMIZED_NOTE)) text = text.slice(PSEUDONYMIZED_NOTE.length).trim();
  if (pseudonymized) text = `${PSEUDONYMIZED_NOTE} ${text}`.trim();
  return text === '' ? undefined : text.slice(0, 255);
}

function hiddenColumns(table: TableDefinition, where: TableLocation): Set<string> {
  return new Set(pseudonymizedColumns(table.columns, where.pseudonymized ?? []));
}

/** An existing table's columns as the lake's column planner sees them. */
export function tableColumnsOf(table: Table): TableColumn[] {
  return (table.StorageDescriptor?.Columns ?? []).map((column) => ({ name: column.Name ?? '', type: lakeTypeOfGlue(column.Type) }));
}

/** What bringing a table in step changed, for the log. */
export interface TableUpdate {
  readonly input: TableInput;
  readonly addedColumns: readonly string[];
  /** The table was read another way (gzip JSON Lines) and now reads Parquet. */
  readonly switchedFormat: boolean;
  readonly addedScopes: readonly string[];
  /** Columns whose comment now says they are pseudonymised, or no longer does. */
  readonly recommentedColumns: readonly string[];
}

/**
 * The definition to write back after reading `table`: everything it had
 * (projection, parameters and columns people added), plus the lake's columns
 * it lacks (at the end), the query format's storage if it had another (the
 * first lakes' JSON SerDe is replaced, not copied), and any configured scope
 * missing from the projection's enum. Undefined when nothing would change, so
 * no UpdateTable (and no archived version) is spent.
 */
export function updatedTableInput(table: Table, definition: TableDefinition, where: TableLocation): TableUpdate | undefined {
  const dataset = datasetOfTable(definition);
  const { scopeKey } = specOf(dataset.source);
  const existing = new Set((table.StorageDescriptor?.Columns ?? []).map((column) => column.Name));
  const hidden = hiddenColumns(definition, where);
  const added = definition.columns.filter((column) => !existing.has(column.name)).map((column) => glueColumn(column, hidden.has(column.name)));
  // Only the lake's own columns are told of pseudonymisation; columns people added keep their comments.
  const lakeColumns = new Set(definition.columns.map((column) => column.name));
  const recommented: string[] = [];
  const columns = (table.StorageDescriptor?.Columns ?? []).map((column) => {
    if (!column.Name || !lakeColumns.has(column.Name)) return column;
    const comment = withPseudonymizedNote(column.Comment, hidden.has(column.Name));
    if ((comment ?? '') === (column.Comment?.trim() ?? '')) return column;
    recommented.push(column.Name);
    const { Comment: _old, ...rest } = column;
    return comment ? { ...rest, Comment: comment } : rest;
  });
  const parameters = { ...(table.Parameters ?? {}) };
  const valuesKey = `projection.${scopeKey}.values`;
  const known = (parameters[valuesKey] ?? '').split(',').filter((scope) => scope !== '');
  const addedScopes = (where.scopes[dataset.source] ?? []).filter((scope) => !known.includes(scope));
  const descriptor = table.StorageDescriptor ?? {};
  const switchedFormat = descriptor.SerdeInfo?.SerializationLibrary !== QUERY_FORMAT.glue.serializationLibrary;
  if (added.length === 0 && addedScopes.length === 0 && !switchedFormat && recommented.length === 0) return undefined;
  if (addedScopes.length > 0) parameters[valuesKey] = [...known, ...addedScopes].join(',');
  if (switchedFormat) {
    parameters.classification = QUERY_FORMAT.glue.classification;
    delete parameters.compressionType;
  }
  return {
    input: {
      Name: table.Name,
      Description: table.Description,
      Owner: table.Owner,
      Retention: table.Retention,
      TableType: table.TableType,
      Parameters: parameters,
      PartitionKeys: table.PartitionKeys,
      StorageDescriptor: {
        ...descriptor,
        ...(switchedFormat ? storage() : {}),
        Columns: [...columns, ...added],
      },
    },
    addedColumns: added.map((column) => column.Name!),
    switchedFormat,
    addedScopes,
    recommentedColumns: recommented,
  };
}
