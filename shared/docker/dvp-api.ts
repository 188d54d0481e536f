import type { HttpClient } from '../http/http-client.js';
import { DvpClient } from './dvp-client.js';
import type { DvpCredentialSource } from './dvp-credentials.js';
import { DvpLogin } from './dvp-login.js';

export interface DvpApiOptions {
  /** The DVP Data API, e.g. `https://hub.docker.com/api/publisher/analytics/v1`. */
  readonly dvpUrl: string;
  /** Docker Hub, where the login is, e.g. `https://hub.docker.com`. */
  readonly hubUrl: string;
  readonly credentials: DvpCredentialSource;
  readonly http: HttpClient;
  readonly now: () => Date;
}

/**
 * One {@link DvpClient} per namespace, each with its own login and cached JWT
 * (namespaces may belong to different accounts). Made once per composition
 * root (the CLI's runtime, a Lambda's cold start).
 *
 * @example
 * const dvp = dvpApi({ dvpUrl, hubUrl, credentials, http, now: () => new Date() });
 * const source = new DvpSource(dvp.clientFor('acme'));
 */
export function dvpApi(options: DvpApiOptions): { clientFor(namespace: string): DvpClient } {
  const clients = new Map<string, DvpClient>();
  return {
    clientFor(namespace: string): DvpClient {
      let client = clients.get(namespace);
      if (!client) {
        const login = new DvpLogin({ namespace, ...options });
        client = new DvpClient({ namespace, login, ...options });
        clients.set(namespace, client);
      }
      return client;
    },
  };
}
