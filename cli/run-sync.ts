import { randomBytes } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../shared/errors.js';
import { FsSink } from '../shared/sinks/fs-sink.js';
import type { ScopeRef, SourceId } from '../shared/sources/index.js';
import type { SyncOptions, SyncSummary } from '../shared/sync/index.js';
import { describeFailure, syncLake } from '../shared/sync/index.js';
import { pseudonymizationFromEnv } from '../shared/config.js';
import { manifestBytes } from '../shared/lake/manifest.js';
import { lakePseudonymizeWarnings } from '../shared/lake/pseudonymized-copies.js';
import type { LakeSink } from '../shared/sinks/lake-sink.js';
import type { CliIo } from './cli-io.js';
import { createCliRuntime } from './cli-runtime.js';
import { exitCodeOfSummary } from './exit-codes.js';
import { formatBytes, plural } from './format.js';
import { failureJson, landedJson } from './landed-json.js';
import { createReporter, type ReporterOptions } from './progress.js';

export interface SyncRequest extends SyncOptions {
  /** A folder, or `s3://bucket/prefix`. */
  readonly dest: string;
  /** Print a JSON summary on stdout instead of sentences. */
  readonly json?: boolean;
}

export interface SyncOutcome {
  readonly summary: SyncSummary;
  readonly exitCode: number;
  readonly location: string;
}

/**
 * `docker-reports sync` without the argument parsing: checks the configuration
 * (every org has an OAT, every namespace a Hub login) before any request, runs the engine with a progress
 * reporter, and prints the outcome. Used by `sync` and by `demo`.
 */
export async function runSync(request: SyncRequest, io: CliIo, detail: ReporterOptions['detail'] = 'each'): Promise<SyncOutcome> {
  const reporter = createReporter({ stream: io.stderr, detail });
  const runtime = createCliRuntime(io, {
    onHttpRetry: (label, attempt) =>
      reporter.onEvent({ kind: 'retry', what: label, attempt: attempt.attempt, reason: attempt.reason, delayMs: attempt.delayMs }),
  });
  try {
    runtime.credentials.requireAll(scopesOf(request.scopes, 'enterprise'));
    runtime.dvpCredentials.requireAll(scopesOf(request.scopes, 'dvp'));
    const pseudonymize = request.pseudonymize?.length ? pseudonymizationFromEnv(io.env, request.pseudonymize) : undefined;
    const sink = await runtime.openLake(request.dest);
    if (sink instanceof FsSink) await checkWritable(sink.root);
    // The engine's settings only return their warnings (shared/ has no logger); they
    // concern the S3 endpoint, which only an S3 lake uses.
    if (sink.remote) for (const warning of runtime.env.warnings) io.stderr.write(`warning: ${warning}\n`);
    const started = Date.now();
    let summary: SyncSummary;
    try {
      summary = await syncLake(request, { ...runtime.lake(sink), pseudonymize, onEvent: (event) => reporter.onEvent(event) });
    } finally {
      reporter.stop();
    }
    const elapsedMs = Date.now() - started;
    io.stdout.write(
      request.json
        ? `${JSON.stringify(jsonSummary(summary, sink.location, elapsedMs), null, 2)}\n`
        : sentences(summary, sink.location, elapsedMs, new Set(request.scopes.map((scope) => scope.source))),
    );
    if (pseudonymize) await warnAboutNames(sink, pseudonymize.columns, io);
    return { summary, exitCode: exitCodeOfSummary(summary), location: sink.location };
  } finally {
    reporter.stop();
    await runtime.close();
  }
}

/** Names `--pseudonymize` gave that no table has, or that are not text: said, so a typo never leaves a column in clear unnoticed. */
async function warnAboutNames(sink: LakeSink, names: readonly string[], io: CliIo): Promise<void> {
  const warnings = await lakePseudonymizeWarnings(sink, names, '--pseudonymize').catch(() => []);
  for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
}

/**
 * Makes sure the lake folder can be written before anything is asked of
 * Docker: otherwise every report would be downloaded only to fail to land,
 * once per report, under a reason that can mislead. Creates the folder when
 * missing (as the landing would), then creates and removes a probe file in it.
 */
async function checkWritable(root: string): Promise<void> {
  const probe = join(root, `.docker-reports-write-probe.${process.pid}.${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(root, { recursive: true });
    await (await open(probe, 'wx')).close();
  } catch (error) {
    throw new ConfigError(notWritable(root, error as NodeJS.ErrnoException), { cause: error });
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
}

/** The OS's own reason ("EROFS: read-only file system") and what to do about it. */
function notWritable(root: string, error: NodeJS.ErrnoException): string {
  const said = /^[A-Z0-9_]+: ([^,]+)/.exec(error.message)?.[1] ?? error.message;
  const reason = error.code ? `${error.code}: ${said}` : said;
  const cannot = `--dest ${root}: cannot write there (${reason})`;
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return `${cannot}. Give this user write permission on the folder, or choose another --dest.`;
    case 'EROFS':
      return `${cannot}. The folder is on a read-only file system: choose a --dest on a writable one.`;
    case 'EEXIST':
      return `${cannot}. That path is a file, not a folder: choose another --dest.`;
    case 'ENOTDIR':
      return `${cannot}. A part of that path is a file, not a folder: choose another --dest.`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `${cannot}. Free some space there, or choose another --dest.`;
    default:
      return `${cannot}. Choose a folder this user can write to.`;
  }
}

function scopesOf(scopes: readonly ScopeRef[], source: SourceId): string[] {
  return scopes.filter((scope) => scope.source === source).map((scope) => scope.scope);
}

/** `3 reports`, `12 exports`, `3 reports and 12 exports`: what each synced source lands, in its own word. */
function landedCounts(summary: SyncSummary, sources: ReadonlySet<SourceId>): string {
  const count = (source: SourceId) => summary.landed.filter((landed) => landed.ref.source === source).length;
  const parts = [
    ...(sources.has('enterprise') || sources.size === 0 ? [plural(count('enterprise'), 'report')] : []),
    ...(sources.has('dvp') ? [plural(count('dvp'), 'export')] : []),
  ];
  return parts.join(' and ');
}

function sentences(summary: SyncSummary, location: string, elapsedMs: number, sources: ReadonlySet<SourceId>): string {
  const bytes = summary.landed.reduce((sum, landed) => sum + manifestBytes(landed.manifest), 0);
  const rebuilt = summary.rebuilt.length > 0 ? `rebuilt ${plural(summary.rebuilt.length, 'query copy', 'query copies')}; ` : '';
  const lines = [
    `Landed ${landedCounts(summary, sources)} (${formatBytes(bytes)}) in ${location}; ` +
      `${rebuilt}${summary.skipped} already landed; ${summary.failed.length} failed. (${(elapsedMs / 1000).toFixed(1)} s)`,
  ];
  if (summary.failed.length > 0) {
    lines.push('', `${plural(summary.failed.length, 'failure')}:`);
    for (const failure of summary.failed) lines.push(`  ${describeFailure(failure)}`);
    lines.push('', 'Fix what the messages say, then run the same command again: what is landed is skipped.');
  }
  return `${lines.join('\n')}\n`;
}

function jsonSummary(summary: SyncSummary, location: string, elapsedMs: number) {
  return {
    destination: location,
    landed: summary.landed.map(landedJson),
    rebuilt: summary.rebuilt.map(landedJson),
    skipped: summary.skipped,
    failed: summary.failed.map(failureJson),
    elapsed_ms: elapsedMs,
  };
}
