import type { LakeRuntime } from '../../shared/aws/lake-runtime.js';
import { logLanded, type LogSink } from '../../shared/aws/sync-telemetry.js';
import { describeReport, type ReportRef } from '../../shared/docker/payloads.js';
import { ConfigError } from '../../shared/errors.js';
import type { LandedReport } from '../../shared/landing/land-report.js';
import { decide, type WorkItem } from '../../shared/sync/plan.js';
import { landItem } from '../../shared/sync/land-item.js';
import { currentHolding } from './current-holding.js';

export type QueuedOutcome = { readonly kind: 'landed'; readonly landed: LandedReport } | { readonly kind: 'skipped' };

/**
 * Lands one report the sync queued, unless the lake holds it unchanged by now,
 * then announces it on EventBridge. Throws when it cannot: the message then
 * comes back (and, after the queue's last try, goes to the dead-letter queue).
 */
export async function landQueuedReport(
  item: WorkItem,
  orgs: readonly string[],
  runtime: LakeRuntime,
  log: LogSink,
): Promise<QueuedOutcome> {
  if (!orgs.includes(item.org)) {
    throw new ConfigError(`A queued report names org ${item.org}, which this stack does not sync; it was not landed.`);
  }
  const ref: ReportRef = { org: item.org, type: item.report.ReportType, cadence: item.report.Cadence, date: item.report.Date };
  const decision = decide(item.report, await currentHolding(runtime.sink, ref));
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
