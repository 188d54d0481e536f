import type { HttpClient } from '../http/http-client.js';
import type { CredentialSource } from './credentials.js';
import { EnterpriseClient } from './enterprise-client.js';
import { TokenProvider } from './token-provider.js';

export interface DockerApiOptions {
  readonly apiUrl: string;
  readonly hubUrl: string;
  readonly credentials: CredentialSource;
  readonly http: HttpClient;
  readonly now: () => Date;
}

/** One {@link EnterpriseClient} per org, each with its own cached JWT. */
export function dockerApi(options: DockerApiOptions): { clientFor(org: string): EnterpriseClient } {
  const clients = new Map<string, EnterpriseClient>();
  return {
    clientFor(org: string): EnterpriseClient {
      let client = clients.get(org);
      if (!client) {
        const tokens = new TokenProvider({ org, ...options });
        client = new EnterpriseClient({ org, tokens, ...options });
        clients.set(org, client);
      }
      return client;
    },
  };
}
