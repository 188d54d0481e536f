import { ConfigError } from './errors.js';
import type { CredentialSource } from './docker/credentials.js';
import type { DvpCredentialSource, DvpCredentials } from './docker/dvp-credentials.js';
import { hmacKeyPads, pseudonymKeyProblem, type Pseudonymization } from './query/pseudonymize.js';
import { isLoopback } from './docker/download-location.js';

/**
 * The engine's settings from the environment. This is the one module of
 * `shared/` that reads environment variables, and it reads only the object it
 * is given, so tests and the Lambdas pass their own.
 */
export const DEFAULT_API_URL = 'https://api.docker.com/enterprise-data/v1';
export const DEFAULT_HUB_URL = 'https://hub.docker.com';
export const DEFAULT_DVP_API_URL = 'https://hub.docker.com/api/publisher/analytics/v1';

export type Environment = Readonly<Record<string, string | undefined>>;

export interface EngineEnv {
  readonly apiUrl: string;
  readonly hubUrl: string;
  /** The DVP Data API (`DOCKER_DVP_API_URL`). */
  readonly dvpUrl: string;
  /** An S3-compatible endpoint (`AWS_ENDPOINT_URL_S3`); path-style addressing is used with it. */
  readonly s3Endpoint: string | undefined;
  /** `AWS_REGION` or `AWS_DEFAULT_REGION`, when set. */
  readonly awsRegion: string | undefined;
  /**
   * Static AWS credentials when the environment object names them; otherwise
   * the SDK's own provider chain (profile, SSO, instance role) applies.
   */
  readonly awsCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
  /**
   * Settings that work but deserve a line on stderr (an S3 endpoint over plain
   * http beyond loopback). Returned, not printed: shared/ has no logger of its own.
   */
  readonly warnings: readonly string[];
}

export function readEngineEnv(env: Environment): EngineEnv {
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3 ? httpUrl(env, 'AWS_ENDPOINT_URL_S3', '') : undefined;
  return {
    apiUrl: dockerUrl(env, 'DOCKER_API_URL', DEFAULT_API_URL),
    hubUrl: dockerUrl(env, 'DOCKER_HUB_URL', DEFAULT_HUB_URL),
    dvpUrl: dockerUrl(env, 'DOCKER_DVP_API_URL', DEFAULT_DVP_API_URL),
    s3Endpoint,
    awsRegion: env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined,
    awsCredentials:
      env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
        ? {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          }
        : undefined,
    warnings: s3Endpoint === undefined ? [] : plainHttpWarning(s3Endpoint),
  };
}

/** `DOCKER_OAT_<ORG>`: the org upper-cased, `-` turned into `_`. */
export function oatVariable(org: string): string {
  return `DOCKER_OAT_${org.toUpperCase().replace(/-/g, '_')}`;
}

/** OATs from `DOCKER_OAT_<ORG>`, falling back to `DOCKER_OAT` for every org. */
export class EnvCredentials implements CredentialSource {
  constructor(private readonly env: Environment) {}

  async oat(org: string): Promise<string> {
    const value = this.lookup(org);
    if (!value) throw new ConfigError(this.missingMessage(org));
    return value;
  }

  describe(org: string): string {
    return this.env[oatVariable(org)] ? oatVariable(org) : `DOCKER_OAT (or ${oatVariable(org)})`;
  }

  /** Whether an OAT is set for `org`. */
  has(org: string): boolean {
    return this.lookup(org) !== undefined;
  }

  /** Fails before any request when an org has no OAT, naming the variable to set. */
  requireAll(orgs: readonly string[]): void {
    const missing = orgs.filter((org) => !this.lookup(org));
    if (missing.length > 0) throw new ConfigError(missing.map((org) => this.missingMessage(org)).join('\n'));
  }

  private lookup(org: string): string | undefined {
    return this.env[oatVariable(org)]?.trim() || this.env.DOCKER_OAT?.trim() || undefined;
  }

  private missingMessage(org: string): string {
    return (
      `No OAT for org ${org}: set ${oatVariable(org)} (or DOCKER_OAT for every org) to an ` +
      `Organization Access Token of ${org} with the "Report read" scope.`
    );
  }
}

/** `DOCKER_HUB_USERNAME_<NS>` and `DOCKER_HUB_PAT_<NS>`: the namespace upper-cased, `-` turned into `_`. */
export function dvpVariables(namespace: string): { readonly username: string; readonly pat: string } {
  const suffix = namespace.toUpperCase().replace(/-/g, '_');
  return { username: `DOCKER_HUB_USERNAME_${suffix}`, pat: `DOCKER_HUB_PAT_${suffix}` };
}

/**
 * A DVP namespace's Hub login from the environment: `DOCKER_HUB_USERNAME_<NS>`
 * and `DOCKER_HUB_PAT_<NS>`, each falling back to `DOCKER_HUB_USERNAME` and
 * `DOCKER_HUB_PAT` (one account reading every namespace).
 */
