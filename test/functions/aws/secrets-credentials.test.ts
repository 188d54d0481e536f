import { randomUUID } from 'node:crypto';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretsCredentials, oatFrom, secretName } from '../../../shared/aws/secrets-credentials.js';
import { ConfigError } from '../../../shared/errors.js';

const ACME = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:docker-reports/acme-AbCdEf';
/** Obviously fake, and new on every run. */
const OAT = `test-oat-${randomUUID()}`;
const secrets = mockClient(SecretsManagerClient);

function credentials(maxAgeSeconds?: number): SecretsCredentials {
  const client = new SecretsManagerClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return new SecretsCredentials({ secretIds: { acme: ACME }, provider: new SecretsProvider({ awsSdkV3Client: client }), maxAgeSeconds });
}

beforeEach(() => {
  secrets.reset();
});

describe('Class: SecretsCredentials', () => {
  describe('Method: oat', () => {
    it("reads the org's secret by its ARN and returns the token", async () => {
      // Prepare
      secrets.on(GetSecretValueCommand, { SecretId: ACME }).resolves({ SecretString: `${OAT}\n` });

      // Act
      const oat = await credentials().oat('acme');

      // Assess
      expect(oat).toBe(OAT);
    });

    it('reads the secret once per execution environment while it is fresh', async () => {
      // Prepare
      secrets.on(GetSecretValueCommand).resolves({ SecretString: OAT });
      const subject = credentials(300);

      // Act
      await subject.oat('acme');
      await subject.oat('acme');

      // Assess
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    });

    it('explains a secret created empty (no AWSCURRENT version yet) with the put-secret-value command, and no value', async () => {
      // Prepare
      secrets.on(GetSecretValueCommand).rejects(
        new ResourceNotFoundException({
          message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
          $metadata: {},
        }),
      );

      // Act
      const read = credentials().oat('acme');

      // Assess
      await expect(read).rejects.toThrow(ConfigError);
      await expect(read).rejects.toThrow(
        `The secret docker-reports/acme holds no OAT for org acme yet. Store an Organization Access Token of acme with the "Report read" scope: ` +
          `aws secretsmanager put-secret-value --secret-id ${ACME} --secret-string '<OAT>'`,
      );
    });

    it.each(['', '   ', 'PLACEHOLDER', 'changeme', '{}', '{"oat": ""}'])('treats the placeholder value %j as "no OAT yet"', async (value) => {
      // Prepare
      secrets.on(GetSecretValueCommand).resolves({ SecretString: value });

      // Act
      const read = credentials().oat('acme');

      // Assess
      await expect(read).rejects.toThrow(/holds no OAT for org acme yet.*put-secret-value/);
    });

    it('says a secret that does not exist does not exist', async () => {
      // Prepare
      secrets.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} }));

      // Act
      const read = credentials().oat('acme');

      // Assess
      await expect(read).rejects.toThrow('The secret docker-reports/acme for org acme does not exist');
    });

    it('names the missing permission when access is denied', async () => {
      // Prepare
      secrets.on(GetSecretValueCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));

      // Act
      const read = credentials().oat('acme');

      // Assess
      await expect(read).rejects.toThrow(/may not read the secret docker-reports\/acme .*kms:Decrypt/);
    });

    it('refuses an org without a configured secret before calling AWS', async () => {
      // Act
      const read = credentials().oat('globex');

      // Assess
      await expect(read).rejects.toThrow('No secret is configured for org globex');
      expect(secrets.calls()).toHaveLength(0);
    });
  });

  describe('Method: describe', () => {
    it('names the secret, as error messages of the engine quote it', () => {
      // Assess
      expect(credentials().describe('acme')).toBe('the secret docker-reports/acme');
    });
  });
});

describe('Function: oatFrom', () => {
  it.each([
    [OAT, OAT],
    [`{"oat":"${OAT}"}`, OAT],
    [new TextEncoder().encode(OAT), OAT],
    [undefined, undefined],
    [' placeholder ', undefined],
  ])('reads %j as %j', (value, expected) => {
    // Assess
    expect(oatFrom(value)).toBe(expected);
  });
});

describe('Function: secretName', () => {
  it('drops the ARN and its random suffix', () => {
    // Assess
    expect(secretName(ACME)).toBe('docker-reports/acme');
    expect(secretName('docker-reports/acme')).toBe('docker-reports/acme');
  });
});
