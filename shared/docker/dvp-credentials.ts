/** A Docker Hub account's user name and a personal access token of it. */
export interface DvpCredentials {
  readonly username: string;
  readonly pat: string;
}

/**
 * Where a DVP namespace's login comes from: the CLI reads the environment
 * (`DOCKER_HUB_USERNAME[_<NS>]`, `DOCKER_HUB_PAT[_<NS>]`), the stack Secrets
 * Manager (`docker-reports/dvp/<ns>`). `describe` names that place in error
 * messages so users know what to fix, never the values.
 */
export interface DvpCredentialSource {
  credentialsFor(namespace: string): Promise<DvpCredentials>;
  /** e.g. `DOCKER_HUB_USERNAME_ACME and DOCKER_HUB_PAT_ACME`. @default "the credentials of namespace {ns}" */
  describe?(namespace: string): string;
}

/** Where a namespace's credentials come from, in words for a message. */
export function describeDvpCredentials(source: DvpCredentialSource, namespace: string): string {
  return source.describe?.(namespace) ?? `the credentials of namespace ${namespace}`;
}
