import { fileURLToPath } from 'node:url';
import { oatVariable } from '../../shared/config.js';
import type { Simulator } from '../../simulator/index.js';

/** The CLI as users run it (the bundle npm ci builds), in its own process so its memory is its own. */
export const CLI = fileURLToPath(new URL('../../bin/docker-reports.js', import.meta.url));

export function engineEnv(sim: Simulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DOCKER_API_URL: sim.apiUrl,
    DOCKER_HUB_URL: sim.hubUrl,
    ...Object.fromEntries(sim.orgs.map((org) => [oatVariable(org), sim.oatFor(org)])),
    ...extra,
  };
}
