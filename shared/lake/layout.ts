import type { ReportRef } from '../docker/payloads.js';

/**
 * Where everything lives in the lake, relative to the destination's root
 * (a folder, or `s3://bucket/prefix`). See DESIGN.md, "The lake".
 *
 * enterprise/{type}/{cadence}/org={org}/date={date}/{type}_{cadence}_{date}.csv   audit copy, byte for byte
 * enterprise/{type}/{cadence}/org={org}/date={date}/_manifest.json               written last
 * query/enterprise/{type}/{cadence}/org={org}/date={date}/part-{stamp}.json.gz    what Athena and DuckDB read
 * query/enterprise/{type}/{cadence}/_table.json                                  the table's columns
 */
export const AUDIT_ROOT = 'enterprise';
export const QUERY_ROOT = 'query/enterprise';
export const MANIFEST_FILE = '_manifest.json';
export const TABLE_FILE = '_table.json';

export function reportFolder(ref: ReportRef): string {
  return `${orgFolder(ref.type, ref.cadence, ref.org)}date=${ref.date}/`;
}

/** Everything landed for one org's type and cadence. */
export function orgFolder(type: string, cadence: string, org: string): string {
  return `${AUDIT_ROOT}/${type}/${cadence}/org=${org}/`;
}

export function csvKey(ref: ReportRef): string {
  return `${reportFolder(ref)}${ref.type}_${ref.cadence}_${ref.date}.csv`;
}

export function manifestKey(ref: ReportRef): string {
  return `${reportFolder(ref)}${MANIFEST_FILE}`;
}

/** The table folder of a type and cadence: what Glue's location and DuckDB's view point at. */
export function queryTableFolder(type: string, cadence: string): string {
  return `${QUERY_ROOT}/${type}/${cadence}/`;
}

export function tableDefinitionKey(type: string, cadence: string): string {
  return `${queryTableFolder(type, cadence)}${TABLE_FILE}`;
}

/**
 * The query copy's key. Each landing writes a new key (never rewriting an
 * object a running query may be reading); the stamp is the landing's time.
 */
export function queryCopyKey(ref: ReportRef, fetchedAt: Date): string {
  const stamp = fetchedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${queryTableFolder(ref.type, ref.cadence)}org=${ref.org}/date=${ref.date}/part-${stamp}.json.gz`;
}

/**
 * The table (Glue) and view (DuckDB) of a type and cadence: `{type}_{cadence}`,
 * '-' turned into '_' so SQL needs no quoting.
 */
export function tableName(type: string, cadence: string): string {
  return `${type}_${cadence}`.replace(/-/g, '_');
}

const REPORT_FILE_KEY = /^date=(\d{4}-\d{2}-\d{2})\/([^/]+)$/;

/** Splits a key below {@link orgFolder} into its report date and file name. */
export function parseReportFileKey(relativeKey: string): { date: string; file: string } | undefined {
  const match = REPORT_FILE_KEY.exec(relativeKey);
  return match ? { date: match[1]!, file: match[2]! } : undefined;
}
