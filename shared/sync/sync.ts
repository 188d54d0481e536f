import pLimit from 'p-limit';
import type { EnterpriseClient } from '../docker/enterprise-client.js';
import { describeReport } from '../docker/payloads.js';
import { isAuthError, messageOf } from '../errors.js';
import type { LandedReport, LandingDeps } from '../landing/land-report.js';
import type { TableCatalog } from '../lake/table-catalog.js';
import type { LakeSink } from '../sinks/lake-sink.js';
import { landItem } from './land-item.js';
import { planOrg, type SyncSelection, type WorkItem } from './plan.js';
import type { SyncEvent, SyncFailure, SyncSummary } from './sync-events.js';

export interface SyncOptions extends SyncSelection {
  readonly orgs: readonly string[];
  /** Reports landed at once, across all orgs. @default 4 */
  readonly concurrency?: number;
}

export interface SyncDeps {
  readonly clientFor: (org: string) => EnterpriseClient;
  readonly sink: LakeSink;
  readonly catalog: TableCatalog;
  readonly now: () => Date;
  /** Longest silence in a download before it is given up. @default 60 000 */
  readonly idleTimeoutMs?: number;
  readonly onEvent?: (event: SyncEvent) => void;
  /**
   * Awaited after each landing, before the report counts as landed (the stack
   * publishes its EventBridge event here). If it throws, the report is failed.
   */
  readonly afterLanding?: (landed: LandedReport) => Promise<void>;
}

export const DEFAULT_CONCURRENCY = 4;

/**
 * The sync: for each org, discover every report type and cadence, list every
 * report (or those selected), and land whatever the lake does not hold or holds
 * at another upstream size, a bounded number at a time. Failures are collected,
 * never thrown: one bad report does not stop the others.
 */
export async function syncLake(options: SyncOptions, deps: SyncDeps): Promise<SyncSummary> {
  const emit = deps.onEvent ?? (() => undefined);
  const landed: LandedReport[] = [];
  const failed: SyncFailure[] = [];
  let skipped = 0;
  const fail = (failure: SyncFailure) => {
    failed.push(failure);
    emit({ kind: 'failed', failure });
  };

  const removed = await deps.sink.prepare();
  if (removed > 0) emit({ kind: 'notice', message: `removed ${removed} unfinished file(s) an interrupted run left behind.` });

  const limit = pLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
  /** Orgs whose credentials Docker refused mid-run: their other reports are not tried. */
  const refused = new Map<string, string>();
  const land = async (item: WorkItem) => {
    const ref = { org: item.org, type: item.report.ReportType, cadence: item.report.Cadence, date: item.report.Date };
    const blocked = refused.get(item.org);
    if (blocked) {
      fail({ ...ref, reason: blocked, auth: true });
      return;
    }
    emit({ kind: 'landing', ref, bytes: item.report.SizeBytes });
    try {
      const result = await landItem(item, landingDeps(deps, item.org, emit));
      await deps.afterLanding?.(result);
      landed.push(result);
      emit({ kind: 'landed', landed: result });
    } catch (error) {
      if (isAuthError(error)) refused.set(item.org, messageOf(error));
      fail({ ...ref, reason: messageOf(error), auth: isAuthError(error) });
    }
  };

  await Promise.all(
    options.orgs.map(async (org) => {
      const tasks: Promise<void>[] = [];
      const plan = planOrg(deps.clientFor(org), deps.sink, options, {
        onEvent: emit,
        onFailure: fail,
        onSkipped: (count) => {
          skipped += count;
        },
      });
      for await (const item of plan) {
        emit({ kind: 'queued', item });
        tasks.push(limit(() => land(item)));
      }
      await Promise.all(tasks);
    }),
  );
  return { landed, skipped, failed };
}

function landingDeps(deps: SyncDeps, org: string, emit: (event: SyncEvent) => void): LandingDeps {
  return {
    client: deps.clientFor(org),
    sink: deps.sink,
    catalog: deps.catalog,
    now: deps.now,
    idleTimeoutMs: deps.idleTimeoutMs ?? 60_000,
    onBytes: (count) => emit({ kind: 'bytes', count }),
    onRetry: (ref, attempt, reason) =>
      emit({ kind: 'retry', what: `landing ${describeReport(ref)}`, attempt, reason }),
  };
}
