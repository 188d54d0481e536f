import { Metrics } from '@aws-lambda-powertools/metrics';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dvpScopes, HealthDashboard } from '../../infra/constructs/health-dashboard.js';
import { emptyTotals, METRIC_NAMES, METRICS_NAMESPACE, recordTotals, SERVICE_NAME } from '../../shared/aws/sync-telemetry.js';
import { synthStack } from './synth-stack.js';

/** A token of the dashboard body (a Ref, a GetAtt) as the body text holds it after `bodyOf`. */
const token = (value: unknown) => `@${JSON.stringify(value).replace(/"/g, "'")}`;

interface Widget {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  properties: {
    title?: string;
    markdown?: string;
    stacked?: boolean;
    alarms?: string[];
    metrics?: unknown[][];
    annotations?: { horizontal?: { value: number; label?: string }[] };
    yAxis?: { left?: { min?: number; label?: string } };
  };
}

interface Body {
  start: string;
  periodOverride: string;
  widgets: Widget[];
}

/** One line of a graph: a metric (namespace, name, dimensions, options) or a math expression. */
type Line =
  | { kind: 'metric'; namespace: string; name: string; dimensions: Record<string, string>; options: Record<string, unknown> }
  | { kind: 'expression'; options: Record<string, unknown> & { expression: string } };

/**
 * The dashboard's body, parsed: CDK renders it as a Fn::Join of JSON text and
 * tokens (function and queue names, alarm ARNs, the region), each token put
 * back as `token(...)` text so the whole parses as JSON.
 */
function bodyOf(template: Template): { id: string; name: unknown; body: Body } {
  const dashboards = Object.entries(template.findResources('AWS::CloudWatch::Dashboard')) as [
    string,
    { Properties: { DashboardName: unknown; DashboardBody: { 'Fn::Join': [string, unknown[]] } } },
  ][];
  expect(dashboards).toHaveLength(1);
  const [id, resource] = dashboards[0]!;
  const parts = resource.Properties.DashboardBody['Fn::Join'][1];
  const text = parts.map((part) => (typeof part === 'string' ? part : token(part))).join('');
  return { id, name: resource.Properties.DashboardName, body: JSON.parse(text) as Body };
}

function linesOf(widget: Widget): Line[] {
  return (widget.properties.metrics ?? []).map((row) => {
    const last = row[row.length - 1];
    const options = (typeof last === 'object' && last !== null ? last : {}) as Record<string, unknown>;
    if (typeof row[0] === 'object') return { kind: 'expression', options: row[0] as Line['options'] & { expression: string } };
    const [namespace, name, ...rest] = row.filter((cell) => typeof cell === 'string') as string[];
    const dimensions: Record<string, string> = {};
    for (let i = 0; i + 1 < rest.length; i += 2) dimensions[rest[i]!] = rest[i + 1]!;
    return { kind: 'metric', namespace: namespace!, name: name!, dimensions, options };
  });
}

const titled = (body: Body, title: string) => {
  const found = body.widgets.find((w) => w.properties.title === title);
  if (!found) throw new Error(`no widget titled "${title}"; found ${body.widgets.map((w) => JSON.stringify(w.properties.title)).join(', ')}`);
  return found;
};

const custom = (name: string, dimensions: Record<string, string>, options: Record<string, unknown>): Line => ({
  kind: 'metric',
  namespace: 'DockerReportsLake',
  name,
  dimensions: { ...dimensions, service: 'docker-reports-lake' },
  options,
});

const { stack, template } = synthStack({ alarms: { email: 'ops@example.com' } });
const { id: dashboardId, name, body } = bodyOf(template);
const perDay = (label: string) => ({ label, period: 86400, stat: 'Sum' });

