import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { CredentialSource } from '../docker/credentials.js';
import { ConfigError, DockerReportsError } from '../errors.js';

export interface SecretsCredentialsOptions {
  /** Secret id (name or ARN) of each org's Organization Access Token. */
  readonly secretIds: Readonly<Record<string, string>>;
  /** @default a Powertools SecretsProvider with its own Secrets Manager client */
  readonly provider?: Pick<SecretsProvider, 'get'>;
  /**
   * How long a secret is cached in the execution environment. Short enough
   * that a rotated OAT is picked up within minutes, long enough that a sync of
   * many reports reads it once. @default 300
   */
  readonly maxAgeSeconds?: number;
}

/** Values that mean "nobody stored the OAT yet" rather than a token. */
const PLACEHOLDERS = new Set(['', 'placeholder', 'changeme', 'change-me', 'change_me', 'todo', 'replace-me', '{}']);

/**
 * OATs from Secrets Manager, one secret per org, read through Powertools
 * Parameters (cached per execution environment). A secret holds the OAT as
 * plain text, or as JSON `{"oat": "..."}` for those who store key/value pairs.
 * An empty or placeholder secret is a {@link ConfigError} that gives the one
 * command which fixes it. No message ever carries the secret's value.
 *
 * @example
 * const credentials = new SecretsCredentials({ secretIds: { acme: 'arn:aws:secretsmanager:...:secret:docker-reports/acme-AbCdEf' } });
 * const oat = await credentials.oat('acme');
 */
export class SecretsCredentials implements CredentialSource {
  private readonly provider: Pick<SecretsProvider, 'get'>;
  private readonly maxAge: number;

  constructor(private readonly options: SecretsCredentialsOptions) {
    this.provider = options.provider ?? new SecretsProvider();
    this.maxAge = options.maxAgeSeconds ?? 300;
  }

  async oat(org: string): Promise<string> {
    const secretId = this.secretIdOf(org);
    let value: unknown;
    try {
      value = await this.provider.get(secretId, { maxAge: this.maxAge });
    } catch (error) {
      throw this.readFailure(org, secretId, error);
    }
    const oat = oatFrom(value);
    if (oat === undefined) throw new ConfigError(this.emptyMessage(org, secretId));
    return oat;
  }

  describe(org: string): string {
    return `the secret ${secretName(this.options.secretIds[org] ?? `(none configured for ${org})`)}`;
  }

  private secretIdOf(org: string): string {
    const id = this.options.secretIds[org];
    if (!id) {
      throw new ConfigError(`No secret is configured for org ${org}: add the org to the stack's orgs and redeploy.`);
    }
    return id;
  }

  private emptyMessage(org: string, secretId: string): string {
    return (
      `The secret ${secretName(secretId)} holds no OAT for org ${org} yet. Store an Organization Access Token of ${org} ` +
      `with the "Report read" scope: aws secretsmanager put-secret-value --secret-id ${secretId} --secret-string '<OAT>'`
    );
  }

  private readFailure(org: string, secretId: string, error: unknown): DockerReportsError {
    const cause = (error as { cause?: unknown }).cause ?? error;
    const name = (cause as { name?: string }).name ?? '';
    const message = (cause as { message?: string }).message ?? '';
    if (name === 'ResourceNotFoundException' && /secret value|staging label|AWSCURRENT/i.test(message)) {
      // A secret created without a value has no AWSCURRENT version until the OAT is put.
      return new ConfigError(this.emptyMessage(org, secretId), { cause });
    }
    if (name === 'ResourceNotFoundException') {
      return new ConfigError(`The secret ${secretName(secretId)} for org ${org} does not exist: check the stack's secrets settings.`, { cause });
    }
    if (name === 'AccessDeniedException' || name === 'AccessDenied') {
      return new ConfigError(
        `This function may not read the secret ${secretName(secretId)} of org ${org} (access denied): ` +
          'an imported secret encrypted with a customer managed KMS key also needs kms:Decrypt for the function.',
        { cause },
      );
    }
    return new DockerReportsError(`Reading the secret ${secretName(secretId)} of org ${org} failed (${name || 'error'}): ${message}`, {
      cause,
    });
  }
}

/** The OAT in a secret's value, or undefined when the value is empty or a placeholder. */
export function oatFrom(value: unknown): string | undefined {
  let text: string | undefined;
  if (typeof value === 'string') text = value;
  else if (value instanceof Uint8Array) text = Buffer.from(value).toString('utf8');
  if (text === undefined) return undefined;
  text = text.trim();
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const oat = parsed.oat ?? parsed.OAT ?? parsed.token;
      text = typeof oat === 'string' ? oat.trim() : '';
    } catch {
      // Not JSON after all: an odd token, used as it is.
    }
  }
  return PLACEHOLDERS.has(text.toLowerCase()) ? undefined : text;
}

/** `docker-reports/acme` out of `arn:aws:secretsmanager:...:secret:docker-reports/acme-AbCdEf`. */
export function secretName(secretId: string): string {
  const match = /:secret:(.+)-[A-Za-z0-9]{6}$/.exec(secretId);
  return match ? match[1]! : secretId;
}
