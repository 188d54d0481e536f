import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { DvpCredentialSource } from '../docker/dvp-credentials.js';
import { ConfigError, DockerReportsError } from '../errors.js';
import { secretName } from './secrets-credentials.js';

export interface DvpSecretsCredentialsOptions {
  /** Secret id (name or ARN) of each DVP namespace's `{"username","pat"}`. */
  readonly secretIds: Readonly<Record<string, string>>;
  /** @default a Powertools SecretsProvider with its own Secrets Manager client */
  readonly provider?: Pick<SecretsProvider, 'get'>;
  /** How long a secret is cached in the execution environment (a rotated token is picked up within minutes). @default 300 */
  readonly maxAgeSeconds?: number;
}

/** A Docker Hub user and a personal access token of it: what the DVP Data API's login takes. */
export interface DvpLogin {
  readonly username: string;
  readonly pat: string;
}

/** Values that mean "nobody stored the token yet". */
const PLACEHOLDERS = new Set(['', 'placeholder', 'changeme', 'change-me', 'change_me', 'todo', 'replace-me', '<personal access token>', '<docker id>']);

/**
 * DVP logins from Secrets Manager, one secret per namespace holding JSON
 * `{"username","pat"}`, read through Powertools Parameters (cached per
 * execution environment, as the orgs' OATs). An empty secret, or one missing
 * either field, is a {@link ConfigError} with the one command that fixes it;
 * no message ever carries the token.
 *
 * @example
 * const credentials = new DvpSecretsCredentials({ secretIds: { pubco: 'arn:aws:secretsmanager:...:secret:docker-reports/dvp/pubco-AbCdEf' } });
 * const { username, pat } = await credentials.credentialsFor('pubco');
 */
export class DvpSecretsCredentials implements DvpCredentialSource {
  private readonly provider: Pick<SecretsProvider, 'get'>;
  private readonly maxAge: number;

  constructor(private readonly options: DvpSecretsCredentialsOptions) {
    this.provider = options.provider ?? new SecretsProvider();
    this.maxAge = options.maxAgeSeconds ?? 300;
  }

  /** Whether a secret is configured for `namespace` (not whether it holds a value yet). */
  has(namespace: string): boolean {
    return this.options.secretIds[namespace] !== undefined;
  }

  async credentialsFor(namespace: string): Promise<DvpLogin> {
    const secretId = this.options.secretIds[namespace];
    if (!secretId) {
      throw new ConfigError(`No secret is configured for DVP namespace ${namespace}: add it to the stack's dvp.namespaces and redeploy.`);
    }
    let value: unknown;
    try {
      value = await this.provider.get(secretId, { maxAge: this.maxAge });
    } catch (error) {
      throw this.readFailure(namespace, secretId, error);
    }
    const login = dvpLoginFrom(value);
    if (login === 'missing') throw new ConfigError(this.emptyMessage(namespace, secretId));
    if (login === 'malformed') {
      throw new ConfigError(
        `The secret ${secretName(secretId)} of DVP namespace ${namespace} is not JSON {"username","pat"} with both set. ` +
          this.putCommand(secretId),
      );
    }
    return login;
  }

  describe(namespace: string): string {
    return `the secret ${secretName(this.options.secretIds[namespace] ?? `(none configured for ${namespace})`)}`;
  }

  private putCommand(secretId: string): string {
    return `Store it: aws secretsmanager put-secret-value --secret-id ${secretId} --secret-string '{"username":"<Docker ID>","pat":"<personal access token>"}'`;
  }

  private emptyMessage(namespace: string, secretId: string): string {
    return (
      `The secret ${secretName(secretId)} holds no Docker Hub login for DVP namespace ${namespace} yet: a user of the publisher ` +
      `org and a personal access token of that user. ${this.putCommand(secretId)}`
    );
  }

  private readFailure(namespace: string, secretId: string, error: unknown): DockerReportsError {
    const cause = (error as { cause?: unknown }).cause ?? error;
    const name = (cause as { name?: string }).name ?? '';
    const message = (cause as { message?: string }).message ?? '';
    if (name === 'ResourceNotFoundException' && /secret value|staging label|AWSCURRENT/i.test(message)) {
      // Created empty by the stack: no AWSCURRENT version until the login is put.
      return new ConfigError(this.emptyMessage(namespace, secretId), { cause });
    }
    if (name === 'ResourceNotFoundException') {
      return new ConfigError(`The secret ${secretName(secretId)} for DVP namespace ${namespace} does not exist: check the stack's dvp.existing.`, { cause });
    }
    if (name === 'AccessDeniedException' || name === 'AccessDenied') {
      return new ConfigError(
        `This function may not read the secret ${secretName(secretId)} of DVP namespace ${namespace} (access denied): ` +
          'an imported secret encrypted with a customer managed KMS key also needs kms:Decrypt for the function.',
        { cause },
      );
    }
    return new DockerReportsError(`Reading the secret ${secretName(secretId)} of DVP namespace ${namespace} failed (${name || 'error'}): ${message}`, { cause });
  }
}

/**
 * The login in a secret's value: `missing` when nothing (or a placeholder) is
 * stored, `malformed` when it is not JSON with both fields; the password-like
 * key names Secrets Manager's console suggests (`password`, `token`) are read too.
 */
export function dvpLoginFrom(value: unknown): DvpLogin | 'missing' | 'malformed' {
  let text: string | undefined;
  if (typeof value === 'string') text = value;
  else if (value instanceof Uint8Array) text = Buffer.from(value).toString('utf8');
  text = text?.trim() ?? '';
  if (PLACEHOLDERS.has(text.toLowerCase()) || text === '{}') return 'missing';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'malformed';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'malformed';
  const fields = parsed as Record<string, unknown>;
  const username = stringOf(fields.username ?? fields.user);
  const pat = stringOf(fields.pat ?? fields.password ?? fields.token);
  if (username === undefined && pat === undefined) return 'missing';
  if (username === undefined || pat === undefined) return 'malformed';
  return { username, pat };
}

function stringOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return PLACEHOLDERS.has(text.toLowerCase()) ? undefined : text;
}
