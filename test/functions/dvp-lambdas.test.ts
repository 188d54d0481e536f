import { afterEach, describe, expect, it } from 'vitest';
import type { SyncAnswer } from '../../functions/sync/run-lambda-sync.js';
import { isoWeekStart } from '../../shared/sources/dvp/index.js';
import { ApiHarness } from './support/api-harness.js';
import { lambdaContext } from './support/lambda-context.js';
import { GLUE_DATABASE, LambdaHarness, PREFIX } from './support/lambda-harness.js';

const NS = 'pubco';
const EXPORTS = `/namespaces/${NS}/pulls/exports/years`;

let lambda: LambdaHarness | undefined;
let api: ApiHarness | undefined;

afterEach(async () => {
  await lambda?.close();
  await api?.close();
  lambda = undefined;
  api = undefined;
});

/** One org and one publisher namespace of two views, two weeks and one month of exports. */
const SIM = { orgs: ['acme'], days: 1, dvp: { namespaces: [{ namespace: NS, weeks: 2, months: 1, views: ['summary', 'raw'] }] } };

describe('Handler: sync, a DVP namespace', () => {
  it("lands a DVP schedule's weekly exports of every view, announces each with its source, and gives each view its Glue table", async () => {
    // Prepare
    lambda = await LambdaHarness.start({ sim: SIM });

    // Act
    const answer = (await lambda.syncHandler()({ sources: ['dvp'], cadences: ['weekly'] }, lambdaContext('docker-reports-sync'))) as SyncAnswer;

    // Assess
    expect(answer.failed).toEqual([]);
    expect(answer.landed).toBe(4);
    expect(answer.routes).toEqual({ [`dvp/${NS}`]: 'inline' });
    const keys = [...lambda.bucket.objects.keys()];
    expect(keys.filter((key) => key.startsWith(`${PREFIX}/enterprise/`))).toEqual([]);
    expect(keys.filter((key) => /\/dvp\/raw\/weekly\/namespace=pubco\/period_start=\d{4}-\d{2}-\d{2}\/part-00\d\.csv\.gz$/.test(key)).length).toBe(6);
    const details = lambda.eventDetails();
    expect(details).toHaveLength(4);
    for (const detail of details) expect(detail).toMatchObject({ source: 'dvp', namespace: NS, timespan: 'weekly' });
    expect(new Set(details.map((detail) => detail.view))).toEqual(new Set(['summary', 'raw']));
    for (const detail of details) expect(new Date(`${String(detail.period_start)}T00:00:00Z`).getUTCDay()).toBe(1);
    for (const table of ['dvp_summary_weekly', 'dvp_raw_weekly']) {
      expect(lambda.catalog.table(table).Parameters).toMatchObject({ 'projection.namespace.values': NS, 'projection.period_start.interval': '7' });
    }
    expect(GLUE_DATABASE).toBe('docker_reports');
  });

  it("fans a namespace's plan out to the queue, and the worker lands each export from its message", async () => {
    // Prepare
    lambda = await LambdaHarness.start({ sim: SIM });

    // Act
    const planned = (await lambda.syncHandler()({ namespaces: [NS], cadences: ['monthly'], fanOut: 'always' }, lambdaContext('docker-reports-sync'))) as SyncAnswer;
    const worker = lambda.landReportHandler();
    const answers = [];
    for (const event of lambda.sqsEvents()) answers.push(await worker(event, lambdaContext('land-report')));

    // Assess
    expect(planned).toMatchObject({ landed: 0, queued: 2, routes: { [`dvp/${NS}`]: 'queue' } });
    expect(answers.flatMap((answer) => answer.batchItemFailures)).toEqual([]);
    const manifests = lambda.bucket.keys(`${PREFIX}/dvp/`).filter((key) => key.endsWith('/_manifest.json'));
    expect(manifests).toHaveLength(2);
    for (const key of manifests) expect(key).toMatch(/\/monthly\/namespace=pubco\/period_start=\d{4}-\d{2}-01\//);
    expect(lambda.eventDetails().map((detail) => detail.timespan)).toEqual(['monthly', 'monthly']);
    expect(lambda.metric('ReportsLanded')).toContainEqual({ value: 2, dimensions: { service: 'docker-reports-lake', namespace: NS } });
  });

  it('publishes how long ago each namespace last landed an export, which its alarm watches', async () => {
    // Prepare
    lambda = await LambdaHarness.start({ sim: SIM });
    await lambda.syncHandler()({ sources: ['dvp'] }, lambdaContext('docker-reports-sync'));

    // Act
    await lambda.syncHandler()({ sources: ['enterprise'] }, lambdaContext('docker-reports-sync'));

    // Assess
    const ages = lambda.metric('HoursSinceExportLanded');
    expect(ages.length).toBeGreaterThanOrEqual(2);
    expect(ages.at(-1)).toEqual({ value: 0, dimensions: { service: 'docker-reports-lake', namespace: NS } });
  });

  it('fails a namespace whose secret holds no login alone, saying which command stores it; the org still syncs', async () => {
    // Prepare
    lambda = await LambdaHarness.start({ sim: SIM, dvpSecretValue: () => undefined });

    // Act
    const answer = (await lambda.syncHandler()({}, lambdaContext('docker-reports-sync'))) as SyncAnswer;

    // Assess
    expect(answer.landed).toBeGreaterThan(0);
    expect(answer.failed).toHaveLength(1);
    expect(answer.failed[0]).toMatchObject({ source: 'dvp', scope: NS });
    expect(answer.failed[0]!.reason).toMatch(/docker-reports\/dvp\/pubco holds no Docker Hub login.*put-secret-value/);
  });
});

describe('Handler: api, DVP export paths', () => {

  it("lists years, weeks and months as Docker does, and answers an export's files as 5-minute URLs, landing it on demand", async () => {
    // Prepare
    api = await ApiHarness.start({ sim: SIM });
    const handler = api.handler();

    // Act
    const years = await api.request('GET', EXPORTS, {}, handler);
    const year = (years.json() as { years: { year: number }[] }).years.at(-1)!.year;
    const weeks = await api.request('GET', `${EXPORTS}/${year}/weeks`, {}, handler);
    const n = (weeks.json() as { weeks: { week: number }[] }).weeks.at(-1)!.week;
    const one = await api.request('GET', `${EXPORTS}/${year}/weeks/${n}`, {}, handler);
    const files = await api.request('GET', `${EXPORTS}/${year}/weeks/${n}/raw`, {}, handler);
    const months = await api.request('GET', `${EXPORTS}/${year}/months`, {}, handler);

    // Assess
    expect(years.statusCode).toBe(200);
    expect(weeks.statusCode).toBe(200);
    expect(one.json()).toEqual({ week: n });
    expect(months.statusCode).toBe(200);
    expect(files.statusCode).toBe(200);
    const data = (files.json() as { data: { url: string; size: number }[] }).data;
    expect(data).toHaveLength(3);
    const period = isoWeekStart(year, n)!;
    for (const [index, file] of data.entries()) {
      const key = `${PREFIX}/dvp/raw/weekly/namespace=${NS}/period_start=${period}/part-00${index}.csv.gz`;
      expect(file.size).toBe(api.bucket.objects.get(key)!.length);
      expect(file.url).toContain(encodeURIComponent(key).replace(/%2F/g, '/'));
      expect(file.url).toContain('X-Amz-Expires=300');
    }
    expect(api.putEvents.map((entry) => JSON.parse(entry.Detail!) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ source: 'dvp', namespace: NS, view: 'raw', timespan: 'weekly', period_start: period }),
    ]);
  });

  it('answers from the lake alone for a namespace it holds, a second request landing nothing again', async () => {
    // Prepare
    api = await ApiHarness.start({ sim: SIM });
    const handler = api.handler();
    const year = (await api.request('GET', EXPORTS, {}, handler)).json() as { years: { year: number }[] };
    const y = year.years.at(-1)!.year;
    const n = ((await api.request('GET', `${EXPORTS}/${y}/weeks`, {}, handler)).json() as { weeks: { week: number }[] }).weeks.at(-1)!.week;
    await api.request('GET', `${EXPORTS}/${y}/weeks/${n}/summary`, {}, handler);

    // Act
    const again = await api.request('GET', `${EXPORTS}/${y}/weeks/${n}/summary`, {}, handler);

    // Assess
    expect(again.statusCode).toBe(200);
    expect(api.putEvents).toHaveLength(1);
  });

  it.each([
    [`${EXPORTS}/20x6/weeks`, 400, 'invalid input: year must be a four-digit year'],
    [`${EXPORTS}/2026/weeks/54`, 400, 'invalid input: week must be an ISO 8601 week of 2026 (1 to 53)'],
    [`${EXPORTS}/2026/months/13/raw`, 400, 'invalid input: month must be an integer from 1 to 12'],
    [`${EXPORTS}/2026/weeks/1/no-such-view`, 404, 'not found'],
    [`${EXPORTS}/2019/weeks/1`, 404, 'not found'],
    ['/namespaces/other/pulls/exports/years', 404, 'not found'],
  ])('answers %s with %i in the error envelope', async (path, status, message) => {
    // Prepare
    api = await ApiHarness.start({ sim: SIM });

    // Act
    const answer = await api.request('GET', path);

    // Assess
    expect(answer.statusCode).toBe(status);
    expect(answer.json()).toEqual({ error: message });
  });
});
