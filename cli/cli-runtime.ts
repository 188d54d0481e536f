import { DvpEnvCredentials, EnvCredentials, readEngineEnv, type EngineEnv } from '../shared/config.js';
import { dockerApi } from '../shared/docker/docker-api.js';
import { HttpClient, defaultHttpDeps, type Attempt } from '../shared/http/http-client.js';
import { LakeTableCatalog } from '../shared/lake/table-catalog.js';
import { PeriodLeases } from '../shared/lease/index.js';
import { DEFAULT_DUCKDB_SETTINGS, DuckDbEngine, LEAN_DUCKDB_SETTINGS } from '../shared/query/index.js';
import type { LakeSink } from '../shared/sinks/lake-sink.js';
import { openSink } from '../shared/sinks/open-sink.js';
import { describePeriod, type ScopeRef, type Source } from '../shared/sources/index.js';
import { DvpSource, dvpApi } from '../shared/sources/dvp/index.js';
import { EnterpriseSource } from '../shared/sources/enterprise/index.js';
import type { SyncDeps } from '../shared/sync/index.js';
import type { CliIo } from './cli-io.js';

/**
 * The CLI's composition root: every command builds its engine here, from the
 * environment it was given. Sources are made once per scope (each keeps its
 * token), and one DuckDB converts every query copy of the run: with every
 * core into a folder, lean into S3, where the upload takes longer than the
 * conversion anyway (and the AWS SDK takes its share of the memory).
 */
export interface CliRuntime {
  readonly env: EngineEnv;
  readonly credentials: EnvCredentials;
  /** DVP namespaces' Hub logins. */
  readonly dvpCredentials: DvpEnvCredentials;
  readonly now: () => Date;
  sourceFor(scope: ScopeRef): Source;
  /** The engine's dependencies over a lake, minus what each run adds (events, afterLanding). */
  lake(sink: LakeSink): Pick<SyncDeps, 'sourceFor' | 'sink' | 'catalog' | 'engine' | 'leases' | 'now'>;
  /** Opens the lake a `--dest` names (a folder, or s3://bucket/prefix). */
  openLake(destination: string): Promise<LakeSink>;
  close(): Promise<void>;
}

export interface CliRuntimeOptions {
  /** Told of every HTTP retry (the progress reporter shows them). */
  readonly onHttpRetry?: (label: string, attempt: Attempt) => void;
}

export function createCliRuntime(io: CliIo, options: CliRuntimeOptions = {}): CliRuntime {
  const env = readEngineEnv(io.env);
  const credentials = new EnvCredentials(io.env);
  const dvpCredentials = new DvpEnvCredentials(io.env);
  const now = io.now ?? (() => new Date());
  const http = new HttpClient({ ...defaultHttpDeps, ...io.http }, {}, options.onHttpRetry);
  const docker = dockerApi({ apiUrl: env.apiUrl, hubUrl: env.hubUrl, credentials, http, now });
  const dvp = dvpApi({ dvpUrl: env.dvpUrl, hubUrl: env.hubUrl, credentials: dvpCredentials, http, now });
  let engine: DuckDbEngine | undefined;
  const engineFor = (sink: LakeSink) => (engine ??= new DuckDbEngine(sink.remote ? LEAN_DUCKDB_SETTINGS : DEFAULT_DUCKDB_SETTINGS));
  const sources = new Map<string, Source>();
  const sourceFor = (scope: ScopeRef): Source => {
    const key = `${scope.source}/${scope.scope}`;
    let source = sources.get(key);
    if (!source) {
      source = scope.source === 'dvp' ? new DvpSource(dvp.clientFor(scope.scope)) : new EnterpriseSource(docker.clientFor(scope.scope));
      sources.set(key, source);
    }
    return source;
  };
  return {
    env,
    credentials,
    dvpCredentials,
    now,
    sourceFor,
    lake: (sink) => ({
      sourceFor,
      sink,
      catalog: new LakeTableCatalog(sink, now),
      engine: engineFor(sink),
      leases: new PeriodLeases(sink, {
        now,
        reclaimFromDeadProcesses: true,
        onWait: (ref, holder, until) =>
          io.stderr.write(`waiting for ${describePeriod(ref)}: another run is landing it (${holder.host}, pid ${holder.pid}, lease until ${until.toISOString()}).\n`),
      }),
      now,
    }),
    openLake: (destination) => openSink(destination, env),
    close: async () => engine?.close(),
  };
}
