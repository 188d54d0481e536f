import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { ConfigError, DockerReportsError } from '../errors.js';
import { hmacKeyPads, pseudonymKeyProblem, type HmacKeyPads, type Pseudonymization } from '../query/pseudonymize.js';
import { secretName } from './secrets-credentials.js';

export interface PseudonymKeySecretOptions {
  /** The secret's id (ARN), as the stack sets it. */
  readonly secretId: string;
  /** @default a Powertools SecretsProvider with its own Secrets Manager client */
  readonly provider?: Pick<SecretsProvider, 'get'>;
  /** How long the key is cached in the execution environment. @default 300, as the OATs */
  readonly maxAgeSeconds?: number;
}

/**
 * The pseudonymisation key from the Secrets Manager secret the stack creates
 * (a generated value CloudFormation never shows), read through Powertools
 * Parameters as the OATs are: cached per execution environment, fetched only
 * by a landing whose copy has a column to pseudonymise. The secret holds the
 * key as plain text. No message ever carries the value.
 */
export class PseudonymKeySecret {
  private readonly provider: Pick<SecretsProvider, 'get'>;
  private readonly maxAge: number;
  private last: { text: string; pads: HmacKeyPads } | undefined;

  constructor(private readonly options: PseudonymKeySecretOptions) {
    this.provider = options.provider ?? new SecretsProvider();
    this.maxAge = options.maxAgeSeconds ?? 300;
  }

  /** Pseudonymisation of `columns` with this secret's key. */
  pseudonymization(columns: readonly string[]): Pseudonymization {
    return { columns: [...columns], key: () => this.pads() };
  }

  async pads(): Promise<HmacKeyPads> {
    const { secretId } = this.options;
    let value: unknown;
    try {
      value = await this.provider.get(secretId, { maxAge: this.maxAge });
    } catch (error) {
      throw this.readFailure(error);
    }
    const text = typeof value === 'string' ? value : value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : undefined;
    const problem = pseudonymKeyProblem(text);
    if (problem) {
      throw new ConfigError(
        `The pseudonymisation key in the secret ${secretName(secretId)} ${problem}: the stack generates it; ` +
          `restore a version of at least 32 characters (aws secretsmanager list-secret-version-ids --secret-id ${secretId}).`,
      );
    }
    let last = this.last;
    if (!last || last.text !== text) {
      last = { text: text!, pads: hmacKeyPads(text!) };
      this.last = last;
    }
    return last.pads;
  }

  private readFailure(error: unknown): DockerReportsError {
    const cause = (error as { cause?: unknown }).cause ?? error;
    const name = (cause as { name?: string }).name ?? '';
    const where = `the pseudonymisation key secret ${secretName(this.options.secretId)}`;
    if (name === 'ResourceNotFoundException') {
      return new ConfigError(`${where} does not exist (or has no value): redeploy the stack, which creates it.`, { cause });
    }
    if (name === 'AccessDeniedException' || name === 'AccessDenied') {
      return new ConfigError(`This function may not read ${where} (access denied): redeploy the stack, which grants it.`, { cause });
    }
    const message = (cause as { message?: string }).message ?? '';
    return new DockerReportsError(`Reading ${where} failed (${name || 'error'}): ${message}`, { cause });
  }
}
