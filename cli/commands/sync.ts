import { Command, Option } from 'commander';
import { DEFAULT_API_URL, DEFAULT_DVP_API_URL, DEFAULT_HUB_URL } from '../../shared/config.js';
import { ConfigError } from '../../shared/errors.js';
import type { ScopeRef } from '../../shared/sources/index.js';
import { DEFAULT_CONCURRENCY } from '../../shared/sync/index.js';
import type { CliIo } from '../cli-io.js';
import { PSEUDONYM_KEY_VARIABLE } from '../../shared/config.js';
import { columnNameList, integer, reportDate, segment, timespan } from '../option-parsers.js';
import { runSync } from '../run-sync.js';

interface SyncFlags {
  org?: string[];
  namespace?: string[];
  view?: string[];
  timespan?: string[];
  dest: string;
  type?: string[];
  cadence?: string[];
  since?: string;
  latest?: boolean;
  concurrency: number;
  json?: boolean;
  pseudonymize?: string[];
}

export function syncCommand(io: CliIo, exit: (code: number) => void): Command {
  return new Command('sync')
    .description(
      'Land every Docker usage report (Enterprise orgs) and pull analytics export (Verified Publisher namespaces) ' +
        'the lake does not hold yet, verified, never partial.',
    )
    .option('--org <org>', 'Docker organization (Enterprise Data API); repeat for several', segment('org'))
    .option('--namespace <ns>', 'Docker Verified Publisher namespace (DVP Data API); repeat for several', segment('namespace'))
    .requiredOption('--dest <dest>', 'the lake: a folder, or s3://bucket/prefix')
    .option('--type <type>', 'only this report type of the orgs; repeatable (default: every type Docker lists)', segment('type'))
    .option('--cadence <cadence>', 'only this cadence of the orgs; repeatable (default: every cadence Docker lists)', segment('cadence'))
    .option('--view <view>', 'only this view of the namespaces (raw, summary, ...); repeatable (default: every view offered)', segment('view'))
    .option('--timespan <weeks|months>', 'only this timespan of the namespaces; repeatable (default: both)', timespan)
    .option('--since <YYYY-MM-DD>', 'only reports dated, and weeks or months starting, on or after this day', reportDate)
    .addOption(new Option('--latest', 'only the newest report of each type and cadence, the newest export of each view and timespan'))
    .option('--concurrency <n>', 'reports or exports landed at once', integer(1, 32), DEFAULT_CONCURRENCY)
    .option('--json', 'print a JSON summary (landed, skipped, failed with reasons) on stdout')
    .option(
      '--pseudonymize <columns>',
      `in the query copies, replace these columns' values with a keyed hash (HMAC-SHA-256, hex; key in ${PSEUDONYM_KEY_VARIABLE}); ` +
        'column names as the tables spell them, comma-separated or repeated (the audit CSV keeps the originals)',
      columnNameList,
    )
    .addHelpText(
      'after',
      `
Environment:
  DOCKER_OAT            Organization Access Token (scope "Report read") used for every org
  DOCKER_OAT_<ORG>      per-org OAT; ORG upper-cased, '-' -> '_' (e.g. DOCKER_OAT_MY_ORG)
  DOCKER_HUB_USERNAME   Docker Hub user name used for every namespace (--namespace)
  DOCKER_HUB_PAT        a personal access token of that user with read access, for every namespace
  DOCKER_HUB_USERNAME_<NS>, DOCKER_HUB_PAT_<NS>
                        per-namespace login; NS upper-cased, '-' -> '_'
  DOCKER_API_URL        default ${DEFAULT_API_URL}
  DOCKER_DVP_API_URL    default ${DEFAULT_DVP_API_URL}
  DOCKER_HUB_URL        default ${DEFAULT_HUB_URL}
  ${PSEUDONYM_KEY_VARIABLE}  the key of --pseudonymize (at least 32 characters: openssl rand -hex 32); keep it
  AWS_ENDPOINT_URL_S3   an S3-compatible server for s3:// destinations (path-style)
  AWS credentials and region come from the usual AWS sources (profile, env, SSO).

Exit status:
  0  everything listed is landed (now or before); also when there is nothing to land
  1  some reports or exports failed; every other one was landed
  2  usage or configuration error (for example no OAT or PAT), before any request
  3  Docker rejected the credentials or the permission (401/403 after a fresh exchange or login;
     a Hub account with two-factor authentication whose PAT is its password)

Examples:
  DOCKER_OAT=... docker-reports sync --org my-org --dest ./lake
  docker-reports sync --org my-org --dest s3://my-bucket/docker --since 2026-06-01 --json
  DOCKER_HUB_USERNAME=... DOCKER_HUB_PAT=... docker-reports sync --namespace my-pub --dest ./lake --timespan weeks
  ${PSEUDONYM_KEY_VARIABLE}=... docker-reports sync --org my-org --dest ./lake --pseudonymize hub_username,ip_address`,
    )
    .action(async (flags: SyncFlags) => {
      const outcome = await runSync(
        {
          scopes: scopesOf(flags),
          dest: flags.dest,
          filters: { enterprise: { names: flags.type, cadences: flags.cadence }, dvp: { names: flags.view, cadences: flags.timespan } },
          since: flags.since,
          latest: flags.latest,
          concurrency: flags.concurrency,
          json: flags.json,
          pseudonymize: flags.pseudonymize,
        },
        io,
      );
      exit(outcome.exitCode);
    });
}

/** The orgs, then the namespaces; at least one of either. */
function scopesOf(flags: SyncFlags): ScopeRef[] {
  const scopes: ScopeRef[] = [
    ...(flags.org ?? []).map((org): ScopeRef => ({ source: 'enterprise', scope: org })),
    ...(flags.namespace ?? []).map((namespace): ScopeRef => ({ source: 'dvp', scope: namespace })),
  ];
  if (scopes.length === 0) {
    throw new ConfigError('name what to sync: --org <org> (Enterprise usage reports) and/or --namespace <ns> (Verified Publisher pull analytics).');
  }
  // A filter for a source not synced would narrow nothing: said, rather than a run that silently ignores it.
  if ((flags.view?.length || flags.timespan?.length) && !flags.namespace?.length) {
    throw new ConfigError('--view and --timespan choose among the exports of --namespace; give the namespace too.');
  }
  if ((flags.type?.length || flags.cadence?.length) && !flags.org?.length) {
    throw new ConfigError('--type and --cadence choose among the reports of --org; give the org too.');
  }
  return scopes;
}
