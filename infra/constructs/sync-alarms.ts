import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, METRIC_NAMES, SERVICE_NAME } from '../../shared/aws/sync-telemetry.js';
import type { LakeFunction } from './lake-function.js';
import type { ReportSync } from './report-sync.js';

export interface SyncAlarmsProps {
  readonly orgs: readonly string[];
  readonly sync: ReportSync;
  /** Subscribed to the alarm topic (AWS sends a confirmation e-mail first). @default no subscription */
  readonly email?: string;
  /** An org without a landed report for this many hours raises its alarm. @default 36 */
  readonly noLandingHours?: number;
  /** DVP namespaces: one "no export landed" alarm each. @default none */
  readonly namespaces?: readonly string[];
  /** A namespace whose newest export landed longer ago than this raises its alarm. @default 9 */
  readonly noExportDays?: number;
}

/**
 * Everything that needs a person, on one SNS topic: the sync or the worker
 * failing, reports that could not be landed, messages in either dead-letter
 * queue, and an org with no new report for 36 hours (Docker keeps reports 30
 * days only: a sync that silently stops loses data for good).
 *
 * The topic has no KMS key: CloudWatch cannot publish to a topic encrypted with
 * the AWS managed SNS key, and alarm notifications carry alarm names and
 * numbers, no report data. TLS is enforced.
 */
export class SyncAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: SyncAlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Docker reports lake alarms', enforceSSL: true });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    const { sync } = props;

    this.functionErrors('SyncErrors', sync.syncFunction, 'The sync failed as a whole (see its log group)');
    this.functionErrors('LandReportErrors', sync.landReportFunction, 'The land-report worker failed as a whole (see its log group)');
    this.add(
      'ReportFailures',
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: METRIC_NAMES.failed,
        dimensionsMap: { service: SERVICE_NAME },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.hours(1),
      }),
      {
        alarmDescription: 'Reports could not be listed, landed or announced; the log says why and what to do (e.g. store or rotate an OAT)',
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );
    this.deadLetters('SyncDeadLetters', sync.syncDeadLetterQueue, 'A scheduled sync could not be delivered or failed after retries');
    this.deadLetters('LandReportDeadLetters', sync.landDeadLetterQueue, 'A queued report failed every attempt to land it');

    const hours = props.noLandingHours ?? 36;
    for (const org of props.orgs) {
      this.add(
        `NoLanding-${org}`,
        new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE,
          metricName: METRIC_NAMES.landed,
          dimensionsMap: { service: SERVICE_NAME, org },
          statistic: cloudwatch.Stats.SUM,
          period: Duration.hours(1),
        }),
        {
          alarmDescription: `No report landed for org ${org} in ${hours} hours (Docker deletes reports after 30 days)`,
          // Every hourly period of the window without a landing: hours with no data at all count too.
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: hours,
          datapointsToAlarm: hours,
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        },
      );
    }

    // CloudWatch evaluates at most 7 days of a metric, so "nothing landed in 9 days" cannot be a count over
    // 9 days as for the orgs: every sync run publishes, per namespace, how long ago its newest export landed
    // (read from the lake's manifests), and the alarm watches that age.
    const days = props.noExportDays ?? 9;
    for (const namespace of props.namespaces ?? []) {
      this.add(
        `NoExport-${namespace}`,
        new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE,
          metricName: METRIC_NAMES.exportAge,
          dimensionsMap: { service: SERVICE_NAME, namespace },
          // The freshest reading of the day: one run that found a new export is enough.
          statistic: cloudwatch.Stats.MINIMUM,
          period: Duration.days(1),
        }),
        {
          alarmDescription:
            `No DVP export landed for namespace ${namespace} in ${days} days (weekly exports appear every Monday); ` +
            'the sync log says why (e.g. store or rotate the namespace\'s personal access token)',
          threshold: days * 24,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          // Days without a run publish nothing; a sync that stops altogether raises the orgs' and the error alarms.
          treatMissingData: cloudwatch.TreatMissingData.IGNORE,
        },
      );
    }
  }

  private functionErrors(id: string, fn: LakeFunction, description: string): void {
    this.add(id, fn.function.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }), {
      alarmDescription: description,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  private deadLetters(id: string, queue: sqs.IQueue, description: string): void {
    this.add(id, queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }), {
      alarmDescription: `${description}; the messages wait in the dead-letter queue`,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  private add(id: string, metric: cloudwatch.IMetric, props: Omit<cloudwatch.CreateAlarmOptions, 'alarmName'>): void {
    const alarm = new cloudwatch.Alarm(this, id, { metric, ...props });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
  }
}
