import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, METRIC_NAMES, SERVICE_NAME } from '../../shared/aws/sync-telemetry.js';
import { SOURCE_SPECS, specOf, type SourceId } from '../../shared/sources/index.js';

/** The scopes of one source the dashboard charts. */
export interface DashboardScopes {
  readonly source: SourceId;
  readonly scopes: readonly string[];
}

export interface HealthDashboardProps {
  /** Enterprise orgs, then (once configured) DVP namespaces; a source with no scopes gets no widgets. */
  readonly scopes: readonly DashboardScopes[];
  /**
   * The stack's alarms: all in one status widget, and each that watches one
   * scope (its metric has the source's scope dimension) as that scope's age
   * line, with its threshold as a horizontal annotation.
   */
  readonly alarms: readonly cloudwatch.Alarm[];
  /** The functions whose duration, errors and throttles are charted, by the name the charts give them. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** The dead-letter queues whose depth is charted, by the name the charts give them. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /** @default `{stackName}-{region}-health` (dashboard names are global to the account, hence the region) */
  readonly dashboardName?: string;
}

/** Daily sums: one report per org and cadence a day is the pipeline's heartbeat. */
const DAY = Duration.days(1);
/** The functions and queues per hour: a run lasts minutes, and a day would hide which run it was. */
const HOUR = Duration.hours(1);
const FULL = 24;
const HALF = 12;
const THIRD = 8;
const HEIGHT = 6;

/**
 * The stack's health on one screen: what landed per scope and day (reports
 * and bytes), what failed, what waits in the dead-letter queues, how long
 * each scope has gone without a landing against its alarm's threshold, and
 * the functions' duration, errors and throttles.
 *
 * Every custom metric is one the functions publish (the names and namespace
 * of shared/aws/sync-telemetry.ts, dimensions `service` plus the source's
 * scope key, as recordTotals writes them) or the very metric an alarm
 * watches, taken from the alarm. Periods are fixed per widget
 * (PeriodOverride.INHERIT): the dashboard's time range must not turn the
 * daily sums or the hourly age into other aggregates.
 */
export class HealthDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: HealthDashboardProps) {
    super(scope, id);
    const sources = props.scopes.filter((s) => s.scopes.length > 0);
    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: props.dashboardName ?? `${Stack.of(this).stackName}-${Aws.REGION}-health`,
      defaultInterval: Duration.days(14),
      periodOverride: cloudwatch.PeriodOverride.INHERIT,
    });

    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: [
          '# Docker reports lake: health',
          'Landings and failures per scope and day, dead letters, the time since each scope\'s newest landing against its ' +
            'no-landing alarm, and the functions. See "Alarms" and "Health dashboard" in the README.',
        ].join('\n'),
        width: FULL,
        height: 2,
      }),
    );
    if (props.alarms.length > 0) {
      this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: FULL, height: 3 }));
    }

    for (const source of sources) {
      const { words } = specOf(source.source);
      const noun = source.source === 'dvp' ? 'Exports' : 'Reports';
      this.dashboard.addWidgets(
        graph(`${noun} landed per ${words.scope}, per day`, source.scopes.map((s) => scopeMetric(source.source, s, METRIC_NAMES.landed, DAY)), {
          stacked: true,
          leftYAxis: { min: 0, label: 'count', showUnits: false },
        }),
        graph(`Bytes landed per ${words.scope}, per day`, source.scopes.map((s) => scopeMetric(source.source, s, METRIC_NAMES.bytes, DAY)), {
          stacked: true,
          leftYAxis: { min: 0 },
        }),
      );
    }

    // A widget only for a source that has scope alarms: an empty graph would read as "all fine".
    const watched = scopeAlarmsOf(props.alarms);
    const ages = [...new Set(watched.map((w) => w.source))].map((source, _index, all) =>
      ageWidget(source, watched.filter((w) => w.source === source), all.length > 1 ? HALF : FULL),
    );
    if (ages.length > 0) this.dashboard.addWidgets(...ages);

    const failures = sources.flatMap((source) => source.scopes.map((s) => scopeMetric(source.source, s, METRIC_NAMES.failed, DAY)));
    this.dashboard.addWidgets(
      graph(
        'Reports failed, per day',
        [
          // The service-wide total is what the ReportFailures alarm watches; the per-scope lines say whose.
          new cloudwatch.Metric({
            namespace: METRICS_NAMESPACE,
            metricName: METRIC_NAMES.failed,
            dimensionsMap: { service: SERVICE_NAME },
            statistic: cloudwatch.Stats.SUM,
            period: DAY,
            label: 'all',
          }),
          ...failures,
        ],
        { leftYAxis: { min: 0, label: 'count', showUnits: false } },
      ),
      graph(
        'Dead-letter queue depth',
        Object.entries(props.deadLetterQueues).map(([label, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: HOUR, label }),
        ),
        { leftYAxis: { min: 0, label: 'messages', showUnits: false } },
      ),
    );

    const functions = Object.entries(props.functions);
    this.dashboard.addWidgets(
      graph(
        'Lambda duration (average, maximum)',
        functions.flatMap(([label, fn]) => [
          fn.metricDuration({ statistic: cloudwatch.Stats.AVERAGE, period: HOUR, label: `${label} avg` }),
          fn.metricDuration({ statistic: cloudwatch.Stats.MAXIMUM, period: HOUR, label: `${label} max` }),
        ]),
        { width: THIRD, leftYAxis: { min: 0 } },
      ),
      graph(
        'Lambda errors',
        functions.map(([label, fn]) => fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: HOUR, label })),
        { width: THIRD, leftYAxis: { min: 0, label: 'count', showUnits: false } },
      ),
      graph(
        'Lambda throttles',
        functions.map(([label, fn]) => fn.metricThrottles({ statistic: cloudwatch.Stats.SUM, period: HOUR, label })),
        { width: THIRD, leftYAxis: { min: 0, label: 'count', showUnits: false } },
      ),
    );
  }
}

