import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { FUNCTION_ENV, readFunctionConfig } from '../../../shared/aws/function-config.js';
import { PseudonymKeySecret } from '../../../shared/aws/pseudonym-key-secret.js';
import { ConfigError } from '../../../shared/errors.js';
import { hmacKeyPads } from '../../../shared/query/pseudonymize.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:PseudonymKeySecret-AbCdEf';
/** Obviously fake, and new on every run. */
const KEY = `fakeTestKey${randomBytes(24).toString('hex')}`;
const secrets = mockClient(SecretsManagerClient);

function keySecret(): PseudonymKeySecret {
  const client = new SecretsManagerClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return new PseudonymKeySecret({ secretId: ARN, provider: new SecretsProvider({ awsSdkV3Client: client }) });
}

beforeEach(() => {
  secrets.reset();
});

describe('Class: PseudonymKeySecret', () => {
  it('reads the key by ARN through Powertools, once while it is fresh, as the pads of the trimmed text', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: `${KEY}\n` });
    const subject = keySecret().pseudonymization(['hub_username']);

    const [first, second] = [await subject.key(), await subject.key()];

    expect(first).toEqual(hmacKeyPads(KEY));
    expect(second).toBe(first);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it.each([
    ['a missing secret', () => secrets.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} })), /does not exist .*redeploy the stack/],
    ['an access denied', () => secrets.on(GetSecretValueCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' })), /may not read .*access denied/],
    ['a short value', () => secrets.on(GetSecretValueCommand).resolves({ SecretString: 'fake-short' }), /is too short \(10 characters; at least 32\)/],
  ])('says what to do about %s, naming the secret and never its value', async (_label, arrange, message) => {
    arrange();

    const failure = await keySecret()
      .pads()
      .then(
        () => undefined,
        (error: unknown) => error as Error,
      );

    expect(failure).toBeInstanceOf(ConfigError);
    expect(failure!.message).toMatch(message);
    expect(failure!.message).toMatch(/PseudonymKeySecret/);
    expect(failure!.message).not.toContain('fake-short');
  });
});

describe('Function: readFunctionConfig, pseudonymisation', () => {
  const ENV = {
    [FUNCTION_ENV.orgs]: 'acme',
    [FUNCTION_ENV.orgSecrets]: JSON.stringify({ acme: 'arn:acme' }),
    [FUNCTION_ENV.bucket]: 'lake-bucket',
    [FUNCTION_ENV.glueDatabase]: 'docker_reports',
    [FUNCTION_ENV.athenaWorkGroup]: 'docker-reports',
  };

  it('reads the columns and the key secret the stack sets, and none by default', () => {
    expect(readFunctionConfig(ENV).pseudonymize).toBeUndefined();
    expect(readFunctionConfig({ ...ENV, [FUNCTION_ENV.pseudonymize]: 'hub_username, ip_address', [FUNCTION_ENV.pseudonymKeySecret]: ARN }).pseudonymize).toEqual({
      columns: ['hub_username', 'ip_address'],
      keySecret: ARN,
    });
  });

  it('refuses columns without a key secret, or names that are not column names', () => {
    expect(() => readFunctionConfig({ ...ENV, [FUNCTION_ENV.pseudonymize]: 'hub_username' })).toThrow(/names no key secret\. Redeploy the stack/);
    expect(() => readFunctionConfig({ ...ENV, [FUNCTION_ENV.pseudonymize]: 'Hub User', [FUNCTION_ENV.pseudonymKeySecret]: ARN })).toThrow(/must be column names/);
  });
});
