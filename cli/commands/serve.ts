import { Command } from 'commander';
import { once } from 'node:events';
import { ConfigError } from '../../shared/errors.js';
import { EXIT } from '../exit-codes.js';
import { integer, segment } from '../option-parsers.js';
import type { CliIo } from '../cli-io.js';
import { scopesInLake } from '../serve/lake-orgs.js';
import { startLocalApi } from '../serve/local-api-server.js';

export function serveCommand(io: CliIo, exit: (code: number) => void): Command {
  return new Command('serve')
    .description("Serve a local lake over the stack's HTTP API (Docker's paths), with signed, expiring download URLs.")
    .requiredOption('--lake <dir>', 'the lake folder a sync wrote')
    .option('--port <port>', 'port on 127.0.0.1 (0: any free port)', integer(0, 65_535), 8080)
    .option('--org <org>', 'an org to serve; repeatable (default: every org the lake holds)', segment('org'))
    .option('--namespace <ns>', 'a DVP namespace to serve; repeatable (default: every namespace the lake holds)', segment('namespace'))
    .option('--show-users', 'show user names on the dashboard (distinct user counts are shown either way)', false)
    .addHelpText(
      'after',
      `
Dashboard: open the URL it prints in a browser (charts of pulls, repositories, users; filters in the URL).

Routes (as in the deployed stack):
  GET  /orgs/{org}/reports                                   report types, landed counts, newest landed date
  GET  /orgs/{org}/reports/{type}/{cadence}                  reports, newest first (page_size, page_token), each marked Landed
  GET  /orgs/{org}/reports/{type}/{cadence}/{date}/download  302 to a signed URL valid 5 minutes (?redirect=false: JSON)
  GET  /orgs/{org}/reports/{type}/{cadence}/latest/download  the newest report
  GET  /orgs/{org}/reports/{type}/{cadence}/{date}/schema    the report's columns
  POST /orgs/{org}/sync                                      sync that org now, in the background
  GET  /namespaces/{ns}/pulls/exports/years                  years with DVP exports
  GET  /namespaces/{ns}/pulls/exports/years/{y}/weeks|months ISO weeks or months of a year with exports
  GET  /namespaces/{ns}/pulls/exports/years/{y}/weeks/{n}    one week ({"week": n}); months/{n} likewise
  GET  /namespaces/{ns}/pulls/exports/years/{y}/weeks/{n}/{view}  the export's files: {"data":[{"url","size"}]}

With DOCKER_OAT (or DOCKER_OAT_<ORG>) set, reports not landed yet are landed on
download, and listings include what Docker offers; likewise DVP exports with
DOCKER_HUB_USERNAME and DOCKER_HUB_PAT (or ..._<NS>). Without, the lake alone is served.
It listens on loopback only and asks for no credentials: do not expose it.

Example:
  docker-reports serve --lake ./lake &
  curl -L -o latest.csv localhost:8080/orgs/acme/reports/usage_pulls/daily/latest/download`,
    )
    .action(async (flags: { lake: string; port: number; org?: string[]; namespace?: string[]; showUsers: boolean }) => {
      // Naming only namespaces serves only them, and the other way round.
      const named = flags.org !== undefined || flags.namespace !== undefined;
      const orgs = flags.org ?? (named ? [] : await scopesInLake(flags.lake));
      const namespaces = flags.namespace ?? (named ? [] : await scopesInLake(flags.lake, 'dvp'));
      if (orgs.length === 0 && namespaces.length === 0) {
        throw new ConfigError(`${flags.lake} holds no org's reports and no namespace's exports; name one with --org or --namespace, or run a sync first.`);
      }
      const server = await startLocalApi({
        lake: flags.lake,
        port: flags.port,
        orgs,
        namespaces,
        env: io.env,
        showUsers: flags.showUsers,
        log: (line) => io.stderr.write(`${line}\n`),
      });
      io.stdout.write(
        `Serving ${flags.lake} for ${[...orgs, ...namespaces.map((ns) => `namespace ${ns}`)].join(', ')} at ${server.url}\n` +
          `  Dashboard: ${server.url}/\n` +
          (orgs.length > 0 ? `  curl -L -o latest.csv ${server.url}/orgs/${orgs[0]}/reports/<type>/<cadence>/latest/download\n` : '') +
          (namespaces.length > 0 ? `  curl ${server.url}/namespaces/${namespaces[0]}/pulls/exports/years\n` : '') +
          'Press Ctrl+C to stop.\n',
      );
      await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
      await server.close();
      exit(EXIT.ok);
    });
}
