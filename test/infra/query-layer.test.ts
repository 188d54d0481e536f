import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { FUNCTION_ENV } from '../../shared/aws/function-config.js';
import { actionsOf, policyStatements, synthStack } from './synth-stack.js';

const { template } = synthStack();
/** Everything the query layer lets a deployment change, changed at once. */
const { template: configured } = synthStack({ query: { databaseName: 'reports_prod', workGroupName: 'reports', bytesScannedCutoffMiB: 100 } });

/** The ARN of a workgroup of this stack's account and region, as CloudFormation writes it. */
const workGroupArn = (name: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':athena:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:workgroup/${name}`]],
});

/** The ARN of a Glue resource of this stack's account and region. */
const glueArn = (resource: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':glue:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, resource]],
});

/** Every statement that allows an Athena action, with the policy it is in. */
const athenaStatements = (t: typeof template) => policyStatements(t).filter(({ statement }) => actionsOf(statement).some((a) => a.startsWith('athena:')));

describe('Construct: QueryLayer', () => {
  it('creates the Glue database the sync keeps its tables in, over the query tree of every source', () => {
    // Assess
    template.resourceCountIs('AWS::Glue::Database', 1);
    template.hasResourceProperties('AWS::Glue::Database', {
      CatalogId: { Ref: 'AWS::AccountId' },
      DatabaseInput: {
        Name: 'docker_reports',
        LocationUri: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^LakeBucket') }, '/query/']] },
      },
    });
    template.resourceCountIs('AWS::Glue::Table', 0);
    template.resourceCountIs('AWS::Glue::Crawler', 0);
  });

  it('enforces the workgroup\'s results location under its own prefix, its encryption and a bytes-scanned cut-off', () => {
    // Assess
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'docker-reports',
      State: 'ENABLED',
      RecursiveDeleteOption: true,
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^LakeBucket') }, '/athena-results/']] },
          ExpectedBucketOwner: { Ref: 'AWS::AccountId' },
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LakeKey'), 'Arn'] } },
        },
      },
    });
  });

  it('saves no named query itself: the sync saves each table\'s day-one queries when it makes the table', () => {
    // Assess
    template.resourceCountIs('AWS::Athena::NamedQuery', 0);
    template.resourceCountIs('AWS::Athena::WorkGroup', 1);
  });

  it('lets the three functions (sync, worker, API) list, read and save named queries in the workgroup, nothing more', () => {
    // Assess
    const statements = athenaStatements(template);
    expect(statements.map(({ policy }) => policy.replace(/[A-F0-9]{8}$/, '')).sort()).toEqual([
      'ApiHandlerRoleDefaultPolicy',
      'SyncLandReportRoleDefaultPolicy',
      'SyncRoleDefaultPolicy',
    ]);
    for (const { statement } of statements) {
      expect(statement).toEqual({
        Effect: 'Allow',
        Action: ['athena:BatchGetNamedQuery', 'athena:CreateNamedQuery', 'athena:ListNamedQueries'],
        Resource: workGroupArn('docker-reports'),
      });
    }
  });

  it('lets the three functions (sync, worker, API) get, create and update the tables of this database only', () => {
    // Assess
    const glue = policyStatements(template).filter(({ statement }) => actionsOf(statement).some((a) => a.startsWith('glue:')));
    expect(glue).toHaveLength(3);
    for (const { statement } of glue) {
      expect(statement).toEqual({
        Effect: 'Allow',
        Action: ['glue:CreateTable', 'glue:GetTable', 'glue:UpdateTable'],
        Resource: [glueArn(':catalog'), glueArn(':database/docker_reports'), glueArn(':table/docker_reports/*')],
      });
    }
  });

  it('follows a configured database, workgroup and cut-off, in the resources, the grants and the functions\' environment', () => {
    // Assess
    configured.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: Match.objectLike({ Name: 'reports_prod' }) });
    configured.hasResourceProperties('AWS::Athena::WorkGroup', { Name: 'reports', WorkGroupConfiguration: Match.objectLike({ BytesScannedCutoffPerQuery: 100 * 1024 * 1024 }) });
    configured.resourceCountIs('AWS::Athena::NamedQuery', 0);
    const athena = athenaStatements(configured);
    expect(athena).toHaveLength(3);
    for (const { statement } of athena) expect(statement.Resource).toEqual(workGroupArn('reports'));
    const functions = Object.values(configured.findResources('AWS::Lambda::Function')) as { Properties: { Environment: { Variables: Record<string, unknown> } } }[];
    expect(functions).toHaveLength(3);
    for (const fn of functions) expect(fn.Properties.Environment.Variables).toMatchObject({ [FUNCTION_ENV.glueDatabase]: 'reports_prod', [FUNCTION_ENV.athenaWorkGroup]: 'reports' });
  });
});
