import type { ReportRef } from '../docker/payloads.js';
import type { LandedReport } from '../landing/land-report.js';
import type { WorkItem } from './plan.js';

/** What a sync reports while it runs; the CLI draws progress from it, the Lambdas log it. */
export type SyncEvent =
  | { readonly kind: 'planned'; readonly org: string; readonly type: string; readonly cadence: string; readonly toLand: number; readonly toLandBytes: number; readonly alreadyLanded: number }
  | { readonly kind: 'queued'; readonly item: WorkItem }
  | { readonly kind: 'landing'; readonly ref: ReportRef; readonly bytes: number }
  /** Bytes received; negative for those of an attempt that was discarded, so a sum is what was kept. */
  | { readonly kind: 'bytes'; readonly count: number }
  | { readonly kind: 'landed'; readonly landed: LandedReport }
  | { readonly kind: 'failed'; readonly failure: SyncFailure }
  | { readonly kind: 'retry'; readonly what: string; readonly attempt: number; readonly reason: string; readonly delayMs?: number }
  | { readonly kind: 'notice'; readonly message: string };

/** Something that could not be landed or listed, and why. */
export interface SyncFailure {
  readonly org: string;
  readonly type?: string;
  readonly cadence?: string;
  readonly date?: string;
  readonly reason: string;
  /** Docker refused the credentials or the permission: the CLI's exit code 3. */
  readonly auth: boolean;
}

export interface SyncSummary {
  readonly landed: LandedReport[];
  /** Reports listed upstream that the lake already held unchanged. */
  readonly skipped: number;
  readonly failed: SyncFailure[];
}
