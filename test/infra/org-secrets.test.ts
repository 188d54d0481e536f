import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { actionsOf, policyStatements, synthStack } from './synth-stack.js';

const GLOBEX_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shared/docker/globex-AbCdEf';
const { template } = synthStack();

describe('Construct: OrgSecrets', () => {
  it('creates one empty secret per org: no value in the template, none generated', () => {
    // Assess
    const secrets = template.findResources('AWS::SecretsManager::Secret');
    expect(Object.values(secrets).map((s) => (s as { Properties: { Name: string } }).Properties.Name).sort()).toEqual([
      'docker-reports/acme',
      'docker-reports/globex',
    ]);
    for (const secret of Object.values(secrets) as { Properties: Record<string, unknown>; DeletionPolicy: string }[]) {
      expect(secret.Properties).not.toHaveProperty('SecretString');
      expect(secret.Properties).not.toHaveProperty('GenerateSecretString');
      expect(secret.DeletionPolicy).toBe('Retain');
    }
  });

  it('prints the put-secret-value command of each created secret', () => {
    // Assess
    for (const org of ['acme', 'globex']) {
      const outputs = Object.values(template.findOutputs('*', { Description: `Store the OAT of org ${org}` }));
      expect(outputs).toHaveLength(1);
      expect(JSON.stringify(outputs[0])).toContain('aws secretsmanager put-secret-value --secret-id ');
    }
  });

  it('lets the three functions (sync, worker, API) read exactly the orgs\' secrets, with GetSecretValue only', () => {
    // Assess
    const reads = policyStatements(template).filter(({ statement }) => actionsOf(statement).some((a) => a.startsWith('secretsmanager:')));
    expect(reads).toHaveLength(3);
    for (const { statement } of reads) {
      expect(statement.Action).toBe('secretsmanager:GetSecretValue');
      expect(statement.Resource).toHaveLength(2);
      expect(JSON.stringify(statement.Resource)).toMatch(/OrgSecretsOatacme.*OrgSecretsOatglobex/);
      expect(JSON.stringify(statement.Resource)).not.toContain('*');
    }
  });

  it('imports an existing secret by ARN, creates the others, and grants exactly that ARN', () => {
    // Act
    const { template: t } = synthStack({ secrets: { existing: { globex: GLOBEX_ARN } } });

    // Assess
    t.resourceCountIs('AWS::SecretsManager::Secret', 1);
    t.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'docker-reports/acme' });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'secretsmanager:GetSecretValue', Resource: [GLOBEX_ARN, { Ref: Match.stringLikeRegexp('OrgSecretsOatacme') }] }),
        ]),
      },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DOCKER_REPORTS_ORG_SECRETS: Match.objectLike({ 'Fn::Join': Match.anyValue() }) }) },
    });
  });
});
