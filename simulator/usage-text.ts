import { dvpVariables, oatVariable } from '../shared/config.js';
import type { Simulator } from './simulator.js';

/**
 * What `docker-reports simulate` prints once the simulator listens: where it
 * is, and the environment to export in another shell so the CLI talks to it.
 */
export function usageText(
  sim: Pick<Simulator, 'apiUrl' | 'hubUrl' | 'storageUrl' | 'orgs' | 'oatFor' | 'dvpUrl' | 'namespaces' | 'dvpCredentials'>,
): string {
  const dvp = sim.namespaces.length > 0;
  const exports = [
    `export DOCKER_API_URL=${shellQuote(sim.apiUrl)}`,
    ...(dvp ? [`export DOCKER_DVP_API_URL=${shellQuote(sim.dvpUrl)}`] : []),
    `export DOCKER_HUB_URL=${shellQuote(sim.hubUrl)}`,
    ...sim.orgs.map((org) => `export ${oatVariable(org)}=${shellQuote(sim.oatFor(org))}`),
    ...sim.namespaces.flatMap((namespace) => {
      const names = dvpVariables(namespace);
      const credentials = sim.dvpCredentials(namespace);
      return [`export ${names.username}=${shellQuote(credentials.username)}`, `export ${names.pat}=${shellQuote(credentials.pat)}`];
    }),
  ];
  return [
    "Docker API simulator running (fake data, fake tokens: nothing here reaches Docker).",
    `  Enterprise Data API  ${sim.apiUrl}`,
    ...(dvp ? [`  DVP Data API         ${sim.dvpUrl}`] : []),
    `  Hub token exchange   ${sim.hubUrl}/v2/auth/token`,
    ...(dvp ? [`  Hub login (DVP)      ${sim.hubUrl}/v2/users/login`] : []),
    `  Pre-signed storage   ${sim.storageUrl}`,
    `  Orgs                 ${sim.orgs.join(', ')}`,
    ...(dvp ? [`  Namespaces           ${sim.namespaces.join(', ')}`] : []),
    '',
    'In another shell, point docker-reports at it:',
    ...exports.map((line) => `  ${line}`),
    '',
    'Press Ctrl+C to stop.',
    '',
  ].join('\n');
}

/** Single-quotes a value for POSIX shells unless it is plainly safe. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
