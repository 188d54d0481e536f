import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventOutbox } from '../../../shared/aws/event-outbox.js';
import { ReportEvents, reportLandedDetail } from '../../../shared/aws/report-events.js';
import type { LogSink } from '../../../shared/aws/sync-telemetry.js';
import type { LandedPeriod } from '../../../shared/landing/index.js';
import { auditFileKey, manifestKey, OUTBOX_ROOT, outboxPeriodFolder, queryObjectKey } from '../../../shared/lake/layout.js';
import { manifestText } from '../../../shared/lake/manifest.js';
import { S3Sink } from '../../../shared/sinks/s3-sink.js';
import type { PeriodRef } from '../../../shared/sources/index.js';
import { fakeBucket, type FakeBucket } from '../support/fake-s3.js';

const eventBridge = mockClient(EventBridgeClient);
const PREFIX = 'lake';
const uri = (key: string) => `s3://lake-bucket/${PREFIX}/${key}`;
const START = Date.parse('2026-06-17T10:00:00.000Z');

function refOn(day: number): PeriodRef {
  return { source: 'enterprise', scope: 'acme', name: 'usage_pulls', cadence: 'daily', period: `2026-06-${String(day).padStart(2, '0')}` };
}

/** A landing of `ref` fetched at `fetchedAt`, as the engine reports it. */
function landingOf(ref: PeriodRef, fetchedAt = '2026-06-17T10:00:00.000Z'): LandedPeriod {
  const csv = auditFileKey(ref, 0);
  const query = queryObjectKey(ref, '.parquet');
  return {
    ref,
    action: 'landed',
    uris: [uri(csv)],
    queryUri: uri(query),
    manifestUri: uri(manifestKey(ref)),
    columns: { fields: [], added: [], retyped: [] },
    timings: { downloadMs: 1, convertMs: 1, publishMs: 1 },
    manifest: {
      manifest_version: 2,
      source: ref.source,
      scope: ref.scope,
      dataset: ref.name,
      cadence: ref.cadence,
      period: ref.period,
      files: [{ key: csv, upstream: { key: `${ref.period}.csv`, size_bytes: 4096 }, bytes: 4096, sha256: 'a'.repeat(64) }],
      schema: { category: 'usage_pulls', fields: [] },
      query: { format: 'parquet', key: query, rows: 12, invalid_values: 0, columns: [] },
      fetched_at: fetchedAt,
      tool: { name: 'docker-reports-lake', version: '0.2.0' },
    },
  };
}

/** What the lake holds once a landing's manifest was written: it is landed. */
function landIn(bucket: FakeBucket, landed: LandedPeriod): LandedPeriod {
  bucket.put(`${PREFIX}/${manifestKey(landed.ref)}`, manifestText(landed.manifest));
  return landed;
}

interface Logged {
  readonly level: string;
  readonly message: string;
  readonly extra: Record<string, unknown>;
}

function recorder(): { log: LogSink; lines: Logged[] } {
  const lines: Logged[] = [];
  const at = (level: string) => (message: string, ...extra: Record<string, unknown>[]) => lines.push({ level, message, extra: Object.assign({}, ...extra) as Record<string, unknown> });
  return { lines, log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

interface Subject {
  readonly events: ReportEvents;
  readonly bucket: FakeBucket;
  readonly lines: Logged[];
  /** Keys of the outbox, relative to the lake. */
  outbox(): string[];
}

function subject(): Subject {
  const bucket = fakeBucket();
  const sink = new S3Sink({ client: bucket.client, bucket: 'lake-bucket', prefix: PREFIX });
  let tick = 0;
  // Each hold a millisecond later than the one before: entries are ordered as they were held.
  const outbox = new EventOutbox({ sink, now: () => new Date(START + tick++) });
  const { log, lines } = recorder();
  const events = new ReportEvents({
    client: new EventBridgeClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
    outbox,
    log,
  });
  return { events, bucket, lines, outbox: () => bucket.keys(`${PREFIX}/${OUTBOX_ROOT}/`).map((key) => key.slice(PREFIX.length + 1)) };
}

const accepted = (input: { Entries: PutEventsRequestEntry[] }) => ({ FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `e-${i}` })) });
const sentEntries = () => eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries!);

beforeEach(() => {
  eventBridge.reset();
});

