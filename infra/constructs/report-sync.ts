import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { FUNCTION_ENV } from '../../shared/aws/function-config.js';
import { bindLake, type LakeBindingProps } from './lake-binding.js';
import { LakeFunction } from './lake-function.js';

const MIB = 1024 * 1024;

export interface ReportSyncProps extends LakeBindingProps {
  /** UTC cron expression (`cron(...)`) per Enterprise cadence: one schedule each. */
  readonly schedules: Readonly<Record<string, string>>;
  /** UTC cron expression per DVP timespan (`weekly`, `monthly`): one schedule each. @default none */
  readonly dvpSchedules?: Readonly<Partial<Record<string, string>>>;
  /** An org's plan of more reports than this fans out. @default 10 */
  readonly fanOutAboveReports?: number;
  /** An org's plan of more bytes than this fans out. @default 512 MiB */
  readonly fanOutAboveBytes?: number;
  /** Reports landed at once per invocation. @default 4 */
  readonly concurrency?: number;
  /** @default 1024 */
  readonly memoryMiB?: number;
  /** /tmp of both functions, where reports are staged. @default 4096 */
  readonly ephemeralStorageMiB?: number;
  /** Reports per worker invocation. @default 4 */
  readonly workerBatchSize?: number;
  /** Worker invocations at once. @default 4 */
  readonly workerMaxConcurrency?: number;
  /** Worker attempts of a report before its message goes to the dead-letter queue. @default 3 */
  readonly workerMaxReceiveCount?: number;
}

/** Both functions run up to Lambda's limit: a large report downloads for minutes. */
const FUNCTION_TIMEOUT = Duration.minutes(15);

/**
 * The sync: EventBridge Scheduler starts functions/sync once per cadence
 * (UTC cron, no flexible window, delivery retries, a dead-letter queue); it
 * runs the engine for the configured orgs and lands small plans itself. A large
 * plan (a first backfill) goes to a queue, one message per report, which
 * functions/land-report works through with bounded concurrency, reporting
 * failed messages one by one; a report that keeps failing ends in the
 * worker's own dead-letter queue.
 */
export class ReportSync extends Construct {
  readonly syncFunction: LakeFunction;
  readonly landReportFunction: LakeFunction;
  readonly landQueue: sqs.Queue;
  readonly landDeadLetterQueue: sqs.Queue;
  /** Scheduled runs that could not be delivered, or that failed after Lambda's retries. */
  readonly syncDeadLetterQueue: sqs.Queue;
  readonly schedules: scheduler.Schedule[] = [];

