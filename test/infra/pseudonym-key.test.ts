import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { StackConfigError, parseStackConfig } from '../../infra/config/read-stack-config.js';
import { FUNCTION_ENV } from '../../shared/aws/function-config.js';
import { actionsOf, policyStatements, synthStack } from './synth-stack.js';

const PSEUDONYMIZE = { query: { pseudonymize: ['hub_username', 'ip_address', 'actor', 'client_ip'] } };

type Resource = { Properties: Record<string, unknown>; DeletionPolicy?: string };

function keySecrets(template: ReturnType<typeof synthStack>['template']): [string, Resource][] {
  return Object.entries(template.findResources('AWS::SecretsManager::Secret') as Record<string, Resource>).filter(([id]) => id.startsWith('PseudonymKey'));
}

describe('Construct: PseudonymKey', () => {
  const { template } = synthStack(PSEUDONYMIZE);

  it('is a secret whose value Secrets Manager generates: no value in the template, kept with the lake', () => {
    // Assess
    const secrets = keySecrets(template);
    expect(secrets).toHaveLength(1);
    const [, secret] = secrets[0]!;
    expect(secret.Properties).not.toHaveProperty('SecretString');
    expect(secret.Properties.GenerateSecretString).toEqual({ PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false });
    expect(secret.DeletionPolicy).toBe('Retain');
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"SecretString"/);
  });

  it('tells the three landing functions the columns and the secret (its ARN, never a value)', () => {
    // Assess
    const functions = Object.values(template.findResources('AWS::Lambda::Function') as Record<string, Resource>).filter(
      (fn) => (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.[FUNCTION_ENV.bucket] !== undefined,
    );
    expect(functions).toHaveLength(3);
    for (const fn of functions) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables[FUNCTION_ENV.pseudonymize]).toBe('hub_username,ip_address,actor,client_ip');
      expect(variables[FUNCTION_ENV.pseudonymKeySecret]).toEqual({ Ref: keySecrets(template)[0]![0] });
    }
  });

  it('lets exactly those functions read the key (and their OATs), with GetSecretValue only', () => {
    // Assess
    const [id] = keySecrets(template)[0]!;
    const reads = policyStatements(template).filter(({ statement }) => JSON.stringify(statement.Resource).includes(id));
    expect(reads).toHaveLength(3);
    for (const { statement } of reads) {
      expect(actionsOf(statement)).toEqual(['secretsmanager:GetSecretValue']);
      // CDK merges the grants of one action into one statement: the orgs' two OATs and the key, nothing else.
      expect(statement.Resource).toEqual(expect.arrayContaining([{ Ref: id }]));
      expect(statement.Resource).toHaveLength(3);
      expect(JSON.stringify(statement.Resource)).not.toContain('*');
    }
    expect(policyStatements(template).filter(({ statement }) => actionsOf(statement).some((a) => a.startsWith('secretsmanager:')))).toHaveLength(3);
  });

  it('says where the key is', () => {
    // Assess
    const outputs = Object.values(template.findOutputs('*', { Description: Match.stringLikeRegexp('key of the pseudonymised query columns') }));
    expect(outputs).toHaveLength(1);
  });

  it('is not made, nor told to any function, when no column is pseudonymised', () => {
    // Act
    const { template: plain } = synthStack();

    // Assess
    expect(keySecrets(plain)).toEqual([]);
    expect(JSON.stringify(plain.toJSON())).not.toContain(FUNCTION_ENV.pseudonymize);
  });

  it('passes cdk-nag, the missing rotation suppressed with its reason', () => {
    // Act
    const { stack } = synthStack(PSEUDONYMIZE, { beforeSynth: (s) => Aspects.of(s).add(new AwsSolutionsChecks({ verbose: true })) });

    // Assess
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
  });
});

describe('Setting: query.pseudonymize', () => {
  it('takes column names as the tables spell them, none by default', () => {
    expect(parseStackConfig({ orgs: ['acme'] }).query.pseudonymize).toEqual([]);
    expect(parseStackConfig({ orgs: ['acme'], ...PSEUDONYMIZE }).query.pseudonymize).toEqual(PSEUDONYMIZE.query.pseudonymize);
  });

  it.each([
    [['Hub Username'], /query\.pseudonymize\.0: "Hub Username" is not a column name as the tables spell it .*did you mean hub_username\?/],
    [['ip_address', 'ip_address'], /query\.pseudonymize: must not repeat a column/],
    ['hub_username', /query\.pseudonymize: /],
  ])('refuses %j, saying what to write', (pseudonymize, message) => {
    expect(() => parseStackConfig({ orgs: ['acme'], query: { pseudonymize } })).toThrow(StackConfigError);
    expect(() => parseStackConfig({ orgs: ['acme'], query: { pseudonymize } })).toThrow(message);
  });
});