describe('Class: ReportEvents, with an outbox', () => {
  describe('Method: publish', () => {
    it('keeps the event in the outbox while it is sent, and leaves nothing once EventBridge accepted it', async () => {
      // Prepare
      const s = subject();
      const landed = landIn(s.bucket, landingOf(refOn(16)));
      let heldWhileSending: string[] = [];
      eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
        heldWhileSending = s.outbox();
        return accepted(input);
      });

      // Act
      const announcement = await s.events.publish(landed);

      // Assess
      expect(announcement).toBe('sent');
      expect(heldWhileSending).toEqual([expect.stringMatching(/^_outbox\/enterprise\/usage_pulls\/daily\/org=acme\/date=2026-06-16\/20260617T100000000Z-[0-9a-f]{12}\.json$/)]);
      expect(s.outbox()).toEqual([]);
      expect(s.bucket.mock.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input.Key)).toEqual([`${PREFIX}/${heldWhileSending[0]}`]);
      expect(JSON.parse(sentEntries()[0]![0]!.Detail!)).toEqual(reportLandedDetail(landed));
    });

    it.each([
      ['PutEvents fails', () => eventBridge.on(PutEventsCommand).rejects(Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' }))],
      [
        'EventBridge answers FailedEntryCount 1 on every try',
        () => eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'oops' }] }),
      ],
    ])('keeps the event in the outbox when %s, and says so instead of failing the landing', async (_case, refuse) => {
      // Prepare
      const s = subject();
      const landed = landIn(s.bucket, landingOf(refOn(16)));
      refuse();

      // Act
      const announcement = await s.events.publish(landed);

      // Assess
      expect(announcement).toBe('held');
      const [key] = s.outbox();
      expect(key).toMatch(new RegExp(`^${outboxPeriodFolder(landed.ref)}`));
      // The period and the detail, nothing else: no secret, no signed URL.
      expect(JSON.parse(s.bucket.text(`${PREFIX}/${key}`))).toEqual({
        outbox_version: 1,
        ref: landed.ref,
        held_at: '2026-06-17T10:00:00.000Z',
        detail: reportLandedDetail(landed),
      });
      expect(s.lines).toContainEqual(expect.objectContaining({ level: 'warn', extra: expect.objectContaining({ report: 'acme/usage_pulls/daily/2026-06-16', outbox: key }) }));
    });

    it('still sends the event when the outbox cannot be written', async () => {
      // Prepare
      const s = subject();
      s.bucket.mock.on(PutObjectCommand).rejects(new Error('SlowDown'));
      eventBridge.on(PutEventsCommand).callsFake(accepted);

      // Act
      const announcement = await s.events.publish(landingOf(refOn(16)));

      // Assess
      expect(announcement).toBe('sent');
      expect(sentEntries()).toHaveLength(1);
    });

    it('fails the landing, naming both reasons, when the event can be neither kept nor sent', async () => {
      // Prepare
      const s = subject();
      s.bucket.mock.on(PutObjectCommand).rejects(new Error('SlowDown'));
      eventBridge.on(PutEventsCommand).rejects(new Error('Service Unavailable'));

      // Act
      const publish = s.events.publish(landingOf(refOn(16)));

      // Assess
      await expect(publish).rejects.toThrow(
        /^EventBridge did not accept the landing event of acme\/usage_pulls\/daily\/2026-06-16 \(PutEvents failed: Service Unavailable\), and it could not be kept in the outbox to send later \(the lake at s3:\/\/lake-bucket\/lake: writing _outbox\/\S+ failed: SlowDown\)\. The report is landed; its event was not sent\.$/,
      );
    });

    it("never removes another landing's pending event of the same period", async () => {
      // Prepare: a first landing's event was refused; a second landing of the period (another run) is sent.
      const s = subject();
      eventBridge.on(PutEventsCommand).rejectsOnce(new Error('Service Unavailable')).callsFake(accepted);
      await s.events.publish(landingOf(refOn(16), '2026-06-17T10:00:00.000Z'));
      const [first] = s.outbox();

      // Act
      await s.events.publish(landingOf(refOn(16), '2026-06-17T11:00:00.000Z'));

      // Assess
      expect(s.outbox()).toEqual([first]);
    });
  });

  describe('Method: resendPending', () => {
    it('sends a held event again, the same bytes, and removes it once accepted', async () => {
      // Prepare
      const s = subject();
      const landed = landIn(s.bucket, landingOf(refOn(16)));
      eventBridge.on(PutEventsCommand).rejectsOnce(new Error('Service Unavailable')).callsFake(accepted);
      await s.events.publish(landed);
      const [refused] = sentEntries();

      // Act
      const summary = await s.events.resendPending();

      // Assess
      expect(summary).toEqual({ resent: 1, superseded: 0, pending: 0 });
      expect(sentEntries()[1]).toEqual(refused);
      expect(s.outbox()).toEqual([]);
      expect(s.lines).toContainEqual(expect.objectContaining({ level: 'info', message: 're-sent pending landing events', extra: { resent: 1, superseded: 0, pending: 0 } }));
    });

    it('sends the oldest first, 10 per PutEvents call, and no more than its bound', async () => {
      // Prepare: 23 refused events, held in the order of their days from the 1st (newest period first, to tell hold order from key order).
      const s = subject();
      eventBridge.on(PutEventsCommand).rejects(new Error('Service Unavailable'));
      const days = Array.from({ length: 23 }, (_, i) => 23 - i);
      for (const day of days) await s.events.publish(landIn(s.bucket, landingOf(refOn(day))));
      eventBridge.reset();
      eventBridge.on(PutEventsCommand).callsFake(accepted);

      // Act
      const first = await s.events.resendPending(15);
      const second = await s.events.resendPending(15);

      // Assess
      expect(first).toEqual({ resent: 15, superseded: 0, pending: 8 });
      expect(second).toEqual({ resent: 8, superseded: 0, pending: 0 });
      expect(sentEntries().map((entries) => entries.length)).toEqual([10, 5, 8]);
      const sentDays = sentEntries().flat().map((entry) => Number((JSON.parse(entry.Detail!) as { date: string }).date.slice(8)));
      expect(sentDays).toEqual(days);
      expect(s.outbox()).toEqual([]);
    });

    it('removes unsent the event of a period landed again since, or not landed any more', async () => {
      // Prepare
      const s = subject();
      eventBridge.on(PutEventsCommand).rejects(new Error('Service Unavailable'));
      await s.events.publish(landingOf(refOn(16), '2026-06-17T10:00:00.000Z'));
      await s.events.publish(landingOf(refOn(15)));
      landIn(s.bucket, landingOf(refOn(16), '2026-06-18T10:00:00.000Z'));
      eventBridge.reset();
      eventBridge.on(PutEventsCommand).callsFake(accepted);

      // Act
      const summary = await s.events.resendPending();

      // Assess
      expect(summary).toEqual({ resent: 0, superseded: 2, pending: 0 });
      expect(sentEntries()).toEqual([]);
      expect(s.outbox()).toEqual([]);
    });

    it('keeps what EventBridge still refuses, and stops at the first call it takes nothing of', async () => {
      // Prepare
      const s = subject();
      eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'oops' }] });
      for (let day = 1; day <= 12; day += 1) await s.events.publish(landIn(s.bucket, landingOf(refOn(day))));
      eventBridge.reset();
      eventBridge.on(PutEventsCommand).rejects(new Error('Service Unavailable'));

      // Act
      const summary = await s.events.resendPending();

      // Assess
      expect(summary).toEqual({ resent: 0, superseded: 0, pending: 12 });
      expect(sentEntries()).toHaveLength(1);
      expect(s.outbox()).toHaveLength(12);
    });

    it('sends what EventBridge accepts of a call and keeps the entries it refused', async () => {
      // Prepare
      const s = subject();
      eventBridge.on(PutEventsCommand).rejects(new Error('Service Unavailable'));
      for (const day of [1, 2, 3]) await s.events.publish(landIn(s.bucket, landingOf(refOn(day))));
      const held = s.outbox();
      eventBridge.reset();
      eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
        FailedEntryCount: 1,
        Entries: input.Entries.map((entry, i) => (entry.Detail!.includes('2026-06-02') ? { ErrorCode: 'InternalFailure', ErrorMessage: 'oops' } : { EventId: `e-${i}` })),
      }));

      // Act
      const summary = await s.events.resendPending();

      // Assess
      expect(summary).toEqual({ resent: 2, superseded: 0, pending: 1 });
      expect(s.outbox()).toEqual([held[1]]);
    });

    it('leaves an entry it cannot read, counts it as pending and says which', async () => {
      // Prepare
      const s = subject();
      const key = `${outboxPeriodFolder(refOn(16))}20260617T100000000Z-000000000000.json`;
      s.bucket.put(`${PREFIX}/${key}`, '{"not": "an entry"}');

      // Act
      const summary = await s.events.resendPending();

      // Assess
      expect(summary).toEqual({ resent: 0, superseded: 0, pending: 1 });
      expect(s.outbox()).toEqual([key]);
      expect(s.lines).toContainEqual(expect.objectContaining({ level: 'error', extra: expect.objectContaining({ outbox: key }) }));
    });

    it('costs one listing and nothing else when nothing is pending', async () => {
      // Prepare
      const s = subject();

      // Act
      const summary = await s.events.resendPending();

      // Assess
      expect(summary).toEqual({ resent: 0, superseded: 0, pending: 0 });
      expect(s.bucket.mock.calls()).toHaveLength(1);
      expect(sentEntries()).toEqual([]);
    });
  });
});