describe('Construct: HealthDashboard', () => {
  it('is named after the stack and region, and the stack outputs its name', () => {
    // Assess
    expect(name).toEqual({ 'Fn::Join': ['', ['DockerReportsLake-', { Ref: 'AWS::Region' }, '-health']] });
    template.hasOutput('DashboardName', { Value: { Ref: dashboardId } });
  });

  it('keeps every widget\'s own period over two weeks, and lays the widgets out on the 24-column grid without overlap', () => {
    // Assess
    expect(body.start).toBe('-P14D');
    expect(body.periodOverride).toBe('inherit');
    const cells = new Set<string>();
    for (const widget of body.widgets) {
      expect(widget.x + widget.width).toBeLessThanOrEqual(24);
      for (let x = widget.x; x < widget.x + widget.width; x++) {
        for (let y = widget.y; y < widget.y + widget.height; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it('charts reports and bytes landed per org and day, stacked, as the functions publish them per org', () => {
    // Assess
    for (const [title, metric] of [
      ['Reports landed per org, per day', 'ReportsLanded'],
      ['Bytes landed per org, per day', 'BytesLanded'],
    ] as const) {
      const widget = titled(body, title);
      expect(widget.properties.stacked).toBe(true);
      expect(linesOf(widget)).toEqual([custom(metric, { org: 'acme' }, perDay('acme')), custom(metric, { org: 'globex' }, perDay('globex'))]);
    }
    expect(body.widgets.some((w) => w.properties.title?.includes('namespace'))).toBe(false);
  });

  it('charts the failures per day: the total the ReportFailures alarm watches, and each org\'s', () => {
    // Assess
    expect(linesOf(titled(body, 'Reports failed, per day'))).toEqual([
      custom('ReportsFailed', {}, perDay('all')),
      custom('ReportsFailed', { org: 'acme' }, perDay('acme')),
      custom('ReportsFailed', { org: 'globex' }, perDay('globex')),
    ]);
  });

  it('charts the depth of both dead-letter queues, hourly maximum', () => {
    // Assess
    const queue = (q: sqs.IQueue) => ({ QueueName: token(stack.resolve(q.queueName)) });
    expect(linesOf(titled(body, 'Dead-letter queue depth'))).toEqual([
      { kind: 'metric', namespace: 'AWS/SQS', name: 'ApproximateNumberOfMessagesVisible', dimensions: queue(stack.sync.syncDeadLetterQueue), options: { label: 'sync', period: 3600, stat: 'Maximum' } },
      {
        kind: 'metric',
        namespace: 'AWS/SQS',
        name: 'ApproximateNumberOfMessagesVisible',
        dimensions: queue(stack.sync.landDeadLetterQueue),
        options: { label: 'land-report', period: 3600, stat: 'Maximum' },
      },
    ]);
  });

  it('charts duration, errors and throttles of the sync, the worker and the API, hourly', () => {
    // Assess
    const functions = {
      sync: stack.sync.syncFunction.function,
      'land-report': stack.sync.landReportFunction.function,
      api: stack.api.handler.function,
    };
    const lambdaLine = (metric: string, fn: lambda.IFunction, options: Record<string, unknown>): Line => ({
      kind: 'metric',
      namespace: 'AWS/Lambda',
      name: metric,
      dimensions: { FunctionName: token(stack.resolve(fn.functionName)) },
      options: { period: 3600, ...options },
    });
    expect(linesOf(titled(body, 'Lambda duration (average, maximum)'))).toEqual(
      Object.entries(functions).flatMap(([label, fn]) => [
        // Average is the dashboard's default statistic: CDK leaves it out.
        lambdaLine('Duration', fn, { label: `${label} avg` }),
        lambdaLine('Duration', fn, { label: `${label} max`, stat: 'Maximum' }),
      ]),
    );
    for (const [title, metric] of [
      ['Lambda errors', 'Errors'],
      ['Lambda throttles', 'Throttles'],
    ] as const) {
      expect(linesOf(titled(body, title))).toEqual(Object.entries(functions).map(([label, fn]) => lambdaLine(metric, fn, { label, stat: 'Sum' })));
    }
  });

  it('shows every alarm of the stack in one status widget', () => {
    // Assess
    const alarms = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).map((id) => token({ 'Fn::GetAtt': [id, 'Arn'] }));
    expect(alarms).toHaveLength(7);
    expect([...titled(body, 'Alarms').properties.alarms!].sort()).toEqual(alarms.sort());
  });

  it('charts each org\'s hours since its newest landing from the metric its NoLanding alarm watches, with the alarm\'s window as the threshold line', () => {
    // Arrange
    const alarms = template.findResources('AWS::CloudWatch::Alarm');

    // Act
    const widget = titled(body, 'Hours since the newest landing, per org');
    const lines = linesOf(widget);

    // Assess
    expect(lines).toHaveLength(4);
    for (const [index, org] of ['acme', 'globex'].entries()) {
      const id = `landed${index}`;
      expect(lines[index * 2]).toEqual({
        kind: 'expression',
        options: { label: org, expression: `(EPOCH(${id}) - FILL(IF(${id} > 0, EPOCH(${id})), REPEAT)) / 3600`, period: 3600 },
      });
      const [, alarm] = Object.entries(alarms).find(([logicalId]) => logicalId.startsWith(`AlarmsNoLanding${org}`))! as [string, { Properties: Record<string, unknown> }];
      const watched = alarm.Properties as { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[]; Period: number; Statistic: string };
      expect(lines[index * 2 + 1]).toEqual({
        kind: 'metric',
        namespace: watched.Namespace,
        name: watched.MetricName,
        dimensions: Object.fromEntries(watched.Dimensions.map((d) => [d.Name, d.Value])),
        options: { id, visible: false, period: watched.Period, stat: watched.Statistic },
      });
    }
    expect(widget.properties.annotations?.horizontal).toEqual([expect.objectContaining({ value: 36, label: 'Alarm after 36 h without a landing' })]);
    expect(widget.properties.yAxis?.left).toMatchObject({ min: 0, label: 'hours' });
  });

  it('moves the threshold line with alarms.noLandingHours', () => {
    // Act
    const { body: configured } = bodyOf(synthStack({ orgs: ['acme'], alarms: { noLandingHours: 60 } }).template);

    // Assess
    const widget = titled(configured, 'Hours since the newest landing, per org');
    expect(widget.properties.annotations?.horizontal).toEqual([expect.objectContaining({ value: 60 })]);
    expect(linesOf(widget).filter((line) => line.kind === 'expression')).toHaveLength(1);
  });
});

describe('HealthDashboard: the metrics are the functions\' own', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('charts no custom metric (namespace, name, dimensions) that the functions do not publish', () => {
    // Arrange: what recordTotals, the one publisher of the landing metrics, prints as EMF for the stack's orgs.
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
    recordTotals(
      metrics,
      emptyTotals([
        { source: 'enterprise', scope: 'acme' },
        { source: 'enterprise', scope: 'globex' },
      ]),
    );
    metrics.publishStoredMetrics();

    // Act
    const emitted = new Set<string>();
    for (const line of printed) {
      const doc = JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } };
      for (const directive of doc._aws.CloudWatchMetrics) {
        for (const dimensions of directive.Dimensions) {
          for (const metric of directive.Metrics) {
            emitted.add(JSON.stringify([directive.Namespace, metric.Name, Object.fromEntries(dimensions.sort().map((key) => [key, String(doc[key])]))]));
          }
        }
      }
    }
    const charted = body.widgets
      .flatMap(linesOf)
      .filter((line): line is Extract<Line, { kind: 'metric' }> => line.kind === 'metric' && line.namespace === 'DockerReportsLake')
      .map((line) => JSON.stringify([line.namespace, line.name, Object.fromEntries(Object.entries(line.dimensions).sort())]));

    // Assess
    expect(charted.length).toBeGreaterThan(0);
    expect(charted.filter((metric) => !emitted.has(metric))).toEqual([]);
  });
});

describe('HealthDashboard: DVP namespaces', () => {
  it('charts each namespace beside the orgs once dvp.namespaces is set, its age from its NoExport alarm\'s own metric', () => {
    // Act
    const { template: t } = synthStack({ dvp: { namespaces: ['pubco'] } });
    const { body: dvp } = bodyOf(t);

    // Assess
    expect(linesOf(titled(dvp, 'Exports landed per namespace, per day'))).toEqual([custom('ReportsLanded', { namespace: 'pubco' }, perDay('pubco'))]);
    expect(linesOf(titled(dvp, 'Bytes landed per namespace, per day'))).toEqual([custom('BytesLanded', { namespace: 'pubco' }, perDay('pubco'))]);
    expect(linesOf(titled(dvp, 'Reports failed, per day'))).toContainEqual(custom('ReportsFailed', { namespace: 'pubco' }, perDay('pubco')));
    const [, alarm] = Object.entries(t.findResources('AWS::CloudWatch::Alarm')).find(([logicalId]) => logicalId.startsWith('AlarmsNoExportpubco'))! as [
      string,
      { Properties: { MetricName: string; Dimensions: { Name: string; Value: string }[]; Period: number; Statistic: string; Threshold: number } },
    ];
    const widget = titled(dvp, 'Hours since the newest landing, per namespace');
    expect(linesOf(widget)).toEqual([
      {
        kind: 'metric',
        namespace: 'DockerReportsLake',
        name: alarm.Properties.MetricName,
        dimensions: Object.fromEntries(alarm.Properties.Dimensions.map((d) => [d.Name, d.Value])),
        options: { label: 'pubco', period: alarm.Properties.Period, stat: alarm.Properties.Statistic },
      },
    ]);
    expect(alarm.Properties.Threshold).toBe(9 * 24);
    expect(widget.properties.annotations?.horizontal).toEqual([expect.objectContaining({ value: 216, label: 'Alarm after 216 h without a landing' })]);
    expect(widget.width).toBe(12);
    expect(titled(dvp, 'Hours since the newest landing, per org').width).toBe(12);
  });

  /** The construct alone, with a DVP alarm on the age metric and none for the org. */
  function dvpDashboard(): Body {
    const app = new App();
    const stack = new Stack(app, 'Test');
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('export const handler = () => {};') });
    const age = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: METRIC_NAMES.exportAge,
      dimensionsMap: { service: SERVICE_NAME, namespace: 'pubco' },
      statistic: cloudwatch.Stats.MINIMUM,
      period: Duration.days(1),
    });
    const alarm = new cloudwatch.Alarm(stack, 'NoExport', { metric: age, threshold: 216, evaluationPeriods: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD });
    new HealthDashboard(stack, 'Dashboard', {
      scopes: [{ source: 'enterprise', scopes: ['acme'] }, ...dvpScopes({ dvp: { namespaces: ['pubco'] } })],
      alarms: [alarm],
      functions: { sync: fn },
      deadLetterQueues: { sync: new sqs.Queue(stack, 'Dead') },
    });
    return bodyOf(Template.fromStack(stack)).body;
  }

  it('takes the namespaces from the configuration only when it has some', () => {
    // Assess
    expect(dvpScopes({})).toEqual([]);
    expect(dvpScopes({ dvp: { namespaces: [] } })).toEqual([]);
    expect(dvpScopes({ dvp: { namespaces: ['pubco', 'other'] } })).toEqual([{ source: 'dvp', scopes: ['pubco', 'other'] }]);
  });

  it('charts a namespace alarm\'s age metric as it is, full width when no org alarm needs the other half', () => {
    // Act
    const dvp = dvpDashboard();

    // Assess
    const widget = titled(dvp, 'Hours since the newest landing, per namespace');
    expect(linesOf(widget)).toEqual([custom('HoursSinceExportLanded', { namespace: 'pubco' }, { label: 'pubco', period: 86400, stat: 'Minimum' })]);
    expect(widget.properties.annotations?.horizontal).toEqual([expect.objectContaining({ value: 216, label: 'Alarm after 216 h without a landing' })]);
    // The orgs have no alarm here: no empty chart that would read as healthy.
    expect(dvp.widgets.some((w) => w.properties.title === 'Hours since the newest landing, per org')).toBe(false);
    expect(widget.width).toBe(24);
  });
});
