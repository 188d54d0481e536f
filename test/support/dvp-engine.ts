import { DvpEnvCredentials, dvpVariables } from '../../shared/config.js';
import { HttpClient, defaultHttpDeps } from '../../shared/http/http-client.js';
import { nodeStreamGet } from '../../shared/http/stream-get.js';
import { LakeTableCatalog } from '../../shared/lake/table-catalog.js';
import { PeriodLeases } from '../../shared/lease/index.js';
import { DuckDbEngine } from '../../shared/query/index.js';
import type { LakeSink } from '../../shared/sinks/lake-sink.js';
import type { ScopeRef } from '../../shared/sources/index.js';
import { DvpSource, dvpApi, type DvpClient } from '../../shared/sources/dvp/index.js';
import { syncLake, type SyncEvent, type SyncOptions, type SyncSummary } from '../../shared/sync/index.js';
import type { Simulator } from '../../simulator/index.js';

/** What the CLI needs to read a simulator's DVP namespaces: its URLs and each namespace's own login variables. */
export function dvpEnv(sim: Simulator, namespaces: readonly string[] = sim.namespaces): Record<string, string> {
  return {
    DOCKER_HUB_URL: sim.hubUrl,
    DOCKER_DVP_API_URL: sim.dvpUrl,
    ...Object.fromEntries(
      namespaces.flatMap((namespace) => {
        const { username, pat } = sim.dvpCredentials(namespace);
        const names = dvpVariables(namespace);
        return [
          [names.username, username],
          [names.pat, pat],
        ];
      }),
    ),
  };
}

export function namespaceScopes(namespaces: readonly string[]): ScopeRef[] {
  return namespaces.map((namespace) => ({ source: 'dvp', scope: namespace }));
}

export interface DvpTestEngine {
  readonly events: SyncEvent[];
  /** The headers of every storage GET (export files), to check no token went there. */
  readonly storageHeaders: Readonly<Record<string, string>>[];
  clientFor(namespace: string): DvpClient;
  sourceFor(namespace: string): DvpSource;
  sync(options?: Partial<SyncOptions>): Promise<SyncSummary>;
  close(): Promise<void>;
}

/** The engine wired as the CLI wires it for DVP namespaces, against a simulator, retries not slept, on a clock of the test's. */
export function dvpEngineFor(sim: Simulator, sink: LakeSink, options: { now?: () => Date; env?: Record<string, string> } = {}): DvpTestEngine {
  const now = options.now ?? (() => new Date());
  const events: SyncEvent[] = [];
  const storageHeaders: Record<string, string>[] = [];
  const http = new HttpClient({
    ...defaultHttpDeps,
    sleep: async () => undefined,
    streamGet: (url, init) => {
      storageHeaders.push({ ...init.headers });
      return nodeStreamGet(url, init);
    },
  });
  const api = dvpApi({ dvpUrl: sim.dvpUrl, hubUrl: sim.hubUrl, credentials: new DvpEnvCredentials(options.env ?? dvpEnv(sim)), http, now });
  const sources = new Map<string, DvpSource>();
  const sourceFor = (namespace: string) => {
    let source = sources.get(namespace);
    if (!source) {
      source = new DvpSource(api.clientFor(namespace));
      sources.set(namespace, source);
    }
    return source;
  };
  const engine = new DuckDbEngine();
  return {
    events,
    storageHeaders,
    clientFor: (namespace) => api.clientFor(namespace),
    sourceFor,
    sync: (syncOptions = {}) =>
      syncLake(
        { scopes: namespaceScopes(sim.namespaces), ...syncOptions },
        {
          sourceFor: (scope) => sourceFor(scope.scope),
          sink,
          catalog: new LakeTableCatalog(sink, now),
          engine,
          leases: new PeriodLeases(sink, { pollMs: 50, reclaimFromDeadProcesses: true }),
          now,
          onEvent: (event) => events.push(event),
        },
      ),
    close: () => engine.close(),
  };
}
