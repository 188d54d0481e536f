import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { FUNCTION_ENV } from '../../shared/aws/function-config.js';
import { synthStack } from './synth-stack.js';

const { template } = synthStack();
/** Everything the sync lets a deployment change, changed at once. */
const { template: configured } = synthStack({
  schedules: { daily: 'cron(15 18 * * ? *)' },
  sync: {
    dockerApiUrl: 'http://127.0.0.1:8080/enterprise-data/v1',
    workerBatchSize: 1,
    workerMaxConcurrency: 10,
    workerMaxReceiveCount: 5,
    memoryMiB: 2048,
    ephemeralStorageMiB: 10_240,
  },
});

type Resource = { Properties: Record<string, unknown> };

function functionByEntry(description: RegExp): Resource {
  const found = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) =>
    description.test(String((f as Resource).Properties.Description)),
  );
  expect(found).toHaveLength(1);
  return found[0] as Resource;
}

const queues = template.findResources('AWS::SQS::Queue');
const queueId = (pattern: RegExp) => Object.keys(queues).find((id) => pattern.test(id))!;

describe('Construct: ReportSync', () => {
  describe('the functions', () => {
    it.each([/^Lands new Docker usage reports/, /^Lands one queued Docker usage report/])('%s runs Node.js 24 on x86_64 (DuckDB\'s binding), bundled ESM, with 4 GiB of /tmp and its own log group', (description) => {
      // Assess
      const fn = functionByEntry(description);
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['x86_64'],
        Handler: 'index.handler',
        MemorySize: 1024,
        EphemeralStorage: { Size: 4096 },
        Timeout: 900,
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.stringMatching(/Logs/) } },
      });
      expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        NODE_OPTIONS: '--enable-source-maps',
        [FUNCTION_ENV.orgs]: 'acme,globex',
        [FUNCTION_ENV.glueDatabase]: 'docker_reports',
        [FUNCTION_ENV.athenaWorkGroup]: 'docker-reports',
        [FUNCTION_ENV.eventBusName]: 'default',
        [FUNCTION_ENV.fanOutAboveReports]: '10',
        [FUNCTION_ENV.bucket]: { Ref: expect.stringMatching(/^LakeBucket/) },
      });
    });

    it('gives the queue URL to the sync only: the worker never fans out', () => {
      // Assess
      const sync = (functionByEntry(/^Lands new/).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const worker = (functionByEntry(/^Lands one queued/).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(sync[FUNCTION_ENV.landQueueUrl]).toEqual({ Ref: queueId(/^SyncLandReportQueue/) });
      expect(worker).not.toHaveProperty(FUNCTION_ENV.landQueueUrl);
    });

    it('keeps logs three months', () => {
      // Assess
      const groups = Object.entries(template.findResources('AWS::Logs::LogGroup')).filter(([id]) => id.startsWith('Sync'));
      expect(groups).toHaveLength(2);
      for (const [, group] of groups) expect((group as Resource).Properties.RetentionInDays).toBe(90);
    });

    it('gives both functions the configured memory and /tmp', () => {
      // Assess
      const functions = Object.values(configured.findResources('AWS::Lambda::Function')).filter((f) => /^Lands /.test(String((f as Resource).Properties.Description)));
      expect(functions).toHaveLength(2);
      for (const fn of functions as Resource[]) expect(fn.Properties).toMatchObject({ MemorySize: 2048, EphemeralStorage: { Size: 10_240 } });
    });

    it('passes Docker test doubles through only when configured', () => {
      // Assess
      configured.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ DOCKER_API_URL: 'http://127.0.0.1:8080/enterprise-data/v1' }) },
      });
      expect(JSON.stringify(template.findResources('AWS::Lambda::Function'))).not.toContain('DOCKER_API_URL');
    });
  });

  describe('the schedules', () => {
    it('starts the sync once per cadence, by UTC cron, without a flexible window, with retries and a dead-letter queue', () => {
      // Assess
      const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')) as Resource[];
      expect(schedules.map((s) => [s.Properties.ScheduleExpression, (s.Properties.Target as { Input: string }).Input]).sort()).toEqual([
        ['cron(0 7 2 * ? *)', '{"sources":["enterprise"],"cadences":["monthly"]}'],
        ['cron(0 7 ? * TUE *)', '{"sources":["enterprise"],"cadences":["weekly"]}'],
        ['cron(30 6 * * ? *)', '{"sources":["enterprise"],"cadences":["daily"]}'],
      ]);
      for (const schedule of schedules) {
        expect(schedule.Properties).toMatchObject({
          ScheduleExpressionTimezone: 'Etc/UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          State: 'ENABLED',
          Target: {
            Arn: { 'Fn::GetAtt': [expect.stringMatching(/^SyncFunction/), 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 7200 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId(/^SyncSyncDeadLetterQueue/), 'Arn'] } },
          },
        });
      }
    });

    it('schedules only the cadences configured', () => {
      // Assess
      configured.resourceCountIs('AWS::Scheduler::Schedule', 1);
      configured.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(15 18 * * ? *)' });
    });

    it('sends failed asynchronous runs of the sync to the same dead-letter queue after one more try', () => {
      // Assess
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        MaximumRetryAttempts: 1,
        MaximumEventAgeInSeconds: 21600,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId(/^SyncSyncDeadLetterQueue/), 'Arn'] } } },
      });
    });

    it('lets Scheduler invoke the sync and write to its dead-letter queue, nothing more, for this account only', () => {
      // Assess
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } })],
        },
      });
      const policy = Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('SyncScheduleRole'))![1] as Resource;
      expect((policy.Properties.PolicyDocument as { Statement: { Action: string }[] }).Statement.map((s) => s.Action)).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
    });
  });

  describe('the fan-out queue', () => {
    it('feeds the worker a few reports at a time, with bounded concurrency and partial batch failures', () => {
      // Assess
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queueId(/^SyncLandReportQueue/), 'Arn'] },
        BatchSize: 4,
        ScalingConfig: { MaximumConcurrency: 4 },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    it('gives up on a report after three receives, into its own dead-letter queue, and hides a message six worker timeouts long', () => {
      // Assess
      template.hasResourceProperties('AWS::SQS::Queue', {
        VisibilityTimeout: 5400,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [queueId(/^SyncLandReportDeadLetterQueue/), 'Arn'] }, maxReceiveCount: 3 },
      });
    });

    it('encrypts every queue and refuses plain-text access to it', () => {
      // Assess
      expect(Object.keys(queues)).toHaveLength(3);
      for (const queue of Object.values(queues) as Resource[]) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      for (const id of Object.keys(queues)) {
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          // arrayWith: the sync's dead-letter queue also lets the sync-request rule deliver to it (sync-on-request.test.ts).
          PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
        });
      }
    });

    it('follows the configured batch size and concurrency', () => {
      // Assess
      configured.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 1, ScalingConfig: { MaximumConcurrency: 10 } });
      configured.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }) });
    });
  });
});
