import { EnvCredentials, oatVariable } from '../../shared/config.js';
import { dockerApi } from '../../shared/docker/docker-api.js';
import type { EnterpriseClient } from '../../shared/docker/enterprise-client.js';
import { HttpClient } from '../../shared/http/http-client.js';
import type { RetryPolicy } from '../../shared/http/retry-policy.js';
import { LakeTableCatalog } from '../../shared/lake/table-catalog.js';
import type { LakeSink } from '../../shared/sinks/lake-sink.js';
import type { SyncEvent, SyncSummary } from '../../shared/sync/sync-events.js';
import { syncLake, type SyncOptions } from '../../shared/sync/sync.js';
import type { Simulator } from '../../simulator/index.js';

/** The environment the CLI needs to talk to a simulator. */
export function simulatorEnv(sim: Simulator): Record<string, string> {
  return {
    DOCKER_API_URL: sim.apiUrl,
    DOCKER_HUB_URL: sim.hubUrl,
    ...Object.fromEntries(sim.orgs.map((org) => [oatVariable(org), sim.oatFor(org)])),
  };
}

export interface TestEngine {
  /** Every backoff the HTTP policy waited, in ms (waits are skipped to keep tests fast). */
  readonly sleeps: number[];
  readonly events: SyncEvent[];
  clientFor(org: string): EnterpriseClient;
  sync(options?: Partial<SyncOptions>, hooks?: { onEvent?: (event: SyncEvent) => void }): Promise<SyncSummary>;
}

/**
 * The engine wired as the CLI wires it, against a simulator, with the HTTP
 * policy's waits recorded instead of slept.
 */
export function engineFor(
  sim: Simulator,
  sink: LakeSink,
  options: { policy?: Partial<RetryPolicy>; idleTimeoutMs?: number } = {},
): TestEngine {
  const sleeps: number[] = [];
  const events: SyncEvent[] = [];
  const http = new HttpClient(
    {
      fetch: (input, init) => fetch(input, init),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      now: () => new Date(),
    },
    options.policy,
  );
  const api = dockerApi({
    apiUrl: sim.apiUrl,
    hubUrl: sim.hubUrl,
    credentials: new EnvCredentials(simulatorEnv(sim)),
    http,
    now: () => new Date(),
  });
  return {
    sleeps,
    events,
    clientFor: (org) => api.clientFor(org),
    sync: (syncOptions = {}, hooks = {}) =>
      syncLake(
        { orgs: sim.orgs, ...syncOptions },
        {
          clientFor: (org) => api.clientFor(org),
          sink,
          catalog: new LakeTableCatalog(sink, () => new Date()),
          now: () => new Date(),
          idleTimeoutMs: options.idleTimeoutMs,
          onEvent: (event) => {
            events.push(event);
            hooks.onEvent?.(event);
          },
        },
      ),
  };
}