export class DvpEnvCredentials implements DvpCredentialSource {
  constructor(private readonly env: Environment) {}

  async credentialsFor(namespace: string): Promise<DvpCredentials> {
    const { username, pat } = this.lookup(namespace);
    if (!username || !pat) throw new ConfigError(this.missingMessage(namespace)!);
    return { username, pat };
  }

  describe(namespace: string): string {
    const own = dvpVariables(namespace);
    const name = (variable: string, fallback: string) => (this.env[variable]?.trim() ? variable : `${fallback} (or ${variable})`);
    return `${name(own.username, 'DOCKER_HUB_USERNAME')} and ${name(own.pat, 'DOCKER_HUB_PAT')}`;
  }

  /** Fails before any request when a namespace lacks a user name or a PAT, naming each variable to set. */
  requireAll(namespaces: readonly string[]): void {
    const missing = namespaces.map((namespace) => this.missingMessage(namespace)).filter((message) => message !== undefined);
    if (missing.length > 0) throw new ConfigError(missing.join('\n'));
  }

  private lookup(namespace: string): { username: string | undefined; pat: string | undefined } {
    const own = dvpVariables(namespace);
    return {
      username: this.env[own.username]?.trim() || this.env.DOCKER_HUB_USERNAME?.trim() || undefined,
      pat: this.env[own.pat]?.trim() || this.env.DOCKER_HUB_PAT?.trim() || undefined,
    };
  }

  private missingMessage(namespace: string): string | undefined {
    const { username, pat } = this.lookup(namespace);
    const own = dvpVariables(namespace);
    const lacking = [
      ...(username ? [] : [`${own.username} (or DOCKER_HUB_USERNAME for every namespace) to the Docker Hub user name`]),
      ...(pat ? [] : [`${own.pat} (or DOCKER_HUB_PAT for every namespace) to a personal access token of that user with read access`]),
    ];
    if (lacking.length === 0) return undefined;
    return `No Docker Hub login for DVP namespace ${namespace}: set ${lacking.join(', and ')}.`;
  }
}

/**
 * A Docker URL: the OAT goes to the Hub and our JWT to the API, so anything but
 * https would send them, and the reports, across the network in clear. Plain
 * http is accepted on loopback only, where the simulator and tests run.
 */
function dockerUrl(env: Environment, name: string, fallback: string): string {
  const value = httpUrl(env, name, fallback);
  const url = new URL(value);
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new ConfigError(
      `${name} must be an https URL: ${url.protocol}//${url.host} is plain http, which would send the OAT (or PAT), ` +
        'the token and the reports unencrypted. Use https (plain http is accepted only on loopback: localhost, 127.0.0.0/8, ::1).',
    );
  }
  return value;
}

/**
 * An S3-compatible server over plain http on another host (MinIO on a LAN) is
 * real, so it is allowed; but the signed requests and the reports then cross
 * the network unencrypted, which deserves saying once.
 */
function plainHttpWarning(endpoint: string): string[] {
  const url = new URL(endpoint);
  if (url.protocol !== 'http:' || isLoopback(url.hostname)) return [];
  return [
    `AWS_ENDPOINT_URL_S3 is plain http to ${url.host}: the reports (personal data) cross the network unencrypted; ` +
      'use https unless that network is trusted.',
  ];
}

/** Where `--pseudonymize` finds its key. */
export const PSEUDONYM_KEY_VARIABLE = 'DOCKER_REPORTS_PSEUDONYM_KEY';

/**
 * Pseudonymisation of `columns` with the key in {@link PSEUDONYM_KEY_VARIABLE},
 * checked before any request: a missing or short key is a ConfigError that
 * names the variable, never its value.
 */
export function pseudonymizationFromEnv(env: Environment, columns: readonly string[]): Pseudonymization {
  const problem = pseudonymKeyProblem(env[PSEUDONYM_KEY_VARIABLE]);
  if (problem) {
    throw new ConfigError(
      `--pseudonymize needs a key: ${PSEUDONYM_KEY_VARIABLE} ${problem}. Set it to a long random secret ` +
        '(openssl rand -hex 32) and keep it: the same key gives the same pseudonyms, in every run and in the stack.',
    );
  }
  const pads = hmacKeyPads(env[PSEUDONYM_KEY_VARIABLE]!);
  return { columns: [...columns], key: async () => pads };
}

function httpUrl(env: Environment, name: string, fallback: string): string {
  const value = env[name]?.trim() || fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a URL (${JSON.stringify(value)}); expected for example ${fallback || 'https://...'}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`${name} must be an http(s) URL, not ${url.protocol}`);
  }
  return value.replace(/\/+$/, '');
}
