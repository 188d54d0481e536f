import { describe, expect, it } from 'vitest';
import { REPORT_EVENT_SOURCE } from '../../shared/aws/report-events.js';
import { actionsOf, policyStatements, synthStack } from './synth-stack.js';

const VARIANTS = {
  default: synthStack({ alarms: { email: 'ops@example.com' } }).template,
  'existing bucket and secret': synthStack({
    lake: { existingBucketName: 'corp-data-lake' },
    secrets: { existing: { acme: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:docker/acme-AbCdEf' } },
  }).template,
};

/** What each function may do, as `service:Action`, sorted. */
function actionsOfRole(template: (typeof VARIANTS)['default'], rolePrefix: string): string[] {
  return policyStatements(template)
    .filter(({ policy }) => policy.startsWith(rolePrefix))
    .flatMap(({ statement }) => actionsOf(statement))
    .sort();
}

type Template = (typeof VARIANTS)['default'];
type Resource = { Properties: Record<string, unknown> };

/** Logical ids of the roles a service principal assumes. */
function rolesAssumedBy(template: Template, service: string): string[] {
  return Object.entries(template.findResources('AWS::IAM::Role'))
    .filter(([, role]) => JSON.stringify((role as Resource).Properties.AssumeRolePolicyDocument).includes(`"Service":"${service}"`))
    .map(([id]) => id);
}

/** Logical ids of the roles a policy is attached to. */
function rolesOfPolicy(template: Template, policy: string): string[] {
  const roles = ((template.findResources('AWS::IAM::Policy')[policy] as Resource).Properties.Roles ?? []) as { Ref: string }[];
  return roles.map((role) => role.Ref);
}

describe('IAM: least privilege', () => {
  describe.each(Object.entries(VARIANTS))('%s configuration', (_name, template) => {
    it('allows no wildcard action, anywhere', () => {
      // Assess
      for (const { policy, statement } of policyStatements(template)) {
        for (const action of actionsOf(statement)) expect(action, `${policy}: ${action}`).not.toContain('*');
      }
    });

    it('allows no action on every resource', () => {
      // Assess
      for (const { policy, statement } of policyStatements(template)) {
        const resources = ([] as unknown[]).concat(statement.Resource);
        expect(resources, policy).not.toContain('*');
      }
    });

    it('uses no AWS managed policy (AWSLambdaBasicExecutionRole may write to every log group)', () => {
      // Assess
      for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
        expect((role as { Properties: Record<string, unknown> }).Properties).not.toHaveProperty('ManagedPolicyArns');
      }
    });

    it('lets each function write logs only to its own log group', () => {
      // Assess
      const lambdaRoles = rolesAssumedBy(template, 'lambda.amazonaws.com');
      expect(lambdaRoles).toHaveLength(3);
      const logging = policyStatements(template).filter(
        ({ policy, statement }) => lambdaRoles.some((role) => rolesOfPolicy(template, policy).includes(role)) && actionsOf(statement).some((a) => a.startsWith('logs:')),
      );
      expect(logging).toHaveLength(3);
      for (const { statement } of logging) expect(statement.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/Logs/), 'Arn'] });
    });

    it('lets API Gateway\'s account role write logs, to log groups of this account and region only', () => {
      // Assess
      const [role] = rolesAssumedBy(template, 'apigateway.amazonaws.com');
      const statements = policyStatements(template).filter(({ policy }) => rolesOfPolicy(template, policy).includes(role!));
      expect(statements).toHaveLength(1);
      expect(actionsOf(statements[0]!.statement).every((a) => a.startsWith('logs:'))).toBe(true);
      expect(JSON.stringify(statements[0]!.statement.Resource)).toMatch(/":logs:",\{"Ref":"AWS::Region"\},":",\{"Ref":"AWS::AccountId"\},":log-group:\*"\]\]\}$/);
    });
  });

  it('lists exactly what the sync may do', () => {
    // Assess
    expect(actionsOfRole(VARIANTS.default, 'SyncRole')).toEqual([
      'athena:BatchGetNamedQuery',
      'athena:CreateNamedQuery',
      'athena:ListNamedQueries',
      'events:PutEvents',
      'glue:CreateTable',
      'glue:GetTable',
      'glue:UpdateTable',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      's3:AbortMultipartUpload',
      's3:DeleteObject',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
      'secretsmanager:GetSecretValue',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
  });

  it('lists exactly what the worker may do: the same, but receive from its queue instead of sending', () => {
    // Assess
    const worker = actionsOfRole(VARIANTS.default, 'SyncLandReportRole');
    expect(worker.filter((a) => a.startsWith('sqs:'))).toEqual(['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage']);
    expect(worker.filter((a) => !a.startsWith('sqs:'))).toEqual(actionsOfRole(VARIANTS.default, 'SyncRole').filter((a) => !a.startsWith('sqs:')));
  });

  it('confines S3 access to the lake\'s audit and query trees, its leases and its event outbox, listing included', () => {
    // Assess
    const s3 = policyStatements(VARIANTS['existing bucket and secret']).filter(({ statement }) => actionsOf(statement).some((a) => a.startsWith('s3:')));
    expect(s3.map(({ policy }) => policy.replace(/[A-F0-9]{8}$/, '')).sort()).toEqual([
      'ApiHandlerRoleDefaultPolicy',
      'ApiHandlerRoleDefaultPolicy',
      'SyncLandReportRoleDefaultPolicy',
      'SyncLandReportRoleDefaultPolicy',
      'SyncRoleDefaultPolicy',
      'SyncRoleDefaultPolicy',
    ]);
    const bucket = (suffix: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::corp-data-lake${suffix}`]] });
    for (const { statement } of s3) {
      if (statement.Action === 's3:ListBucket') {
        expect(statement).toEqual({
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: bucket(''),
          Condition: { StringLike: { 's3:prefix': ['enterprise/*', 'dvp/*', 'query/*', '_leases/*', '_outbox/*'] } },
        });
      } else {
        expect(statement).toEqual({
          Effect: 'Allow',
          Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'],
          // CDK sorts the resources of a merged statement.
          Resource: [bucket('/_leases/*'), bucket('/_outbox/*'), bucket('/dvp/*'), bucket('/enterprise/*'), bucket('/query/*')],
        });
      }
    }
  });

  it('lets each function that lands keep, list and remove pending landing events in the lake\'s outbox', () => {
    // Assess: the sync re-sends them; the sync, the worker and the API each keep their own refused ones.
    for (const role of ['SyncRole', 'SyncLandReportRole', 'ApiHandlerRole']) {
      const s3 = policyStatements(VARIANTS.default).filter(({ policy, statement }) => policy.startsWith(role) && actionsOf(statement).some((a) => a.startsWith('s3:')));
      const objects = s3.find(({ statement }) => actionsOf(statement).includes('s3:PutObject'))!.statement;
      expect(actionsOf(objects), role).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:DeleteObject']));
      expect(JSON.stringify(objects.Resource), role).toContain('/_outbox/*');
      const listing = s3.find(({ statement }) => actionsOf(statement).includes('s3:ListBucket'))!.statement;
      expect(listing.Condition, role).toEqual({ StringLike: { 's3:prefix': expect.arrayContaining(['_outbox/*']) } });
    }
  });

  it('lists exactly what the API may do: land like the worker, and nothing of SQS', () => {
    // Assess
    const worker = actionsOfRole(VARIANTS.default, 'SyncLandReportRole');
    expect(actionsOfRole(VARIANTS.default, 'ApiHandlerRole')).toEqual(worker.filter((a) => !a.startsWith('sqs:')));
  });

  it('sends events to the default bus only, and only with the engine\'s own source', () => {
    // Assess
    const events = policyStatements(VARIANTS.default).filter(({ statement }) => actionsOf(statement).includes('events:PutEvents'));
    expect(events.map(({ policy }) => policy.replace(/[A-F0-9]{8}$/, '')).sort()).toEqual(['ApiHandlerRoleDefaultPolicy', 'SyncLandReportRoleDefaultPolicy', 'SyncRoleDefaultPolicy']);
    for (const { statement } of events) {
      expect(JSON.stringify(statement.Resource)).toMatch(/:event-bus\/default"\]\]\}$/);
      expect(statement.Condition).toEqual({ StringEquals: { 'events:source': REPORT_EVENT_SOURCE } });
    }
  });
});