function graph(title: string, left: cloudwatch.IMetric[], props: Omit<cloudwatch.GraphWidgetProps, 'title' | 'left'> = {}): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left, width: HALF, height: HEIGHT, ...props });
}

/** A metric the functions publish per scope (recordTotals): dimensions `service` and the source's scope key. */
function scopeMetric(source: SourceId, scope: string, metricName: string, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME, [specOf(source).scopeKey]: scope },
    statistic: cloudwatch.Stats.SUM,
    period,
    label: scope,
  });
}

/** An alarm that watches one scope, as read from its metric and its CloudFormation properties. */
interface ScopeAlarm {
  readonly source: SourceId;
  readonly scope: string;
  readonly metric: cloudwatch.IMetric;
  readonly stat: cloudwatch.MetricStatConfig;
  readonly threshold: number;
  readonly evaluationPeriods: number;
}

/**
 * The alarms on a metric of ours with a scope dimension (`org`, `namespace`):
 * the "nothing landed" alarms. Read from the alarms themselves, so the chart
 * and the alarm cannot drift apart.
 */
function scopeAlarmsOf(alarms: readonly cloudwatch.Alarm[]): ScopeAlarm[] {
  const found: ScopeAlarm[] = [];
  for (const alarm of alarms) {
    const stat = alarm.metric.toMetricConfig().metricStat;
    const cfn = alarm.node.defaultChild;
    if (!stat || stat.namespace !== METRICS_NAMESPACE || !(cfn instanceof cloudwatch.CfnAlarm)) continue;
    const { threshold, evaluationPeriods } = cfn;
    if (threshold === undefined || evaluationPeriods === undefined) continue;
    for (const spec of Object.values(SOURCE_SPECS)) {
      const dimension = stat.dimensions?.find((d) => d.name === spec.scopeKey);
      if (!dimension) continue;
      found.push({
        source: spec.id,
        scope: String(dimension.value),
        metric: alarm.metric,
        stat,
        threshold,
        evaluationPeriods,
      });
    }
  }
  return found;
}

/**
 * Hours since each scope's newest landing, against the threshold of the
 * alarm that watches it, from that alarm's own metric:
 *
 * - An alarm on the landings themselves (the orgs': hourly sums of
 *   ReportsLanded, below 1 in each of N periods) holds no age, so it is
 *   computed: EPOCH gives every period's timestamp, IF keeps those of periods
 *   that landed something (the functions publish zeros too), FILL(REPEAT)
 *   carries the latest forward. The line is empty before the first landing in
 *   view. The alarm fires about when it crosses N periods, in hours.
 * - An alarm on an age already (DVP's hours since a namespace's newest
 *   export, which a count could not hold: CloudWatch evaluates at most 7
 *   days, the window is 9) is charted as it is, against its threshold.
 *
 * Any other per-scope alarm is left to the status widget: its metric is no age.
 */
function ageWidget(source: SourceId, alarms: readonly ScopeAlarm[], width: number): cloudwatch.GraphWidget {
  const lines: cloudwatch.IMetric[] = [];
  const thresholds = new Set<number>();
  alarms.forEach((watched, index) => {
    if (watched.stat.metricName === METRIC_NAMES.landed) {
      const id = `landed${index}`;
      lines.push(
        new cloudwatch.MathExpression({
          expression: `(EPOCH(${id}) - FILL(IF(${id} > 0, EPOCH(${id})), REPEAT)) / 3600`,
          usingMetrics: { [id]: watched.metric },
          period: watched.stat.period,
          label: watched.scope,
        }),
      );
      thresholds.add((watched.evaluationPeriods * watched.stat.period.toSeconds()) / 3600);
    } else if (watched.stat.metricName === METRIC_NAMES.exportAge) {
      lines.push(watched.metric instanceof cloudwatch.Metric ? watched.metric.with({ label: watched.scope }) : watched.metric);
      thresholds.add(watched.threshold);
    }
  });
  const { words } = specOf(source);
  return graph(`Hours since the newest landing, per ${words.scope}`, lines, {
    width,
    leftYAxis: { min: 0, label: 'hours', showUnits: false },
    leftAnnotations: [...thresholds].map((hours) => ({ value: hours, label: `Alarm after ${hours} h without a landing`, color: cloudwatch.Color.RED })),
  });
}

/**
 * The DVP namespaces, when the stack's configuration has some. Typed
 * structurally: a configuration without a `dvp` key (or one built in a test)
 * means none.
 */
export function dvpScopes(config: { readonly dvp?: { readonly namespaces: readonly string[] } }): DashboardScopes[] {
  const namespaces = config.dvp?.namespaces ?? [];
  return namespaces.length > 0 ? [{ source: 'dvp', scopes: namespaces }] : [];
}
