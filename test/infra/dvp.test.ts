import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parseStackConfig } from '../../infra/config/read-stack-config.js';
import { parseSyncRequest } from '../../functions/sync/sync-request.js';
import { actionsOf, policyStatements, synthStack } from './synth-stack.js';

const OTHER_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shared/dvp/other-ns-AbCdEf';
const { template } = synthStack({ dvp: { namespaces: ['pubco', 'other-ns'], existing: { 'other-ns': OTHER_ARN } } });
const without = synthStack().template;

type Resource = { Properties: Record<string, unknown>; DeletionPolicy?: string };

function secretsReads(): Record<string, unknown>[] {
  return policyStatements(template)
    .filter(({ statement }) => actionsOf(statement).some((action) => action.startsWith('secretsmanager:')))
    .map(({ statement }) => statement);
}

describe('Stack: DVP namespaces', () => {
  describe('configuration', () => {
    it('defaults to no namespace, Tuesday and 2nd-of-month schedules and a 9-day alarm', () => {
      // Act
      const config = parseStackConfig({ orgs: ['acme'] });

      // Assess
      expect(config.dvp).toEqual({
        namespaces: [],
        existing: {},
        schedules: { weekly: 'cron(0 8 ? * TUE *)', monthly: 'cron(0 8 2 * ? *)' },
        noLandingDays: 9,
      });
    });

    it.each([
      [{ namespaces: ['Pub Co'] }, /dvp\.namespaces\.0: must be lowercase/],
      [{ namespaces: ['pubco', 'pubco'] }, /dvp\.namespaces: must not repeat a namespace/],
      [{ namespaces: ['pubco'], existing: { other: OTHER_ARN } }, /dvp\.existing\.other: names namespace other, which is not in dvp\.namespaces/],
      [{ namespaces: ['pubco'], existing: { pubco: 'docker-reports/dvp/pubco' } }, /dvp\.existing\.pubco: must be the complete ARN/],
      [{ schedules: { weekly: 'every tuesday' } }, /dvp\.schedules\.weekly/],
      [{ schedules: { daily: 'cron(0 8 * * ? *)' } }, /dvp\.schedules: unknown setting\(s\) daily/],
    ])('refuses %j, naming the setting', (dvp, message) => {
      // Assess
      expect(() => parseStackConfig({ orgs: ['acme'], dvp })).toThrow(message);
    });
  });

  describe('secrets', () => {
    it('creates an empty secret docker-reports/dvp/<ns> for a namespace without one, and imports the one given', () => {
      // Assess
      const created = (Object.values(template.findResources('AWS::SecretsManager::Secret')) as Resource[]).filter((secret) =>
        String(secret.Properties.Name).includes('/dvp/'),
      );
      expect(created.map((secret) => secret.Properties.Name)).toEqual(['docker-reports/dvp/pubco']);
      expect(created[0]!.Properties).not.toHaveProperty('SecretString');
      expect(created[0]!.Properties).not.toHaveProperty('GenerateSecretString');
      expect(created[0]!.DeletionPolicy).toBe('Retain');
      const outputs = Object.values(template.findOutputs('*', { Description: Match.stringLikeRegexp('DVP namespace pubco') }));
      expect(JSON.stringify(outputs)).toContain(`--secret-string '{\\"username\\":\\"<Docker ID>\\",\\"pat\\":\\"<personal access token>\\"}'`);
    });

    it('lets the sync, the worker and the API read the namespaces\' secrets beside the orgs\', with GetSecretValue only', () => {
      // Assess
      const reads = secretsReads();
      expect(reads).toHaveLength(3);
      for (const statement of reads) {
        expect(statement.Action).toBe('secretsmanager:GetSecretValue');
        const resources = JSON.stringify(statement.Resource);
        expect(statement.Resource).toHaveLength(4);
        for (const id of ['OrgSecretsOatacme', 'OrgSecretsOatglobex', 'DvpSecretsLoginpubco']) expect(resources).toContain(id);
        expect(resources).toContain(OTHER_ARN);
        expect(resources).not.toContain('*');
      }
    });

    it('adds no DVP secret, grant, schedule or alarm when no namespace is configured', () => {
      // Assess
      expect(JSON.stringify(without.toJSON())).not.toMatch(/DvpSecrets|docker-reports\/dvp|Schedule-dvp|NoExport|DOCKER_REPORTS_DVP|HoursSinceExportLanded/);
    });
  });

  describe('functions', () => {
    it('tells the three functions the namespaces and their secret ARNs', () => {
      // Assess
      const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Resource[];
      const variables = functions
        .map((fn) => (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {})
        .filter((vars) => 'LAKE_BUCKET' in vars);
      expect(variables).toHaveLength(3);
      for (const vars of variables) {
        expect(vars.DOCKER_REPORTS_DVP_NAMESPACES).toBe('pubco,other-ns');
        expect(JSON.stringify(vars.DOCKER_REPORTS_DVP_SECRETS)).toMatch(/pubco.*DvpSecretsLoginpubco.*other-ns.*shared\/dvp\/other-ns/);
      }
    });
  });

  describe('schedules', () => {
    it('syncs DVP weekly exports on Tuesdays and monthly ones on the 2nd, UTC, naming the source', () => {
      // Assess
      const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')) as Resource[];
      const dvp = schedules
        .map((s) => [s.Properties.ScheduleExpression, (s.Properties.Target as { Input: string }).Input, s.Properties.ScheduleExpressionTimezone])
        .filter(([, input]) => String(input).includes('dvp'))
        .sort();
      expect(dvp).toEqual([
        ['cron(0 8 2 * ? *)', '{"sources":["dvp"],"cadences":["monthly"]}', 'Etc/UTC'],
        ['cron(0 8 ? * TUE *)', '{"sources":["dvp"],"cadences":["weekly"]}', 'Etc/UTC'],
      ]);
      expect(schedules).toHaveLength(5);
    });

    it('sends schedule inputs the sync understands as DVP-only runs', () => {
      // Assess
      const request = parseSyncRequest({ sources: ['dvp'], cadences: ['weekly'] }, { orgs: ['acme'], namespaces: ['pubco'] });
      expect(request).toEqual({ sources: ['dvp'], cadences: ['weekly'], fanOut: 'auto' });
    });
  });

  describe('the API', () => {
    it("adds Docker's DVP export paths as resources, IAM-authorized and validated like the others", () => {
      // Assess
      const { stack } = synthStack({ dvp: { namespaces: ['pubco'] } });
      const dvp = stack.api.api.methods.filter((m) => m.resource.path.startsWith('/namespaces'));
      expect(dvp.map((m) => `${m.httpMethod} ${m.resource.path}`).sort()).toEqual([
        'GET /namespaces/{namespace}/pulls/exports/years',
        'GET /namespaces/{namespace}/pulls/exports/years/{year}/{timespan}',
        'GET /namespaces/{namespace}/pulls/exports/years/{year}/{timespan}/{n}',
        'GET /namespaces/{namespace}/pulls/exports/years/{year}/{timespan}/{n}/{view}',
      ]);
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'GET',
        AuthorizationType: 'AWS_IAM',
        RequestValidatorId: Match.anyValue(),
        RequestParameters: {
          'method.request.path.namespace': true,
          'method.request.path.year': true,
          'method.request.path.timespan': true,
          'method.request.path.n': true,
          'method.request.path.view': true,
        },
        Integration: Match.objectLike({ Type: 'AWS_PROXY' }),
      });
    });

    it('adds no DVP path to a stack without namespaces', () => {
      // Assess
      expect(synthStack().stack.api.api.methods.some((m) => m.resource.path.startsWith('/namespaces'))).toBe(false);
    });
  });

  describe('alarm', () => {
    it('raises an alarm per namespace when its newest export landed more than 9 days ago', () => {
      // Assess
      for (const namespace of ['pubco', 'other-ns']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'DockerReportsLake',
          MetricName: 'HoursSinceExportLanded',
          Dimensions: Match.arrayWith([{ Name: 'namespace', Value: namespace }, { Name: 'service', Value: 'docker-reports-lake' }]),
          Statistic: 'Minimum',
          Period: 86400,
          EvaluationPeriods: 1,
          Threshold: 216,
          ComparisonOperator: 'GreaterThanThreshold',
          AlarmDescription: Match.stringLikeRegexp(`namespace ${namespace} in 9 days`),
          AlarmActions: [Match.anyValue()],
        });
      }
    });
  });
});
