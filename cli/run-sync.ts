import { EnvCredentials, readEngineEnv, type Environment } from '../shared/config.js';
import { dockerApi } from '../shared/docker/docker-api.js';
import { HttpClient, defaultHttpDeps, type HttpDeps } from '../shared/http/http-client.js';
import { LakeTableCatalog } from '../shared/lake/table-catalog.js';
import { openSink } from '../shared/sinks/open-sink.js';
import type { SyncSummary } from '../shared/sync/sync-events.js';
import { syncLake, type SyncOptions } from '../shared/sync/sync.js';
import { exitCodeOfSummary } from './exit-codes.js';
import { formatBytes, plural } from './format.js';
import { createReporter, describeFailure, type ReporterOptions } from './progress.js';

export interface SyncRequest extends SyncOptions {
  /** A folder, or `s3://bucket/prefix`. */
  readonly dest: string;
  /** Print a JSON summary on stdout instead of sentences. */
  readonly json?: boolean;
}

export interface CliIo {
  readonly env: Environment;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: ReporterOptions['stream'];
  readonly http?: Partial<HttpDeps>;
  readonly now?: () => Date;
}

export interface SyncOutcome {
  readonly summary: SyncSummary;
  readonly exitCode: number;
  readonly location: string;
}

/**
 * `docker-reports sync` without the argument parsing: checks the configuration
 * (every org has an OAT) before any request, runs the engine with a progress
 * reporter, and prints the outcome. Used by `sync` and by `demo`.
 */
export async function runSync(
  request: SyncRequest,
  io: CliIo,
  detail: ReporterOptions['detail'] = 'each',
): Promise<SyncOutcome> {
  const engineEnv = readEngineEnv(io.env);
  const credentials = new EnvCredentials(io.env);
  credentials.requireAll(request.orgs);
  const sink = await openSink(request.dest, engineEnv);
  const now = io.now ?? (() => new Date());
  const reporter = createReporter({ stream: io.stderr, detail });
  const http = new HttpClient({ ...defaultHttpDeps, ...io.http }, {}, (label, attempt) =>
    reporter.onEvent({ kind: 'retry', what: label, attempt: attempt.attempt, reason: attempt.reason, delayMs: attempt.delayMs }),
  );
  const api = dockerApi({ apiUrl: engineEnv.apiUrl, hubUrl: engineEnv.hubUrl, credentials, http, now });
  const started = Date.now();
  let summary: SyncSummary;
  try {
    summary = await syncLake(request, {
      clientFor: (org) => api.clientFor(org),
      sink,
      catalog: new LakeTableCatalog(sink, now),
      now,
      onEvent: (event) => reporter.onEvent(event),
    });
  } finally {
    reporter.stop();
  }
  const elapsedMs = Date.now() - started;
  io.stdout.write(request.json ? `${JSON.stringify(jsonSummary(summary, sink.location, elapsedMs), null, 2)}\n` : sentences(summary, sink.location, elapsedMs));
  return { summary, exitCode: exitCodeOfSummary(summary), location: sink.location };
}

function sentences(summary: SyncSummary, location: string, elapsedMs: number): string {
  const bytes = summary.landed.reduce((sum, landed) => sum + landed.manifest.bytes, 0);
  const lines = [
    `Landed ${plural(summary.landed.length, 'report')} (${formatBytes(bytes)}) in ${location}; ` +
      `${summary.skipped} already landed; ${summary.failed.length} failed. (${(elapsedMs / 1000).toFixed(1)} s)`,
  ];
  if (summary.failed.length > 0) {
    lines.push('', `${plural(summary.failed.length, 'failure')}:`);
    for (const failure of summary.failed) lines.push(`  ${describeFailure(failure)}`);
    lines.push('', 'Fix what the messages say, then run the same command again: landed reports are skipped.');
  }
  return `${lines.join('\n')}\n`;
}

function jsonSummary(summary: SyncSummary, location: string, elapsedMs: number) {
  return {
    destination: location,
    landed: summary.landed.map(({ ref, manifest, uri, replaced }) => ({
      ...ref,
      bytes: manifest.bytes,
      sha256: manifest.sha256,
      uri,
      replaced,
    })),
    skipped: summary.skipped,
    failed: summary.failed,
    elapsed_ms: elapsedMs,
  };
}
