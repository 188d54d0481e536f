import type { LandedPeriod } from '../landing/landing-deps.js';
import type { PeriodRef, ScopedDataset, SourceId } from '../sources/model.js';
import type { WorkItem } from './work-item.js';

/** What a sync reports while it runs; the CLI draws progress from it, the Lambdas log it. */
export type SyncEvent =
  | {
      readonly kind: 'planned';
      readonly dataset: ScopedDataset;
      readonly toLand: number;
      readonly toLandBytes: number;
      readonly alreadyLanded: number;
      /** Landed periods whose query copy is rebuilt from their audit files. */
      readonly toRebuild: number;
    }
  | { readonly kind: 'queued'; readonly item: WorkItem }
  | { readonly kind: 'landing'; readonly ref: PeriodRef; readonly bytes: number }
  /** Bytes received; negative for those of an attempt that was discarded, so a sum is what was kept. */
  | { readonly kind: 'bytes'; readonly count: number }
  | { readonly kind: 'landed'; readonly landed: LandedPeriod }
  | { readonly kind: 'failed'; readonly failure: SyncFailure }
  | { readonly kind: 'retry'; readonly what: string; readonly attempt: number; readonly reason: string; readonly delayMs?: number }
  | { readonly kind: 'notice'; readonly message: string };

/** Something that could not be landed or listed, and why. */
export interface SyncFailure {
  readonly source: SourceId;
  readonly scope: string;
  readonly dataset?: string;
  readonly cadence?: string;
  readonly period?: string;
  readonly reason: string;
  /** The source refused the credentials or the permission: the CLI's exit code 3. */
  readonly auth: boolean;
}

export interface SyncSummary {
  /** Periods landed or replaced. */
  readonly landed: LandedPeriod[];
  /** Landed periods whose query copy was rebuilt. */
  readonly rebuilt: LandedPeriod[];
  /** Periods listed upstream that the lake already held unchanged. */
  readonly skipped: number;
  readonly failed: SyncFailure[];
}

/** `acme/usage_pulls/daily/2026-06-16: <reason>`, without saying the place twice. */
export function describeFailure(failure: SyncFailure): string {
  const where = [failure.scope, failure.dataset, failure.cadence, failure.period].filter(Boolean).join('/');
  return failure.reason.includes(where) ? failure.reason : `${where}: ${failure.reason}`;
}

export function failureOf(ref: PeriodRef, reason: string, auth: boolean): SyncFailure {
  return { source: ref.source, scope: ref.scope, dataset: ref.name, cadence: ref.cadence, period: ref.period, reason, auth };
}
