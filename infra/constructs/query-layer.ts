import { Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { QUERY_ROOT } from '../../shared/lake/layout.js';
import type { ReportLake } from './report-lake.js';

const GIB = 1024 * 1024 * 1024;

export interface QueryLayerProps {
  readonly lake: ReportLake;
  /** @default 'docker_reports' */
  readonly databaseName?: string;
  /** @default 'docker-reports' */
  readonly workGroupName?: string;
  /** A query that would scan more bytes is cancelled. @default 10 GiB */
  readonly bytesScannedCutoffPerQuery?: number;
}

/**
 * Athena over the lake: a Glue database (its tables are created and kept in
 * step with the lake by the sync, not by this stack, because report types
 * and columns are only known at run time), and a workgroup whose settings
 * users cannot override (results location and encryption, a scan cut-off).
 * The sync saves each table's day-one queries in the workgroup when it makes
 * the table, formed from the columns the table has.
 */
export class QueryLayer extends Construct {
  readonly databaseName: string;
  readonly workGroupName: string;
  readonly database: glue.CfnDatabase;
  readonly workGroup: athena.CfnWorkGroup;

  constructor(scope: Construct, id: string, props: QueryLayerProps) {
    super(scope, id);
    const { lake } = props;
    const stack = Stack.of(this);
    this.databaseName = props.databaseName ?? 'docker_reports';
    this.workGroupName = props.workGroupName ?? 'docker-reports';

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: this.databaseName,
        description: 'Docker usage reports: one table per report type and cadence, kept in step with Docker\'s schemas by the sync',
        locationUri: `${lake.uri}/${QUERY_ROOT}/`,
      },
    });

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'Queries over the Docker usage reports lake',
      state: 'ENABLED',
      // Without it, deleting the stack fails once anyone has run a query here (the history counts as
      // content). Results stay in the bucket until their lifecycle rule expires them.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? 10 * GIB,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${lake.bucket.bucketName}/${lake.athenaResultsPrefix}`,
          expectedBucketOwner: stack.account,
          encryptionConfiguration: lake.key
            ? { encryptionOption: 'SSE_KMS', kmsKey: lake.key.keyArn }
            : { encryptionOption: 'SSE_S3' },
        },
      },
    });
  }

  /**
   * What the sync needs to keep the report tables in step: read, create and
   * update tables of this database only (Glue checks the catalog, the database
   * and the table ARN on each call; table names come from Docker at run time),
   * and save named queries in this workgroup only.
   */
  grantTableSync(grantee: iam.IGrantable): void {
    const stack = Stack.of(this);
    const arn = (resource: string, resourceName?: string) =>
      stack.formatArn({ service: 'glue', resource, resourceName });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['glue:GetTable', 'glue:CreateTable', 'glue:UpdateTable'],
      resourceArns: [arn('catalog'), arn('database', this.databaseName), arn('table', `${this.databaseName}/*`)],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['athena:ListNamedQueries', 'athena:BatchGetNamedQuery', 'athena:CreateNamedQuery'],
      resourceArns: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroupName })],
    });
    if (Construct.isConstruct(grantee)) {
      NagSuppressions.addResourceSuppressions(
        grantee,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason:
              'Table names come from Docker at run time (one per report type and cadence); the grant covers the tables of this ' +
              'database only, with three listed actions.',
            appliesTo: [`Resource::arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/${this.databaseName}/*`],
          },
        ],
        true,
      );
    }
  }
}
