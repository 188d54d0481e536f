import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthStack } from './synth-stack.js';

const { template } = synthStack({ alarms: { email: 'ops@example.com' } });

type Alarm = { Properties: Record<string, unknown> };
const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm')) as [string, Alarm][];
const alarm = (prefix: string) => alarms.find(([id]) => id.startsWith(prefix))![1].Properties;

describe('Construct: SyncAlarms', () => {
  it('sends every alarm, and its recovery, to one topic that refuses plain-text publishing', () => {
    // Assess
    const topic = Object.keys(template.findResources('AWS::SNS::Topic'))[0]!;
    expect(alarms).toHaveLength(7);
    for (const [, { Properties }] of alarms) {
      expect(Properties.AlarmActions).toEqual([{ Ref: topic }]);
      expect(Properties.OKActions).toEqual([{ Ref: topic }]);
    }
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  it('subscribes the configured e-mail address', () => {
    // Assess
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it('raises an org\'s alarm when no report landed for it in 36 hours, hours without any data included', () => {
    // Assess
    for (const org of ['acme', 'globex']) {
      expect(alarm(`AlarmsNoLanding${org}`)).toMatchObject({
        Namespace: 'DockerReportsLake',
        MetricName: 'ReportsLanded',
        Dimensions: [
          { Name: 'org', Value: org },
          { Name: 'service', Value: 'docker-reports-lake' },
        ],
        Statistic: 'Sum',
        Period: 3600,
        EvaluationPeriods: 36,
        DatapointsToAlarm: 36,
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        TreatMissingData: 'breaching',
      });
    }
  });

  it('follows a configured silence, and subscribes nobody when no e-mail is given', () => {
    // Act
    const { template: t } = synthStack({ orgs: ['acme'], alarms: { noLandingHours: 60 } });

    // Assess
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ReportsLanded', EvaluationPeriods: 60, DatapointsToAlarm: 60 });
    t.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it.each([
    ['AlarmsSyncErrors', 'AWS/Lambda', 'Errors'],
    ['AlarmsLandReportErrors', 'AWS/Lambda', 'Errors'],
    ['AlarmsSyncDeadLetters', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible'],
    ['AlarmsLandReportDeadLetters', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible'],
  ])('%s fires on the first %s %s', (id, namespace, metric) => {
    // Assess
    expect(alarm(id)).toMatchObject({
      Namespace: namespace,
      MetricName: metric,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('fires when any report could not be landed, whichever org it belongs to', () => {
    // Assess
    expect(alarm('AlarmsReportFailures')).toMatchObject({
      Namespace: 'DockerReportsLake',
      MetricName: 'ReportsFailed',
      Dimensions: [{ Name: 'service', Value: 'docker-reports-lake' }],
      Statistic: 'Sum',
      Threshold: 1,
    });
  });
});
