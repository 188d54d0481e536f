import { randomUUID } from 'node:crypto';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DvpSecretsCredentials, dvpLoginFrom } from '../../../shared/aws/dvp-secrets-credentials.js';
import { ConfigError } from '../../../shared/errors.js';

const PUBCO = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:docker-reports/dvp/pubco-AbCdEf';
/** Obviously fake, and new on every run. */
const PAT = `dckr_pat_test-${randomUUID()}`;
const secrets = mockClient(SecretsManagerClient);

function credentials(maxAgeSeconds?: number): DvpSecretsCredentials {
  const client = new SecretsManagerClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return new DvpSecretsCredentials({ secretIds: { pubco: PUBCO }, provider: new SecretsProvider({ awsSdkV3Client: client }), maxAgeSeconds });
}

beforeEach(() => {
  secrets.reset();
});

describe('Class: DvpSecretsCredentials', () => {
  it("reads the namespace's secret by its ARN and returns its user and token", async () => {
    // Prepare
    secrets.on(GetSecretValueCommand, { SecretId: PUBCO }).resolves({ SecretString: JSON.stringify({ username: 'pubbot', pat: PAT }) });

    // Act
    const login = await credentials().credentialsFor('pubco');

    // Assess
    expect(login).toEqual({ username: 'pubbot', pat: PAT });
  });

  it('reads the secret once per execution environment while it is fresh', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ username: 'pubbot', pat: PAT }) });
    const subject = credentials(300);

    // Act
    await subject.credentialsFor('pubco');
    await subject.credentialsFor('pubco');

    // Assess
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('explains a secret created empty with the put-secret-value command of its JSON', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).rejects(
      new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT", $metadata: {} }),
    );

    // Act
    const read = credentials().credentialsFor('pubco');

    // Assess
    await expect(read).rejects.toBeInstanceOf(ConfigError);
    await expect(read).rejects.toThrow(/docker-reports\/dvp\/pubco holds no Docker Hub login.*put-secret-value --secret-id arn:.*"username".*"pat"/);
  });

  it('says what is wrong with a secret missing its token, without quoting what it holds', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ username: PAT }) });

    // Act
    const read = credentials().credentialsFor('pubco');

    // Assess
    await expect(read).rejects.toThrow(/not JSON \{"username","pat"\} with both set/);
    await expect(read).rejects.not.toThrow(PAT);
  });

  it('refuses a namespace the stack gave no secret', async () => {
    // Assess
    await expect(credentials().credentialsFor('initech')).rejects.toThrow(/namespace initech.*dvp\.namespaces/);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });
});

describe('Function: dvpLoginFrom', () => {
  it.each([
    ['', 'missing'],
    ['{}', 'missing'],
    ['{"username":"<Docker ID>","pat":"<personal access token>"}', 'missing'],
    ['dckr_pat_plain', 'malformed'],
    ['{"username":"bot"}', 'malformed'],
    ['[1]', 'malformed'],
  ])('reads %j as %s', (value, expected) => {
    // Assess
    expect(dvpLoginFrom(value)).toBe(expected);
  });

  it('reads the key names the console suggests, trimmed', () => {
    // Assess
    expect(dvpLoginFrom(' {"username":" bot ","password":"tok"} ')).toEqual({ username: 'bot', pat: 'tok' });
  });
});
