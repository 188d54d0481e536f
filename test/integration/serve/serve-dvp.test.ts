import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApi, type LocalApi } from '../../../cli/serve/local-api-server.js';
import { dvpVariables } from '../../../shared/config.js';
import { manifestKey } from '../../../shared/lake/layout.js';
import { FsSink } from '../../../shared/sinks/fs-sink.js';
import { isoWeekStart } from '../../../shared/sources/dvp/index.js';
import { createSimulator, type Simulator } from '../../../simulator/index.js';
import { simulatorEnv } from '../../support/engine.js';
import { tempDir } from '../../support/temp-dir.js';

const NS = 'pubco';
const EXPORTS = `/namespaces/${NS}/pulls/exports/years`;

/** Docker's DVP export paths served over a local lake, with a real HTTP client. */
describe('docker-reports serve, DVP exports', () => {
  let sim: Simulator;
  let lake: { path: string; remove: () => Promise<void> };
  let server: LocalApi;
  let lakeOnly: LocalApi;

  beforeAll(async () => {
    sim = await createSimulator({ orgs: ['acme'], days: 1, dvp: { namespaces: [{ namespace: NS, weeks: 2, months: 1, views: ['summary', 'raw'] }] } });
    lake = await tempDir('serve-dvp');
    const login = sim.dvpCredentials(NS);
    const variables = dvpVariables(NS);
    const env = { ...simulatorEnv(sim), DOCKER_DVP_API_URL: sim.dvpUrl, [variables.username]: login.username, [variables.pat]: login.pat };
    server = await startLocalApi({ lake: lake.path, orgs: [], namespaces: [NS], env, log: () => undefined });
    // No Hub login in its environment: it serves what the lake holds, nothing more.
    lakeOnly = await startLocalApi({ lake: lake.path, orgs: [], namespaces: [NS], env: { DOCKER_DVP_API_URL: sim.dvpUrl }, log: () => undefined });
  });

  afterAll(async () => {
    await server.close();
    await lakeOnly.close();
    await sim.close();
    await lake.remove();
  });

  const get = async (base: LocalApi, path: string) => {
    const response = await fetch(`${base.url}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it("walks years, weeks and a week as Docker does, then lands a view's export on demand and serves its files, byte for byte", async () => {
    // Act
    const years = await get(server, EXPORTS);
    const year = (years.body.years as { year: number }[]).at(-1)!.year;
    const weeks = await get(server, `${EXPORTS}/${year}/weeks`);
    const week = (weeks.body.weeks as { week: number }[]).at(-1)!.week;
    const one = await get(server, `${EXPORTS}/${year}/weeks/${week}`);
    const files = await get(server, `${EXPORTS}/${year}/weeks/${week}/raw`);

    // Assess
    expect(years.status).toBe(200);
    expect(weeks.status).toBe(200);
    expect(one).toEqual({ status: 200, body: { week } });
    expect(files.status).toBe(200);
    const data = files.body.data as { url: string; size: number }[];
    expect(data).toHaveLength(3);
    for (const file of data) {
      const download = await fetch(file.url);
      const bytes = Buffer.from(await download.arrayBuffer());
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe('application/gzip');
      expect(bytes.length).toBe(file.size);
      expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    }
    const period = isoWeekStart(year, week)!;
    expect(await new FsSink(lake.path).read(manifestKey({ source: 'dvp', scope: NS, name: 'raw', cadence: 'weekly', period }))).toBeDefined();
  });

  it('answers from the lake alone without a Hub login: the landed export is listed, the others are not', async () => {
    // Prepare
    const years = await get(server, EXPORTS);
    const year = (years.body.years as { year: number }[]).at(-1)!.year;
    const week = ((await get(server, `${EXPORTS}/${year}/weeks`)).body.weeks as { week: number }[]).at(-1)!.week;
    await get(server, `${EXPORTS}/${year}/weeks/${week}/summary`);

    // Act
    const weeks = await get(lakeOnly, `${EXPORTS}/${year}/weeks`);
    const months = await get(lakeOnly, `${EXPORTS}/${year}/months`);
    const files = await get(lakeOnly, `${EXPORTS}/${year}/weeks/${week}/summary`);

    // Assess
    expect(weeks.body).toEqual({ weeks: [{ week }] });
    expect(months.body).toEqual({ months: [] });
    expect((files.body.data as unknown[]).length).toBe(1);
  });

  it.each([
    [`${EXPORTS}/20x6/weeks`, 400, 'invalid input: year must be a four-digit year'],
    [`${EXPORTS}/2026/weeks/54`, 400, 'invalid input: week must be an ISO 8601 week of 2026 (1 to 53)'],
    [`${EXPORTS}/2026/weeks/1/Raw`, 400, 'invalid input: view contains invalid characters'],
    [`${EXPORTS}/2026/weeks/1/no-such-view`, 404, 'not found'],
    [`${EXPORTS}/2026/days`, 404, 'not found'],
    ['/namespaces/initech/pulls/exports/years', 404, 'not found'],
  ])('answers %s with %i in the error envelope', async (path, status, error) => {
    // Assess
    expect(await get(server, path)).toEqual({ status, body: { error } });
  });
});
