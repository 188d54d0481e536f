import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { REPORT_EVENT_SOURCE, REPORT_LANDED_DETAIL_TYPE, ReportEvents, reportLandedDetail } from '../../../shared/aws/report-events.js';
import type { LandedPeriod } from '../../../shared/landing/index.js';
import { auditFileKey, manifestKey, queryObjectKey } from '../../../shared/lake/layout.js';
import type { PeriodRef } from '../../../shared/sources/index.js';

const eventBridge = mockClient(EventBridgeClient);
const uri = (key: string) => `s3://lake-bucket/lake/${key}`;

const REF: PeriodRef = { source: 'enterprise', scope: 'acme', name: 'usage_pulls', cadence: 'daily', period: '2026-06-16' };
const CSV_KEY = auditFileKey(REF, 0);
const QUERY_KEY = queryObjectKey(REF, '.parquet');

const landed: LandedPeriod = {
  ref: REF,
  action: 'replaced',
  uris: [uri(CSV_KEY)],
  queryUri: uri(QUERY_KEY),
  manifestUri: uri(manifestKey(REF)),
  columns: {
    fields: [{ field: 'region', column: 'region', type: 'string' }],
    added: [{ name: 'region', type: 'string' }],
    retyped: [{ field: 'event_count', from: 'bigint', to: 'double', column: 'event_count_v2' }],
  },
  timings: { downloadMs: 12, convertMs: 30, publishMs: 8 },
  manifest: {
    manifest_version: 2,
    source: 'enterprise',
    scope: 'acme',
    dataset: 'usage_pulls',
    cadence: 'daily',
    period: '2026-06-16',
    files: [{ key: CSV_KEY, upstream: { key: 'acme/usage_pulls/daily/2026-06-16.csv', size_bytes: 4096 }, bytes: 4096, sha256: 'a'.repeat(64) }],
    schema: { category: 'usage_pulls', fields: [{ name: 'region', type: 'string', description: '' }] },
    query: { format: 'parquet', key: QUERY_KEY, rows: 12, invalid_values: 0, columns: [{ field: 'region', column: 'region', type: 'string' }] },
    fetched_at: '2026-06-17T10:00:00.000Z',
    tool: { name: 'docker-reports-lake', version: '0.2.0' },
  },
};

function events(): ReportEvents {
  return new ReportEvents({
    client: new EventBridgeClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
  });
}

beforeEach(() => {
  eventBridge.reset();
});

describe('Class: ReportEvents', () => {
  describe('Method: publish', () => {
    it('sends one "Docker Report Landed" event on the default bus with what the landing verified', async () => {
      // Prepare
      eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });

      // Act
      await events().publish(landed);

      // Assess
      const [entry] = eventBridge.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries!;
      expect(entry).toMatchObject({
        EventBusName: 'default',
        Source: REPORT_EVENT_SOURCE,
        DetailType: REPORT_LANDED_DETAIL_TYPE,
        Resources: ['arn:aws:s3:::lake-bucket'],
      });
      expect(JSON.parse(entry!.Detail!)).toEqual({
        // What consumers of the first version already match on, kept exactly.
        org: 'acme',
        report_type: 'usage_pulls',
        cadence: 'daily',
        date: '2026-06-16',
        s3_uri: 's3://lake-bucket/lake/enterprise/usage_pulls/daily/org=acme/date=2026-06-16/usage_pulls_daily_2026-06-16.csv',
        query_uri: 's3://lake-bucket/lake/query/enterprise/usage_pulls/daily/org=acme/date=2026-06-16/usage_pulls_daily_2026-06-16.parquet',
        manifest_uri: 's3://lake-bucket/lake/enterprise/usage_pulls/daily/org=acme/date=2026-06-16/_manifest.json',
        bytes: 4096,
        sha256: 'a'.repeat(64),
        rows: 12,
        replaced: true,
        schema_changes: {
          added_columns: ['region'],
          retyped: [{ field: 'event_count', from: 'bigint', to: 'double', column: 'event_count_v2' }],
        },
        fetched_at: '2026-06-17T10:00:00.000Z',
        // New: the source, and every audit file.
        source: 'enterprise',
        files: [
          {
            uri: 's3://lake-bucket/lake/enterprise/usage_pulls/daily/org=acme/date=2026-06-16/usage_pulls_daily_2026-06-16.csv',
            bytes: 4096,
            sha256: 'a'.repeat(64),
          },
        ],
      });
    });

    it('sends on the bus it is given', async () => {
      // Prepare
      eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
      const subject = new ReportEvents({
        eventBusName: 'reports',
        client: new EventBridgeClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
      });

      // Act
      await subject.publish({ ...landed, action: 'landed' });

      // Assess
      const [entry] = eventBridge.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries!;
      expect(entry?.EventBusName).toBe('reports');
      expect(JSON.parse(entry!.Detail!)).toMatchObject({ replaced: false });
    });

    it('retries an entry EventBridge accepted the call for but refused', async () => {
      // Prepare
      eventBridge
        .on(PutEventsCommand)
        .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }] })
        .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-2' }] });

      // Act
      await events().publish(landed);

      // Assess
      expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
    });

    it('fails the landing, naming the report, when every try is refused', async () => {
      // Prepare
      eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'oops' }] });

      // Act
      const publish = events().publish(landed);

      // Assess
      await expect(publish).rejects.toThrow(
        'EventBridge did not accept the landing event of acme/usage_pulls/daily/2026-06-16 after 3 tries (InternalFailure: oops)',
      );
      expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(3);
    });
  });
});

describe('Function: reportLandedDetail', () => {
  it("names a DVP period in its source's words and lists each of its files", () => {
    // Prepare
    const ref: PeriodRef = { source: 'dvp', scope: 'acme', name: 'repo-summary', cadence: 'monthly', period: '2026-05-01' };
    const files = [0, 1].map((index) => ({
      key: auditFileKey(ref, index, true),
      upstream: { key: `export-${index}.csv.gz`, size_bytes: 100 + index },
      bytes: 100 + index,
      sha256: String(index).repeat(64),
    }));
    const dvp: LandedPeriod = {
      ...landed,
      ref,
      action: 'landed',
      uris: files.map((file) => uri(file.key)),
      manifest: { ...landed.manifest, source: 'dvp', dataset: 'repo-summary', cadence: 'monthly', period: '2026-05-01', files },
    };

    // Act
    const detail = reportLandedDetail(dvp);

    // Assess
    expect(detail).toMatchObject({ source: 'dvp', namespace: 'acme', view: 'repo-summary', timespan: 'monthly', period_start: '2026-05-01' });
    expect(detail).not.toHaveProperty('org');
    expect(detail.bytes).toBe(201);
    expect(detail.sha256).toBe('0'.repeat(64));
    expect(detail.s3_uri).toBe(uri('dvp/repo-summary/monthly/namespace=acme/period_start=2026-05-01/part-000.csv.gz'));
    expect(detail.files).toEqual([
      { uri: uri('dvp/repo-summary/monthly/namespace=acme/period_start=2026-05-01/part-000.csv.gz'), bytes: 100, sha256: '0'.repeat(64) },
      { uri: uri('dvp/repo-summary/monthly/namespace=acme/period_start=2026-05-01/part-001.csv.gz'), bytes: 101, sha256: '1'.repeat(64) },
    ]);
  });
});
