import { Annotations, CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { REPORT_EVENT_SOURCE, REPORT_LANDED_DETAIL_TYPE } from '../shared/aws/report-events.js';
import { PLACEHOLDER_ORG, type StackConfig } from './config/stack-config.js';
import { DvpSecrets } from './constructs/dvp-secrets.js';
import { dvpScopes, HealthDashboard } from './constructs/health-dashboard.js';
import { OrgSecrets } from './constructs/org-secrets.js';
import { PseudonymKey } from './constructs/pseudonym-key.js';
import { QueryLayer } from './constructs/query-layer.js';
import { ReportLake } from './constructs/report-lake.js';
import { ReportSync } from './constructs/report-sync.js';
import { ReportsApi } from './constructs/reports-api.js';
import { SyncOnRequest } from './constructs/sync-on-request.js';
import { SyncAlarms } from './constructs/sync-alarms.js';

export interface DockerReportsStackProps extends StackProps {
  readonly config: StackConfig;
}

/**
 * One deployment of the Docker reports lake: the lake, the org secrets, the
 * query layer, the sync and its alarms, and the on-demand API (built from the
 * same lake, secrets and query layer), each a construct named after what it is.
 */
export class DockerReportsStack extends Stack {
  readonly lake: ReportLake;
  readonly secrets: OrgSecrets;
  /** One secret per DVP namespace (none when `dvp.namespaces` is empty). */
  readonly dvpSecrets: DvpSecrets;
  /** Present when `query.pseudonymize` names columns. */
  readonly pseudonymKey: PseudonymKey | undefined;
  readonly query: QueryLayer;
  readonly sync: ReportSync;
  readonly alarms: SyncAlarms;
  readonly api: ReportsApi;
  readonly syncOnRequest: SyncOnRequest;
  readonly healthDashboard: HealthDashboard;

  constructor(scope: Construct, id: string, props: DockerReportsStackProps) {
    super(scope, id, {
      description: 'Docker Enterprise usage reports landed in an S3 data lake, queryable with Athena (docker-reports-lake)',
      ...props,
    });
    const { config } = props;
    if (config.orgs.includes(PLACEHOLDER_ORG)) {
      Annotations.of(this).addWarningV2(
        'docker-reports:placeholder-org',
        `orgs still holds the placeholder ${PLACEHOLDER_ORG} from cdk.json: deploy with -c orgs=<your Docker org>[,<another>].`,
      );
    }
    const removalPolicy = config.lake.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.lake = new ReportLake(this, 'Lake', {
      prefix: config.lake.prefix,
      encryption: config.lake.encryption,
      existingBucketName: config.lake.existingBucketName,
      existingBucketKeyArn: config.lake.existingBucketKeyArn,
      removalPolicy,
      accessLogs: config.lake.accessLogs,
      retention: config.lake.retention,
    });
    this.secrets = new OrgSecrets(this, 'OrgSecrets', {
      orgs: config.orgs,
      namePrefix: config.secrets.namePrefix,
      existing: config.secrets.existing,
      removalPolicy,
    });
    this.dvpSecrets = new DvpSecrets(this, 'DvpSecrets', {
      namespaces: config.dvp.namespaces,
      namePrefix: config.secrets.namePrefix,
      existing: config.dvp.existing,
      removalPolicy,
    });
    // What every function that lands (or answers the API) is bound to: both sources' scopes and secrets.
    const scopes = { orgs: config.orgs, namespaces: config.dvp.namespaces, secrets: this.secrets, dvpSecrets: this.dvpSecrets };
    this.pseudonymKey =
      config.query.pseudonymize.length > 0 ? new PseudonymKey(this, 'PseudonymKey', { columns: config.query.pseudonymize, removalPolicy }) : undefined;
    this.query = new QueryLayer(this, 'Query', {
      lake: this.lake,
      databaseName: config.query.databaseName,
      workGroupName: config.query.workGroupName,
      bytesScannedCutoffPerQuery: config.query.bytesScannedCutoffMiB * 1024 * 1024,
    });
    this.sync = new ReportSync(this, 'Sync', {
      ...scopes,
      lake: this.lake,
      query: this.query,
      schedules: config.schedules,
      dvpSchedules: config.dvp.namespaces.length > 0 ? config.dvp.schedules : {},
      firstReportDate: config.query.firstReportDate,
      pseudonymKey: this.pseudonymKey,
      ...config.sync,
    });
    this.alarms = new SyncAlarms(this, 'Alarms', {
      orgs: config.orgs,
      namespaces: config.dvp.namespaces,
      noExportDays: config.dvp.noLandingDays,
      sync: this.sync,
      email: config.alarms.email,
      noLandingHours: config.alarms.noLandingHours,
    });
    this.api = new ReportsApi(this, 'Api', {
      ...scopes,
      lake: this.lake,
      query: this.query,
      firstReportDate: config.query.firstReportDate,
      pseudonymKey: this.pseudonymKey,
      dockerApiUrl: config.sync.dockerApiUrl,
      dockerHubUrl: config.sync.dockerHubUrl,
      dvpApiUrl: config.sync.dvpApiUrl,
      accessLogRemovalPolicy: removalPolicy,
      ephemeralStorageMiB: config.sync.ephemeralStorageMiB,
      ...config.api,
    });
    // POST /orgs/{org}/sync puts a request on the bus; this starts the sync for it.
    this.syncOnRequest = new SyncOnRequest(this, 'SyncOnRequest', {
      orgs: config.orgs,
      syncFunction: this.sync.syncFunction.function,
      deadLetterQueue: this.sync.syncDeadLetterQueue,
    });
    this.healthDashboard = new HealthDashboard(this, 'Dashboard', {
      scopes: [{ source: 'enterprise', scopes: config.orgs }, ...dvpScopes(config)],
      alarms: this.alarms.alarms,
      functions: { sync: this.sync.syncFunction.function, 'land-report': this.sync.landReportFunction.function, api: this.api.handler.function },
      deadLetterQueues: { sync: this.sync.syncDeadLetterQueue, 'land-report': this.sync.landDeadLetterQueue },
    });

    this.outputs(config);
  }

  private outputs(config: StackConfig): void {
    new CfnOutput(this, 'LakeBucketName', { value: this.lake.bucket.bucketName, description: 'The bucket the reports land in' });
    new CfnOutput(this, 'LakeUri', { value: this.lake.uri, description: 'The lake root (audit CSVs under enterprise/, query copies under query/)' });
    new CfnOutput(this, 'SyncFunctionName', {
      value: this.sync.syncFunction.function.functionName,
      description: 'Invoke to sync now: aws lambda invoke --function-name <this> --payload "{}" --cli-binary-format raw-in-base64-out out.json',
    });
    new CfnOutput(this, 'AthenaWorkGroup', { value: this.query.workGroupName, description: 'Run queries in this workgroup' });
    new CfnOutput(this, 'GlueDatabase', { value: this.query.databaseName, description: 'One table per report type and cadence' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn, description: 'Subscribe to receive the alarms' });
    new CfnOutput(this, 'DashboardName', { value: this.healthDashboard.dashboard.dashboardName, description: 'The CloudWatch dashboard of the pipeline\'s health' });
    new CfnOutput(this, 'LandingEventPattern', {
      value: JSON.stringify({ source: [REPORT_EVENT_SOURCE], 'detail-type': [REPORT_LANDED_DETAIL_TYPE] }),
      description: 'EventBridge pattern of the event sent after each landing (default bus)',
    });
    new CfnOutput(this, 'ApiUrl', {
      value: this.api.url,
      description: 'Base URL of the reports API (IAM/SigV4): GET <this>orgs/<org>/reports; see "The reports API" in README.md',
    });
    new CfnOutput(this, 'ApiInvokeArn', {
      value: this.api.invokeArn,
      description: 'Resource for a caller\'s execute-api:Invoke policy (narrow it: .../v1/GET/orgs/<org>/*)',
    });
    new CfnOutput(this, 'Orgs', { value: config.orgs.join(','), description: 'The Docker organizations synced' });
    if (config.dvp.namespaces.length > 0) {
      new CfnOutput(this, 'DvpNamespaces', { value: config.dvp.namespaces.join(','), description: 'The Docker Verified Publisher namespaces synced' });
    }
  }
}
