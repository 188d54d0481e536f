import { describe, expect, it } from 'vitest';
import { cronProblem } from '../../infra/config/cron.js';
import { StackConfigError, parseStackConfig, readStackConfig } from '../../infra/config/read-stack-config.js';
import { DEFAULT_SCHEDULES } from '../../infra/config/stack-config.js';

/** A context as cdk.json and `-c` give it. */
function context(values: Record<string, unknown>) {
  return { tryGetContext: (key: string) => values[key] };
}

describe('Function: parseStackConfig', () => {
  it('fills in secure, documented defaults around the orgs', () => {
    // Act
    const config = parseStackConfig({ orgs: ['acme'] });

    // Assess
    expect(config).toEqual({
      orgs: ['acme'],
      stackName: 'DockerReportsLake',
      schedules: DEFAULT_SCHEDULES,
      lake: {
        prefix: '',
        encryption: 'kms',
        removalPolicy: 'retain',
        accessLogs: true,
        retention: { reportDays: 730, noncurrentVersionDays: 30, incompleteUploadDays: 1, athenaResultsDays: 30, accessLogDays: 365 },
      },
      secrets: { namePrefix: 'docker-reports', existing: {} },
      sync: {
        fanOutAboveReports: 10,
        fanOutAboveBytes: 512 * 1024 * 1024,
        concurrency: 4,
        memoryMiB: 1024,
        ephemeralStorageMiB: 4096,
        workerBatchSize: 4,
        workerMaxConcurrency: 4,
        workerMaxReceiveCount: 3,
      },
      query: { databaseName: 'docker_reports', workGroupName: 'docker-reports', bytesScannedCutoffMiB: 10240, firstReportDate: '2026-01-01', pseudonymize: [] },
      alarms: { noLandingHours: 36 },
      api: { rateLimit: 10, burstLimit: 20, syncRateLimit: 1, syncBurstLimit: 2, cloudWatchRole: true },
      dvp: { namespaces: [], existing: {}, schedules: { weekly: 'cron(0 8 ? * TUE *)', monthly: 'cron(0 8 2 * ? *)' }, noLandingDays: 9 },
    });
  });

  it.each([
    ['no orgs', { orgs: [] }, 'orgs: name at least one Docker organization (-c orgs=acme,beta)'],
    ['an org Docker would refuse', { orgs: ['Acme Inc'] }, 'orgs.0: must be lowercase letters, digits, "-" or "_"'],
    ['a repeated org', { orgs: ['acme', 'acme'] }, 'orgs: must not repeat an org'],
    ['too many orgs', { orgs: Array.from({ length: 26 }, (_, i) => `org${i}`) }, 'orgs: at most 25 orgs per stack'],
    ['a cron with five fields', { schedules: { daily: 'cron(30 6 * * ?)' } }, 'schedules.daily: "cron(30 6 * * ?)" has 5 field(s)'],
    ['a rate expression', { schedules: { daily: 'rate(1 day)' } }, 'schedules.daily: "rate(1 day)" must look like cron(30 6 * * ? *)'],
    ['a cron with both days set', { schedules: { daily: 'cron(0 6 * * MON *)' } }, 'exactly one of day-of-month and day-of-week must be "?"'],
    ['no schedule at all', { schedules: {} }, 'schedules: must schedule at least one cadence'],
    ['a prefix with a leading slash', { lake: { prefix: '/lake' } }, 'lake.prefix: must be a key prefix like "lake"'],
    ['an unknown encryption', { lake: { encryption: 'aes' } }, 'lake.encryption'],
    ['a bad existing bucket name', { lake: { existingBucketName: 'My_Bucket' } }, 'lake.existingBucketName: must be an S3 bucket name'],
    ['a key without its bucket', { lake: { existingBucketKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f' } }, 'lake.existingBucketKeyArn: is only used with lake.existingBucketName'],
    ['a retention of zero days', { lake: { retention: { noncurrentVersionDays: 0 } } }, 'lake.retention.noncurrentVersionDays: noncurrentVersionDays must be at least 1 day'],
    [
      'reports kept less long than Docker lists them',
      { lake: { retention: { reportDays: 30 } } },
      'lake.retention.reportDays: reportDays must be at least 31 days: Docker lists a report for about 30 days, and the sync would land a report the lake let expire again',
    ],
    ['a secret name, not an ARN', { secrets: { existing: { acme: 'docker-reports/acme' } } }, 'secrets.existing.acme: must be the complete ARN of a Secrets Manager secret'],
    ['a secret of an org not synced', { secrets: { existing: { globex: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:docker/globex-AbCdEf' } } }, 'secrets.existing.globex: names org globex, which is not in orgs (acme)'],
    ['a worker concurrency below 2', { sync: { workerMaxConcurrency: 1 } }, 'sync.workerMaxConcurrency'],
    ['a /tmp below Lambda\'s 512 MiB', { sync: { ephemeralStorageMiB: 511 } }, 'sync.ephemeralStorageMiB: Too small: expected number to be >=512 (got 511)'],
    ['a /tmp above Lambda\'s 10240 MiB', { sync: { ephemeralStorageMiB: 10_241 } }, 'sync.ephemeralStorageMiB: Too big: expected number to be <=10240 (got 10241)'],
    ['a /tmp of a fraction of a MiB', { sync: { ephemeralStorageMiB: 1024.5 } }, 'sync.ephemeralStorageMiB: Invalid input: expected int, received number (got 1024.5)'],
    ['a /tmp given as text', { sync: { ephemeralStorageMiB: '4096' } }, 'sync.ephemeralStorageMiB: Invalid input: expected number, received string (got "4096")'],
    ['a Glue database Athena would need to quote', { query: { databaseName: 'Docker-Reports' } }, 'query.databaseName: must be lower case letters, digits and "_"'],
    ['a scan cut-off below Athena\'s minimum', { query: { bytesScannedCutoffMiB: 5 } }, 'query.bytesScannedCutoffMiB'],
    ['an impossible first date', { query: { firstReportDate: '2026-02-30' } }, 'query.firstReportDate: must be a real date written YYYY-MM-DD'],
    ['an e-mail that is not one', { alarms: { email: 'ops at example.com' } }, 'alarms.email: must be an e-mail address'],
    ['a misspelled setting', { lake: { retentionDays: 30 } }, 'lake: unknown setting(s) retentionDays: check the spelling'],
    ['an API rate of zero', { api: { rateLimit: 0 } }, 'api.rateLimit'],
    ['a fractional burst', { api: { burstLimit: 2.5 } }, 'api.burstLimit'],
    ['a sync rate above the API\'s', { api: { rateLimit: 5, syncRateLimit: 6 } }, 'api.syncRateLimit: must not exceed rateLimit (5)'],
    ['a sync burst above the API\'s', { api: { burstLimit: 3, syncBurstLimit: 4 } }, 'api.syncBurstLimit: must not exceed burstLimit (3)'],
    ['a CORS wildcard', { api: { corsAllowOrigins: ['*'] } }, 'api.corsAllowOrigins.0: must be an origin like https://reports.example.com'],
    ['a CORS origin with a path', { api: { corsAllowOrigins: ['https://app.example.com/reports'] } }, 'api.corsAllowOrigins.0: must be an origin'],
    ['an empty CORS list', { api: { corsAllowOrigins: [] } }, 'api.corsAllowOrigins: name at least one origin, or leave corsAllowOrigins out'],
  ])('refuses %s with a message naming it', (_label, change, message) => {
    // Act
    const parse = () => parseStackConfig({ orgs: ['acme'], ...change });

    // Assess
    expect(parse).toThrow(StackConfigError);
    expect(parse).toThrow(message);
  });

  it.each([512, 10_240])('accepts a /tmp of %i MiB, Lambda\'s bounds', (ephemeralStorageMiB) => {
    // Act
    const config = parseStackConfig({ orgs: ['acme'], sync: { ephemeralStorageMiB } });

    // Assess
    expect(config.sync.ephemeralStorageMiB).toBe(ephemeralStorageMiB);
  });

  it('says where to fix the configuration', () => {
    // Act
    const parse = () => parseStackConfig({});

    // Assess
    expect(parse).toThrow(/Invalid docker-reports configuration:\n {2}- orgs: .*\nFix it in cdk.json \(context "docker-reports"\)/);
  });
});

describe('Function: readStackConfig', () => {
  it('lays the command-line shortcuts over the config file over cdk.json', () => {
    // Prepare
    const files: Record<string, string> = {};
    const read = (path: string) => {
      files[path] = 'read';
      return JSON.stringify({ lake: { prefix: 'from-file' }, alarms: { noLandingHours: 48 } });
    };

    // Act
    const config = readStackConfig(
      context({
        'docker-reports': { orgs: ['example-org'], lake: { prefix: 'from-cdk-json', encryption: 's3-managed' } },
        configFile: 'deploy.json',
        orgs: 'acme, globex',
        alarmEmail: 'ops@example.com',
      }),
      read,
    );

    // Assess
    expect(config.orgs).toEqual(['acme', 'globex']);
    expect(config.lake).toMatchObject({ prefix: 'from-file', encryption: 's3-managed' });
    expect(config.alarms).toEqual({ email: 'ops@example.com', noLandingHours: 48 });
    expect(Object.keys(files)[0]).toMatch(/deploy\.json$/);
  });

  it('takes the context object as a JSON string, as -c gives it', () => {
    // Act
    const config = readStackConfig(context({ 'docker-reports': '{"orgs":["acme"],"lake":{"prefix":"lake"}}' }));

    // Assess
    expect(config.lake.prefix).toBe('lake');
  });

  it.each([
    [{ 'docker-reports': '{orgs: acme}' }, 'context "docker-reports" is not valid JSON'],
    [{ 'docker-reports': '["acme"]' }, 'context "docker-reports" must be a JSON object'],
    [{ orgs: 'acme', configFile: 'missing.json' }, '-c configFile=missing.json: cannot read it'],
  ])('refuses the unreadable context %j', (values, message) => {
    // Act
    const read = () =>
      readStackConfig(context(values), () => {
        throw new Error('ENOENT: no such file');
      });

    // Assess
    expect(read).toThrow(message);
  });

  it('reads the repository\'s own cdk.json into a valid configuration', async () => {
    // Prepare
    const { readFileSync } = await import('node:fs');
    const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };

    // Act
    const config = readStackConfig(context(cdkJson.context));

    // Assess
    expect(config.orgs).toEqual(['example-org']);
    expect(config.schedules).toEqual(DEFAULT_SCHEDULES);
  });
});

describe('Function: cronProblem', () => {
  it.each(Object.values(DEFAULT_SCHEDULES))('accepts the default %s', (expression) => {
    // Assess
    expect(cronProblem(expression)).toBeUndefined();
  });

  it.each(['cron(0/15 * * * ? *)', 'cron(0 18 ? * MON-FRI *)', 'cron(0 8 1 * ? *)', 'cron(0 10 ? * 6L 2026-2030)'])('accepts %s', (expression) => {
    // Assess
    expect(cronProblem(expression)).toBeUndefined();
  });

  it('refuses characters cron does not know, naming the field', () => {
    // Assess
    expect(cronProblem('cron(0 6; * * ? *)')).toBe('field hours ("6;") holds characters cron does not allow');
  });
});