  constructor(scope: Construct, id: string, props: ReportSyncProps) {
    super(scope, id);
    const workerBatchSize = props.workerBatchSize ?? 4;

    this.syncDeadLetterQueue = secureQueue(this, 'SyncDeadLetterQueue', { retentionPeriod: Duration.days(14) });
    NagSuppressions.addResourceSuppressions(this.syncDeadLetterQueue, [
      {
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is itself a dead-letter queue (of the Scheduler targets and of the sync\'s asynchronous invocations); ' +
          'cdk-nag recognizes only queues named in another queue\'s redrive policy.',
      },
    ]);
    this.landDeadLetterQueue = secureQueue(this, 'LandReportDeadLetterQueue', { retentionPeriod: Duration.days(14) });
    this.landQueue = secureQueue(this, 'LandReportQueue', {
      // Lambda's advice for an SQS event source: at least six times the function's timeout.
      visibilityTimeout: Duration.minutes(FUNCTION_TIMEOUT.toMinutes() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.landDeadLetterQueue, maxReceiveCount: props.workerMaxReceiveCount ?? 3 },
    });

    const environment = this.environment(props);
    this.syncFunction = new LakeFunction(this, 'Sync', {
      entry: 'functions/sync/handler.ts',
      description: 'Lands new Docker usage reports in the lake; fans large plans out to the land-report queue',
      environment: { ...environment, [FUNCTION_ENV.landQueueUrl]: this.landQueue.queueUrl },
      memorySize: props.memoryMiB,
      ephemeralStorageMiB: props.ephemeralStorageMiB,
      timeout: FUNCTION_TIMEOUT,
    });
    this.syncFunction.function.configureAsyncInvoke({
      // One more try for a run that failed as a whole; the next scheduled run catches up on what is missing anyway.
      retryAttempts: 1,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.syncDeadLetterQueue),
    });

    this.landReportFunction = new LakeFunction(this, 'LandReport', {
      entry: 'functions/land-report/handler.ts',
      description: 'Lands one queued Docker usage report per message (the sync\'s fan-out)',
      environment,
      memorySize: props.memoryMiB,
      ephemeralStorageMiB: props.ephemeralStorageMiB,
      timeout: FUNCTION_TIMEOUT,
    });
    this.landReportFunction.function.addEventSource(
      new SqsEventSource(this.landQueue, {
        batchSize: workerBatchSize,
        maxConcurrency: props.workerMaxConcurrency ?? 4,
        reportBatchItemFailures: true,
      }),
    );

    for (const fn of [this.syncFunction, this.landReportFunction]) bindLake(fn, props);
    this.landQueue.grantSendMessages(this.syncFunction.role);

    // One role for every schedule; the target adds what it may do (invoke the sync, send to the dead-letter queue).
    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Lets EventBridge Scheduler start the Docker reports sync',
    });
    // Each schedule names its source: an Enterprise run never lists DVP exports, nor a DVP run Enterprise reports.
    const runs: { id: string; description: string; expression: string; input: Record<string, unknown> }[] = [
      ...Object.entries(props.schedules).map(([cadence, expression]) => ({
        id: `Schedule-${cadence}`,
        description: `Syncs the ${cadence} Docker usage reports (${expression}, UTC)`,
        expression,
        input: { sources: ['enterprise'], cadences: [cadence] },
      })),
      ...Object.entries(props.dvpSchedules ?? {}).flatMap(([timespan, expression]) =>
        expression
          ? [
              {
                id: `Schedule-dvp-${timespan}`,
                description: `Syncs the ${timespan} Docker Verified Publisher pull exports (${expression}, UTC)`,
                expression,
                input: { sources: ['dvp'], cadences: [timespan] },
              },
            ]
          : [],
      ),
    ];
    for (const { id, description, expression, input } of runs) {
      this.schedules.push(
        new scheduler.Schedule(this, id, {
          description,
          schedule: scheduler.ScheduleExpression.expression(expression, TimeZone.ETC_UTC),
          timeWindow: scheduler.TimeWindow.off(),
          target: new targets.LambdaInvoke(this.syncFunction.function, {
            input: scheduler.ScheduleTargetInput.fromObject(input),
            retryAttempts: 3,
            maxEventAge: Duration.hours(2),
            deadLetterQueue: this.syncDeadLetterQueue,
            role: scheduleRole,
          }),
        }),
      );
    }
    // After the targets: they add the statements this applies to.
    NagSuppressions.addResourceSuppressions(
      scheduleRole,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'The Scheduler target grants invoke on the sync function and its versions (":*"); it is this one function only.',
          appliesTo: [{ regex: '/^Resource::<.*Function[A-Za-z0-9]*\\.Arn>:\\*$/' }],
        },
      ],
      true,
    );
  }

  /** What the sync and the worker read beyond the lake binding: how to fan out, and how much at once. */
  private environment(props: ReportSyncProps): Record<string, string> {
    return {
      [FUNCTION_ENV.fanOutAboveReports]: String(props.fanOutAboveReports ?? 10),
      [FUNCTION_ENV.fanOutAboveBytes]: String(props.fanOutAboveBytes ?? 512 * MIB),
      [FUNCTION_ENV.concurrency]: String(props.concurrency ?? 4),
    };
  }
}

/** SSE-SQS and TLS only: the messages name reports, never their contents or a secret. */
function secureQueue(scope: Construct, id: string, props: sqs.QueueProps): sqs.Queue {
  return new sqs.Queue(scope, id, { ...props, encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });
}
