import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { LeaseLostError, PeriodBusyError } from '../errors.js';
import { leaseKey } from '../lake/layout.js';
import type { LakeSink } from '../sinks/lake-sink.js';
import { describePeriod, type PeriodRef } from '../sources/model.js';

/** Who holds a lease: for people reading a busy message, and to know our own. */
export interface LeaseHolder {
  readonly host: string;
  readonly pid: number;
}

const LeaseRecord = z.object({
  holder: z.object({ host: z.string(), pid: z.number() }),
  /** Random per acquisition: two runs of one host and pid (a warm Lambda) are still told apart. */
  token: z.string(),
  period: z.string(),
  acquired_at: z.string(),
  expires_at: z.string(),
});
type LeaseRecord = z.infer<typeof LeaseRecord>;

export interface PeriodLeaseOptions {
  /** How long a lease lasts unless renewed; a run that dies holds the period no longer than this. @default 60 000 */
  readonly ttlMs?: number;
  /** How long a run waits for another run's landing of a period before calling it busy. @default 600 000 */
  readonly waitMs?: number;
  /** How often a waiting run looks again. @default 1 000 */
  readonly pollMs?: number;
  /** Told once per period when this run starts waiting for another. */
  readonly onWait?: (ref: PeriodRef, holder: LeaseHolder, until: Date) => void;
  readonly now?: () => Date;
  readonly holder?: LeaseHolder;
  /**
   * Takes over at once a lease whose holder is a process of this host that no
   * longer runs (a killed CLI), rather than waiting for it to expire. Only
   * where host names tell machines apart: not in Lambda, whose execution
   * environments may share a host name and a pid. @default false
   */
  readonly reclaimFromDeadProcesses?: boolean;
}

/** A lease this run holds while it lands a period. */
export interface HeldLease {
  /**
   * Renews the lease now and throws {@link LeaseLostError} if it was lost:
   * called right before the manifest, which is what makes a landing count.
   */
  confirm(): Promise<void>;
}

/**
 * One landing of a period at a time, across processes and hosts sharing the
 * lake: a lease object per period, created only if absent and renewed or
 * taken over only by compare-and-swap (a folder lake: link and a guarded
 * rename; S3: `If-None-Match: *` and `If-Match`). A run that finds a period
 * leased waits (bounded), and an expired lease (its run died) is taken over.
 * Leases keep runs from doing the same work twice; the lake's fixed keys keep
 * the counts exact even without them.
 */
export class PeriodLeases {
  private readonly ttlMs: number;
  private readonly waitMs: number;
  private readonly pollMs: number;
  private readonly now: () => Date;
  private readonly holder: LeaseHolder;

  constructor(
    private readonly sink: LakeSink,
    private readonly options: PeriodLeaseOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.waitMs = options.waitMs ?? 600_000;
    this.pollMs = options.pollMs ?? 1_000;
    this.now = options.now ?? (() => new Date());
    this.holder = options.holder ?? { host: hostname(), pid: process.pid };
  }

  /**
   * Runs `work` while holding the period's lease, renewed in the background,
   * and releases it after. Throws {@link PeriodBusyError} when another run
   * held it for longer than the wait.
   */
  async hold<T>(ref: PeriodRef, work: (lease: HeldLease) => Promise<T>, options: { readonly onWait?: () => void } = {}): Promise<T> {
    const lease = await this.acquire(ref, options.onWait);
    try {
      return await work(lease);
    } finally {
      await lease.release();
    }
  }

