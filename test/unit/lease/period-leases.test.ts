import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LeaseLostError, PeriodBusyError } from '../../../shared/errors.js';
import { leaseKey } from '../../../shared/lake/layout.js';
import { PeriodLeases } from '../../../shared/lease/index.js';
import { FsSink } from '../../../shared/sinks/fs-sink.js';
import type { PeriodRef } from '../../../shared/sources/index.js';
import { startConditionalS3 } from '../../support/conditional-s3.js';
import { S3Sink } from '../../../shared/sinks/s3-sink.js';
import { deadPid } from '../../support/dead-pid.js';
import { tempDir } from '../../support/temp-dir.js';

const REF: PeriodRef = { source: 'enterprise', scope: 'acme', name: 'usage_pulls', cadence: 'daily', period: '2026-06-16' };

/** A lease record as another run would have written it. */
const foreignLease = (holder: { host: string; pid: number }, expiresAt: Date) =>
  JSON.stringify({ holder, token: 'other', period: 'usage_pulls daily 2026-06-16 of acme', acquired_at: new Date(0).toISOString(), expires_at: expiresAt.toISOString() });

describe('Class: PeriodLeases', () => {
  let lake: { path: string; remove: () => Promise<void> };
  let sink: FsSink;
  let exited: number;

  beforeAll(async () => {
    exited = await deadPid();
  });

  beforeEach(async () => {
    lake = await tempDir('leases');
    sink = new FsSink(lake.path);
  });

  afterEach(async () => {
    await lake.remove();
  });

  describe('Method: hold', () => {
    it('runs the work with the lease held and removes the lease after', async () => {
      // Prepare
      const leases = new PeriodLeases(sink);
      let seen: string | undefined;

      // Act
      const result = await leases.hold(REF, async () => {
        seen = (await sink.readVersioned(leaseKey(REF)))?.text;
        return 42;
      });

      // Assess
      expect(result).toBe(42);
      expect(JSON.parse(seen!)).toMatchObject({ holder: { host: hostname(), pid: process.pid }, period: expect.stringContaining('2026-06-16') });
      expect(await sink.readVersioned(leaseKey(REF))).toBeUndefined();
    });

    it('removes the lease when the work fails, and passes the failure on', async () => {
      // Act
      const failed = new PeriodLeases(sink).hold(REF, async () => {
        throw new Error('download broke');
      });

      // Assess
      await expect(failed).rejects.toThrow('download broke');
      expect(await sink.readVersioned(leaseKey(REF))).toBeUndefined();
    });

    it('makes a second run wait for the first: their work never overlaps', async () => {
      // Prepare
      const order: string[] = [];
      const work = (name: string) => async () => {
        order.push(`${name} starts`);
        await sleep(150);
        order.push(`${name} ends`);
      };

      // Act
      await Promise.all([new PeriodLeases(sink, { pollMs: 20 }).hold(REF, work('a')), new PeriodLeases(sink, { pollMs: 20 }).hold(REF, work('b'))]);

      // Assess
      expect(order).toHaveLength(4);
      expect(order[1]).toBe(`${order[0]!.split(' ')[0]} ends`);
    });

    it('tells a waiting run who holds the period, then calls it busy once the wait is over', async () => {
      // Prepare
      await sink.createIfAbsent(leaseKey(REF), foreignLease({ host: 'builder-7', pid: 4242 }, new Date(Date.now() + 60_000)));
      const waits: string[] = [];
      const leases = new PeriodLeases(sink, { waitMs: 100, pollMs: 20, onWait: (_ref, holder) => waits.push(`${holder.host}:${holder.pid}`) });

      // Act
      const held = leases.hold(REF, async () => 'landed');

      // Assess
      await expect(held).rejects.toThrow(PeriodBusyError);
      await expect(held).rejects.toThrow(/being landed by another run \(builder-7, pid 4242/);
      expect(waits).toEqual(['builder-7:4242']);
    });

    it('takes over an expired lease at once (its run died)', async () => {
      // Prepare
      await sink.createIfAbsent(leaseKey(REF), foreignLease({ host: 'builder-7', pid: 4242 }, new Date(Date.now() - 1)));

      // Act
      const result = await new PeriodLeases(sink, { waitMs: 0 }).hold(REF, async () => 'landed');

      // Assess
      expect(result).toBe('landed');
    });

    it("takes over a lease of this host's process that no longer runs only where asked to", async () => {
      // Prepare
      await sink.createIfAbsent(leaseKey(REF), foreignLease({ host: hostname(), pid: exited }, new Date(Date.now() + 60_000)));

      // Act
      const strict = await new PeriodLeases(sink, { waitMs: 50, pollMs: 10 }).hold(REF, async () => 'landed').catch((error: unknown) => error);
      const reclaiming = await new PeriodLeases(sink, { waitMs: 0, reclaimFromDeadProcesses: true }).hold(REF, async () => 'landed');

      // Assess
      expect(strict).toBeInstanceOf(PeriodBusyError);
      expect(reclaiming).toBe('landed');
    });

    it('keeps a long landing leased by renewing it', async () => {
      // Prepare: a lease of 150 ms, a landing of 500 ms.
      const leases = new PeriodLeases(sink, { ttlMs: 150 });

      // Act
      const outcome = await leases.hold(REF, async (lease) => {
        await sleep(500);
        const other = await new PeriodLeases(sink, { waitMs: 0 }).hold(REF, async () => 'taken').catch((error: unknown) => error);
        await lease.confirm();
        return other;
      });

      // Assess
      expect(outcome).toBeInstanceOf(PeriodBusyError);
    });
  });

  describe('Method: confirm', () => {
    it('throws LeaseLostError once another run took the lease over', async () => {
      // Act
      const held = new PeriodLeases(sink, { ttlMs: 60_000 }).hold(REF, async (lease) => {
        const current = (await sink.readVersioned(leaseKey(REF)))!;
        await sink.replaceIfVersion(leaseKey(REF), foreignLease({ host: 'builder-7', pid: 4242 }, new Date(Date.now() + 60_000)), current.version);
        await lease.confirm();
      });

      // Assess: and the other run's lease is left alone.
      await expect(held).rejects.toThrow(LeaseLostError);
      expect(JSON.parse((await sink.readVersioned(leaseKey(REF)))!.text)).toMatchObject({ holder: { host: 'builder-7' } });
    });
  });

  describe('over S3 conditional writes', () => {
    it('lets one of two runs land at a time', async () => {
      // Prepare
      const s3 = await startConditionalS3();
      try {
        const bucket = await s3.createBucket();
        const leases = () => new PeriodLeases(new S3Sink({ client: s3.client, bucket, prefix: 'lake' }), { pollMs: 20 });
        let inside = 0;
        let most = 0;
        const work = async () => {
          inside += 1;
          most = Math.max(most, inside);
          await sleep(100);
          inside -= 1;
        };

        // Act
        await Promise.all([leases().hold(REF, work), leases().hold(REF, work), leases().hold(REF, work)]);

        // Assess
        expect(most).toBe(1);
      } finally {
        await s3.close();
      }
    });
  });
});
