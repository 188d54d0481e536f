import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { REPORT_EVENT_SOURCE, REPORT_LANDED_DETAIL_TYPE, ReportEvents } from '../../../shared/aws/report-events.js';
import type { LandedReport } from '../../../shared/landing/land-report.js';

const eventBridge = mockClient(EventBridgeClient);
const lake = { uri: (key: string) => `s3://lake-bucket/lake/${key}` };

const landed: LandedReport = {
  ref: { org: 'acme', type: 'usage_pulls', cadence: 'daily', date: '2026-06-16' },
  uri: 's3://lake-bucket/lake/enterprise/usage_pulls/daily/org=acme/date=2026-06-16/usage_pulls_daily_2026-06-16.csv',
  replaced: true,
  columns: {
    fields: [],
    added: [{ name: 'region', type: 'string' }],
    retyped: [],
  },
  manifest: {
    manifest_version: 1,
    org: 'acme',
    report_type: 'usage_pulls',
    cadence: 'daily',
    date: '2026-06-16',
    upstream: { key: 'acme/usage_pulls/daily/2026-06-16.csv', size_bytes: 4096 },
    bytes: 4096,
    sha256: 'a'.repeat(64),
    schema: { category: 'usage_pulls', fields: [{ name: 'region', type: 'string', description: '' }] },
    files: {
      csv: 'enterprise/usage_pulls/daily/org=acme/date=2026-06-16/usage_pulls_daily_2026-06-16.csv',
      query: 'query/enterprise/usage_pulls/daily/org=acme/date=2026-06-16/part-20260617T100000Z.json.gz',
    },
    query: { rows: 12, invalid_values: 0, columns: [] },
    fetched_at: '2026-06-17T10:00:00.000Z',
    tool: { name: 'docker-reports-lake', version: '0.1.0' },
  },
};

function events(): ReportEvents {
  return new ReportEvents({
    lake,
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
        org: 'acme',
        report_type: 'usage_pulls',
        cadence: 'daily',
        date: '2026-06-16',
        s3_uri: landed.uri,
        query_uri: 's3://lake-bucket/lake/query/enterprise/usage_pulls/daily/org=acme/date=2026-06-16/part-20260617T100000Z.json.gz',
        manifest_uri: 's3://lake-bucket/lake/enterprise/usage_pulls/daily/org=acme/date=2026-06-16/_manifest.json',
        bytes: 4096,
        sha256: 'a'.repeat(64),
        rows: 12,
        replaced: true,
        schema_changes: { added_columns: ['region'], retyped: [] },
        fetched_at: '2026-06-17T10:00:00.000Z',
      });
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
    });
  });
});
