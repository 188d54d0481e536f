import { describeReport, type ReportRef } from '../docker/payloads.js';
import { ConfigError } from '../errors.js';
import type { LandedReport } from '../landing/land-report.js';
import { readHolding } from '../lake/holdings.js';
import { landItem } from '../sync/land-item.js';
import { decide, type WorkItem } from '../sync/plan.js';
import type { LakeRuntime } from './lake-runtime.js';
import { logLanded, type LogSink } from './sync-telemetry.js';

export type LandingOutcome = { readonly kind: 'landed'; readonly landed: LandedReport } | { readonly kind: 'skipped' };

/**
 * Lands one report in the stack's lake, unless the lake holds it unchanged by
 * now (a later sync, a duplicate message, another request), then announces it
 * on EventBridge. The land-report worker lands queued reports with it, the API
 * reports asked for before the schedule got to them. Throws when it cannot.
 */
export async function landAndAnnounce(
  item: WorkItem,
  orgs: readonly string[],
  runtime: LakeRuntime,
  log: LogSink,
): Promise<LandingOutcome> {
  if (!orgs.includes(item.org)) {
    throw new ConfigError(`A report of org ${item.org} was asked for, which this stack does not sync; it was not landed.`);
  }
  const ref: ReportRef = { org: item.org, type: item.report.ReportType, cadence: item.report.Cadence, date: item.report.Date };
  const decision = decide(item.report, await readHolding(runtime.sink, ref));
  if (decision === 'skip') {
    log.info('already landed; nothing to do', { report: describeReport(ref) });
    return { kind: 'skipped' };
  }
  const landed = await landItem(
    { ...item, replace: decision === 'replace' },
    {
      client: runtime.clientFor(item.org),
      sink: runtime.sink,
      catalog: runtime.catalog,
      now: runtime.now,
      idleTimeoutMs: 60_000,
      onRetry: (retried, attempt, reason) => log.warn('retrying', { what: `landing ${describeReport(retried)}`, attempt, reason }),
    },
  );
  await runtime.events.publish(landed);
  logLanded(log, landed);
  return { kind: 'landed', landed };
}
