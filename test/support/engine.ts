import { EnvCredentials, oatVariable } from '../../shared/config.js';
import { dockerApi } from '../../shared/docker/docker-api.js';
import { HttpClient } from '../../shared/http/http-client.js';
import type { RetryPolicy } from '../../shared/http/retry-policy.js';
import { LakeTableCatalog } from '../../shared/lake/table-catalog.js';
import { PeriodLeases, type PeriodLeaseOptions } from '../../shared/lease/index.js';
import { DuckDbEngine } from '../../shared/query/index.js';
import type { LakeSink } from '../../shared/sinks/lake-sink.js';
import type { ScopeRef, Source } from '../../shared/sources/index.js';
import { EnterpriseSource } from '../../shared/sources/enterprise/index.js';
import { syncLake, type SyncEvent, type SyncOptions, type SyncSummary } from '../../shared/sync/index.js';
import type { Simulator } from '../../simulator/index.js';

/** The environment the CLI needs to talk to a simulator. */
export function simulatorEnv(sim: Simulator): Record<string, string> {
  return {
    DOCKER_API_URL: sim.apiUrl,
    DOCKER_HUB_URL: sim.hubUrl,
    ...Object.fromEntries(sim.orgs.map((org) => [oatVariable(org), sim.oatFor(org)])),
  };
}

/** The simulator's orgs as the engine's scopes. */
export function orgScopes(orgs: readonly string[]): ScopeRef[] {
  return orgs.map((org) => ({ source: 'enterprise', scope: org }));
}

export interface TestEngine {
  /** Every backoff the HTTP policy waited, in ms (waits are skipped to keep tests fast). */
  readonly sleeps: number[];
  readonly events: SyncEvent[];
  /** The one DuckDB of this engine (close it after the test). */
  readonly engine: DuckDbEngine;
  sourceFor(org: string): EnterpriseSource;
  sync(options?: Partial<SyncOptions>, hooks?: { onEvent?: (event: SyncEvent) => void }): Promise<SyncSummary>;
  close(): Promise<void>;
}

/**
 * The engine wired as the CLI wires it, against a simulator, with the HTTP
 * policy's waits recorded instead of slept.
 */
export function engineFor(
  sim: Simulator,
  sink: LakeSink,
  options: { policy?: Partial<RetryPolicy>; idleTimeoutMs?: number; leases?: PeriodLeaseOptions } = {},
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
  const sources = new Map<string, EnterpriseSource>();
  const sourceFor = (org: string) => {
    let source = sources.get(org);
    if (!source) {
      source = new EnterpriseSource(api.clientFor(org));
      sources.set(org, source);
    }
    return source;
  };
  const engine = new DuckDbEngine();
  return {
    sleeps,
    events,
    engine,
    sourceFor,
    sync: (syncOptions = {}, hooks = {}) =>
      syncLake(
        { scopes: orgScopes(sim.orgs), ...syncOptions },
        {
          sourceFor: (scope: ScopeRef): Source => sourceFor(scope.scope),
          sink,
          catalog: new LakeTableCatalog(sink, () => new Date()),
          engine,
          leases: new PeriodLeases(sink, { pollMs: 50, reclaimFromDeadProcesses: true, ...options.leases }),
          now: () => new Date(),
          idleTimeoutMs: options.idleTimeoutMs,
          onEvent: (event) => {
            events.push(event);
            hooks.onEvent?.(event);
          },
        },
      ),
    close: () => engine.close(),
  };
}
