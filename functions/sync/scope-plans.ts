import type { EnterpriseClient } from '../../shared/docker/enterprise-client.js';
import type { LakeSink } from '../../shared/sinks/lake-sink.js';
import { planOrg, type SyncSelection, type WorkItem } from '../../shared/sync/plan.js';
import type { SyncEvent, SyncFailure } from '../../shared/sync/sync-events.js';

/** Everything one org has to land, found before anything is landed. */
export interface OrgPlan {
  readonly org: string;
  readonly items: WorkItem[];
  readonly bytes: number;
  /** Reports the lake already holds unchanged. */
  readonly skipped: number;
  /** Types, cadences or the whole org that could not be listed. */
  readonly failures: SyncFailure[];
}

export interface PlanDeps {
  readonly clientFor: (org: string) => EnterpriseClient;
  readonly sink: LakeSink;
  readonly onEvent: (event: SyncEvent) => void;
}

/** Lists what each org offers against what the lake holds (the engine's planOrg), orgs side by side. */
export async function planOrgs(orgs: readonly string[], selection: SyncSelection, deps: PlanDeps): Promise<OrgPlan[]> {
  return Promise.all(
    orgs.map(async (org) => {
      const items: WorkItem[] = [];
      const failures: SyncFailure[] = [];
      let skipped = 0;
      const plan = planOrg(deps.clientFor(org), deps.sink, selection, {
        onEvent: deps.onEvent,
        onFailure: (failure) => failures.push(failure),
        onSkipped: (count) => {
          skipped += count;
        },
      });
      for await (const item of plan) items.push(item);
      const bytes = items.reduce((sum, item) => sum + item.report.SizeBytes, 0);
      return { org, items, bytes, skipped, failures };
    }),
  );
}

export interface FanOutLimits {
  /** More reports than this go to the queue. */
  readonly aboveReports: number;
  /** More bytes than this go to the queue. */
  readonly aboveBytes: number;
}

export type Route = 'nothing' | 'inline' | 'queue';

/**
 * Where an org's plan is landed. A daily run finds a report or two per type:
 * landed here, in one invocation. A first backfill (30 days x every type) or a
 * plan whose bytes would not download within one invocation goes to the
 * queue, one message per report, landed by workers side by side.
 */
export function routeOf(plan: OrgPlan, mode: 'auto' | 'always' | 'never', limits: FanOutLimits): Route {
  if (plan.items.length === 0) return 'nothing';
  if (mode === 'always') return 'queue';
  if (mode === 'never') return 'inline';
  return plan.items.length > limits.aboveReports || plan.bytes > limits.aboveBytes ? 'queue' : 'inline';
}
