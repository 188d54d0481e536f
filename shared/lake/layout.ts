import type { DatasetRef, PeriodRef, ScopedDataset, SourceId } from '../sources/model.js';
import { SOURCE_IDS } from '../sources/model.js';
import { specOf } from '../sources/source-specs.js';

/**
 * Where everything lives in the lake, relative to the destination's root
 * (a folder, or `s3://bucket/prefix`). See DESIGN.md, "The lake".
 *
 * {source}/{name}/{cadence}/{scope}={s}/{period}={p}/{file}                       audit copy, byte for byte
 * {source}/{name}/{cadence}/{scope}={s}/{period}={p}/_manifest.json               written last
 * query/{source}/{name}/{cadence}/{scope}={s}/{period}={p}/{name}_{cadence}_{p}.parquet  what Athena and DuckDB read
 * query/{source}/{name}/{cadence}/_table.json                                      the table's columns
 *
 * For the Enterprise source that is `enterprise/usage_pulls/daily/org=acme/date=2026-06-16/...`.
 */
export const QUERY_ROOT = 'query';
export const MANIFEST_FILE = '_manifest.json';
export const TABLE_FILE = '_table.json';

/** Everything landed for one scope's dataset. */
export function auditScopeFolder(dataset: ScopedDataset): string {
  const spec = specOf(dataset.source);
  return `${spec.root}/${dataset.name}/${dataset.cadence}/${spec.scopeKey}=${dataset.scope}/`;
}

export function auditPeriodFolder(ref: PeriodRef): string {
  return `${auditScopeFolder(ref)}${periodFolderName(ref.source, ref.period)}`;
}

/** A period's folder below a scope folder, alike in the audit and query trees: `date=2026-06-16/`. */
export function periodFolderName(source: SourceId, period: string): string {
  return `${specOf(source).periodKey}=${period}/`;
}

/** The audit copy of a period's file `index`, kept as served (`gzip` when its bytes are). */
export function auditFileKey(ref: PeriodRef, index: number, gzip = false): string {
  return `${auditPeriodFolder(ref)}${specOf(ref.source).auditFileName(ref, index, gzip)}`;
}

export function manifestKey(ref: PeriodRef): string {
  return `${auditPeriodFolder(ref)}${MANIFEST_FILE}`;
}

/** The table folder of a dataset: what Glue's location and DuckDB's view point at. */
export function queryTableFolder(dataset: DatasetRef): string {
  return `${QUERY_ROOT}/${specOf(dataset.source).root}/${dataset.name}/${dataset.cadence}/`;
}

/** A scope's partitions of a dataset's table. */
export function queryScopeFolder(dataset: ScopedDataset): string {
  return `${queryTableFolder(dataset)}${specOf(dataset.source).scopeKey}=${dataset.scope}/`;
}

/** One period's partition: it holds exactly one object, the period's query copy. */
export function queryPartitionFolder(ref: PeriodRef): string {
  return `${queryScopeFolder(ref)}${periodFolderName(ref.source, ref.period)}`;
}

/**
 * The query copy's key: fixed for a period, so a re-landing replaces the one
 * object rather than adding a second one that Athena would count as well.
 */
export function queryObjectKey(ref: PeriodRef, extension: string): string {
  return `${queryPartitionFolder(ref)}${ref.name}_${ref.cadence}_${ref.period}${extension}`;
}

export function tableDefinitionKey(dataset: DatasetRef): string {
  return `${queryTableFolder(dataset)}${TABLE_FILE}`;
}

/** Where the leases of periods being landed are: one small object per period, while a run lands it. */
export const LEASE_ROOT = '_leases';

/** The lease of a period: `_leases/enterprise/usage_pulls/daily/org=acme/date=2026-06-16.json`. */
export function leaseKey(ref: PeriodRef): string {
  return `${LEASE_ROOT}/${auditPeriodFolder(ref).replace(/\/$/, '')}.json`;
}

/** The lake's top folders: each source's audit tree, the query tree and the leases. What the stack grants and expires. */
export const LAKE_TREES: readonly string[] = [...SOURCE_IDS.map((source) => specOf(source).root), QUERY_ROOT, LEASE_ROOT];

/** The query tree of a source, where its table folders are. */
export function querySourceFolder(source: SourceId): string {
  return `${QUERY_ROOT}/${specOf(source).root}/`;
}

const DATE = '(\\d{4}-\\d{2}-\\d{2})';

/**
 * Splits a key below a scope folder ({@link auditScopeFolder} or
 * {@link queryScopeFolder}) into its period and file name.
 */
export function parsePeriodFileKey(source: SourceId, relativeKey: string): { period: string; file: string } | undefined {
  const match = new RegExp(`^${specOf(source).periodKey}=${DATE}/([^/]+)$`).exec(relativeKey);
  return match ? { period: match[1]!, file: match[2]! } : undefined;
}

/** The dataset of a `query/{source}/{name}/{cadence}/_table.json` key, if it is one. */
export function parseTableDefinitionKey(key: string): DatasetRef | undefined {
  for (const source of SOURCE_IDS) {
    const prefix = querySourceFolder(source);
    if (!key.startsWith(prefix)) continue;
    const match = /^([a-z0-9][a-z0-9_-]*)\/([a-z0-9][a-z0-9_-]*)\/_table\.json$/.exec(key.slice(prefix.length));
    if (match) return { source, name: match[1]!, cadence: match[2]! };
  }
  return undefined;
}

/**
 * Landing events EventBridge has not accepted yet, one small object per
 * landing (shared/aws/event-outbox.ts). Not data: nothing that reads the
 * lake looks here, and the leading `_` keeps it apart from any source's root.
 */
export const OUTBOX_ROOT = '_outbox';

/**
 * Every top folder the stack's functions read, write and delete in, and
 * expires: the lake's trees and the outbox (an event about a report that has
 * expired names objects that are gone, so it goes with them).
 */
export const STACK_TREES: readonly string[] = [...LAKE_TREES, OUTBOX_ROOT];

/** A period's pending events, named like its audit folder: `_outbox/enterprise/usage_pulls/daily/org=acme/date=2026-06-16/`. */
export function outboxPeriodFolder(ref: PeriodRef): string {
  return `${OUTBOX_ROOT}/${auditPeriodFolder(ref)}`;
}

/** One pending event of a period; `name` is unique per landing and starts with when it was held, so names sort oldest first. */
export function outboxEntryKey(ref: PeriodRef, name: string): string {
  return `${outboxPeriodFolder(ref)}${name}.json`;
}
