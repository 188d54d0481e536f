import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DAY_ONE_QUERIES } from '../../shared/lake/day-one-queries.js';
import { synthStack } from './synth-stack.js';

const { template } = synthStack();

describe('Construct: QueryLayer', () => {
  it('creates the Glue database the sync keeps its tables in, over the query copies', () => {
    // Assess
    template.hasResourceProperties('AWS::Glue::Database', {
      CatalogId: { Ref: 'AWS::AccountId' },
      DatabaseInput: {
        Name: 'docker_reports',
        LocationUri: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^LakeBucket') }, '/query/enterprise/']] },
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

  it('saves the day-one queries in the workgroup, against the database', () => {
    // Assess
    const saved = Object.values(template.findResources('AWS::Athena::NamedQuery')) as { Properties: Record<string, unknown>; DependsOn: string[] }[];
    expect(saved.map((q) => q.Properties.Name).sort()).toEqual(DAY_ONE_QUERIES.map((q) => q.name).sort());
    for (const query of DAY_ONE_QUERIES) {
      template.hasResourceProperties('AWS::Athena::NamedQuery', {
        Name: query.name,
        Description: query.description,
        QueryString: query.sql,
        Database: 'docker_reports',
        WorkGroup: { Ref: Match.stringLikeRegexp('^QueryWorkGroup') },
      });
    }
    expect(saved.every((q) => q.DependsOn.some((id) => id.startsWith('QueryDatabase')))).toBe(true);
  });

  it('lets the three functions (sync, worker, API) get, create and update the tables of this database only', () => {
    // Assess
    const glue = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) =>
      (p as { Properties: { PolicyDocument: { Statement: { Action: string[] | string; Resource: unknown }[] } } }).Properties.PolicyDocument.Statement.filter((s) =>
        JSON.stringify(s.Action).includes('glue:'),
      ),
    );
    expect(glue).toHaveLength(3);
    for (const statement of glue) {
      expect(statement.Action).toEqual(['glue:CreateTable', 'glue:GetTable', 'glue:UpdateTable']);
      const resources = JSON.stringify(statement.Resource);
      expect(resources).toContain(':catalog"');
      expect(resources).toContain(':database/docker_reports"');
      expect(resources).toContain(':table/docker_reports/*"');
      expect(resources.match(/\*/g)).toHaveLength(1);
    }
  });

  it('follows a configured database, workgroup and cut-off', () => {
    // Act
    const { template: t } = synthStack({ query: { databaseName: 'reports_prod', workGroupName: 'reports', bytesScannedCutoffMiB: 100 } });

    // Assess
    t.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: Match.objectLike({ Name: 'reports_prod' }) });
    t.hasResourceProperties('AWS::Athena::WorkGroup', { Name: 'reports', WorkGroupConfiguration: Match.objectLike({ BytesScannedCutoffPerQuery: 100 * 1024 * 1024 }) });
    t.hasResourceProperties('AWS::Athena::NamedQuery', { Database: 'reports_prod' });
  });
});
