import { Token } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { FUNCTION_ENV } from '../../shared/aws/function-config.js';
import { REPORT_EVENT_SOURCE, REPORT_LANDED_DETAIL_TYPE } from '../../shared/aws/report-events.js';
import { synthStack } from './synth-stack.js';

const { stack, template } = synthStack();

type Resource = { Properties: Record<string, unknown> };

describe('Stack: DockerReportsStack', () => {
  it('is environment-agnostic: no account or region is baked in, so it synthesizes offline', () => {
    // Assess
    expect(Token.isUnresolved(stack.account)).toBe(true);
    expect(Token.isUnresolved(stack.region)).toBe(true);
    expect(stack.environment).toBe('aws://unknown-account/unknown-region');
  });

  it('tells people what to do next in its outputs: the function to invoke, the workgroup, the event pattern', () => {
    // Assess
    template.hasOutput('SyncFunctionName', { Value: { Ref: Match.stringLikeRegexp('^SyncFunction') } });
    template.hasOutput('AthenaWorkGroup', { Value: 'docker-reports' });
    template.hasOutput('GlueDatabase', { Value: 'docker_reports' });
    template.hasOutput('LandingEventPattern', {
      Value: JSON.stringify({ source: [REPORT_EVENT_SOURCE], 'detail-type': [REPORT_LANDED_DETAIL_TYPE] }),
    });
  });

  it('runs its three functions on x86_64, with 4096 MiB of /tmp by default', () => {
    // Assess
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Resource[];
    expect(functions).toHaveLength(3);
    for (const fn of functions) expect(fn.Properties).toMatchObject({ Architectures: ['x86_64'], EphemeralStorage: { Size: 4096 } });
  });

  it('gives all three functions the /tmp configured in sync.ephemeralStorageMiB: the API lands on demand too', () => {
    // Act
    const { template: t } = synthStack({ sync: { ephemeralStorageMiB: 6144 } });

    // Assess
    const functions = Object.values(t.findResources('AWS::Lambda::Function')) as Resource[];
    expect(functions.map((fn) => String(fn.Properties.Description).split(' ').slice(0, 2).join(' ')).sort()).toEqual([
      'Answers the',
      'Lands new',
      'Lands one',
    ]);
    for (const fn of functions) expect(fn.Properties.EphemeralStorage).toEqual({ Size: 6144 });
  });

  it('tells all three functions the Glue database and the Athena workgroup', () => {
    // Assess
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Resource[];
    expect(functions).toHaveLength(3);
    for (const fn of functions) {
      expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        [FUNCTION_ENV.glueDatabase]: 'docker_reports',
        [FUNCTION_ENV.athenaWorkGroup]: 'docker-reports',
      });
    }
  });

  it('warns when deployed with the placeholder org of cdk.json', () => {
    // Act
    const { stack: placeholder } = synthStack({ orgs: ['example-org'] });

    // Assess
    Annotations.fromStack(placeholder).hasWarning('*', Match.stringLikeRegexp('placeholder example-org.*-c orgs='));
  });

  it('takes its name from the configuration, for a second deployment in one account', () => {
    // Act
    const { stack: second, template: t } = synthStack({ stackName: 'DockerReportsLakeEu', query: { databaseName: 'docker_reports_eu', workGroupName: 'docker-reports-eu' }, secrets: { namePrefix: 'docker-reports-eu' } });

    // Assess
    expect(second.stackName).toBe('DockerReportsLakeEu');
    t.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'docker-reports-eu/acme' });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('placeholder'))).toEqual([]);
  });
});