  private async acquire(ref: PeriodRef, onWait: (() => void) | undefined): Promise<Lease> {
    const key = leaseKey(ref);
    const deadline = this.now().getTime() + this.waitMs;
    let told = false;
    for (;;) {
      const record = this.record(ref);
      const created = await this.sink.createIfAbsent(key, JSON.stringify(record));
      if (created !== undefined) return this.started(key, ref, record, created);
      const current = await this.sink.readVersioned(key);
      if (!current) continue;
      const other = parseRecord(current.text);
      if (!other || Date.parse(other.expires_at) <= this.now().getTime() || this.isDeadLocalHolder(other.holder)) {
        const taken = await this.sink.replaceIfVersion(key, JSON.stringify(record), current.version);
        if (taken !== undefined) return this.started(key, ref, record, taken);
        continue;
      }
      if (this.now().getTime() >= deadline) {
        throw new PeriodBusyError(
          `${describePeriod(ref)} is being landed by another run (${other.holder.host}, pid ${other.holder.pid}, lease until ${other.expires_at}); ` +
            'it was left to that run. Run again later if it does not land.',
        );
      }
      if (!told) {
        told = true;
        this.options.onWait?.(ref, other.holder, new Date(other.expires_at));
        onWait?.();
      }
      await sleep(this.pollMs);
    }
  }

  private isDeadLocalHolder(holder: LeaseHolder): boolean {
    if (!this.options.reclaimFromDeadProcesses || holder.host !== this.holder.host || holder.pid === process.pid) return false;
    try {
      process.kill(holder.pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }

  private record(ref: PeriodRef, token = randomBytes(12).toString('hex')): LeaseRecord {
    const now = this.now();
    return {
      holder: { host: this.holder.host, pid: this.holder.pid },
      token,
      period: describePeriod(ref),
      acquired_at: now.toISOString(),
      expires_at: new Date(now.getTime() + this.ttlMs).toISOString(),
    };
  }

  private started(key: string, ref: PeriodRef, record: LeaseRecord, version: string): Lease {
    return new Lease(this.sink, key, ref, version, this.ttlMs, () => this.record(ref, record.token), this.now);
  }
}

/** A held lease: renewed every third of its life until released; lost once a renewal finds it taken. */
class Lease implements HeldLease {
  private lost: Error | undefined;
  private renewing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private expiresAt: number;

  constructor(
    private readonly sink: LakeSink,
    private readonly key: string,
    private readonly ref: PeriodRef,
    private version: string,
    ttlMs: number,
    private readonly fresh: () => LeaseRecord,
    private readonly now: () => Date,
  ) {
    this.expiresAt = now().getTime() + ttlMs;
    this.timer = setInterval(() => {
      void this.renew().catch(() => undefined);
    }, Math.max(1, Math.floor(ttlMs / 3)));
    // A lease never keeps the process alive on its own.
    this.timer.unref();
  }

  async confirm(): Promise<void> {
    await this.renew();
    if (this.lost) throw this.lost;
  }

  /** Renewals run one at a time; a failed request is tried again at the next tick, until the lease would have expired. */
  private renew(): Promise<void> {
    this.renewing = this.renewing.then(async () => {
      if (this.lost) return;
      try {
        const record = this.fresh();
        const version = await this.sink.replaceIfVersion(this.key, JSON.stringify(record), this.version);
        if (version === undefined) {
          this.lost = new LeaseLostError(`${describePeriod(this.ref)}: another run took over this landing's lease; this landing stopped before its manifest.`);
          return;
        }
        this.version = version;
        this.expiresAt = Date.parse(record.expires_at);
      } catch (error) {
        if (this.now().getTime() >= this.expiresAt) {
          this.lost = new LeaseLostError(`${describePeriod(this.ref)}: the lease could not be renewed before it expired; this landing stopped before its manifest.`, {
            cause: error,
          });
        }
      }
    });
    return this.renewing;
  }

  /** Stops renewing and deletes the lease if it is still ours. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
    if (this.lost) return;
    const current = await this.sink.readVersioned(this.key).catch(() => undefined);
    if (current?.version === this.version) await this.sink.delete(this.key).catch(() => undefined);
  }
}

function parseRecord(text: string): LeaseRecord | undefined {
  try {
    const parsed = LeaseRecord.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
