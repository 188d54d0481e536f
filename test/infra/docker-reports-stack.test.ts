import { Token } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { REPORT_EVENT_SOURCE, REPORT_LANDED_DETAIL_TYPE } from '../../shared/aws/report-events.js';
import { synthStack } from './synth-stack.js';

const { stack, template } = synthStack();

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
