import { describe, expect, it } from 'vitest';
import { FUNCTION_ENV, readFunctionConfig } from '../../../shared/aws/function-config.js';
import { ConfigError } from '../../../shared/errors.js';

const ENV = {
  [FUNCTION_ENV.orgs]: 'acme,globex',
  [FUNCTION_ENV.orgSecrets]: JSON.stringify({ acme: 'arn:acme', globex: 'arn:globex' }),
  [FUNCTION_ENV.bucket]: 'lake-bucket',
  [FUNCTION_ENV.prefix]: '/lake/',
  [FUNCTION_ENV.glueDatabase]: 'docker_reports',
  [FUNCTION_ENV.athenaWorkGroup]: 'docker-reports',
  [FUNCTION_ENV.landQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/land',
  [FUNCTION_ENV.fanOutAboveReports]: '25',
  AWS_REGION: 'eu-west-1',
};

describe('Function: readFunctionConfig', () => {
  it('reads what the stack sets, filling in the defaults', () => {
    // Act
    const config = readFunctionConfig(ENV);

    // Assess
    expect(config).toMatchObject({
      orgs: ['acme', 'globex'],
      scopes: [
        { source: 'enterprise', scope: 'acme' },
        { source: 'enterprise', scope: 'globex' },
      ],
      orgSecrets: { acme: 'arn:acme', globex: 'arn:globex' },
      bucket: 'lake-bucket',
      prefix: 'lake',
      glueDatabase: 'docker_reports',
      athenaWorkGroup: 'docker-reports',
      firstReportDate: '2026-01-01',
      eventBusName: 'default',
      landQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/land',
      fanOut: { aboveReports: 25, aboveBytes: 512 * 1024 * 1024 },
      concurrency: 4,
    });
    expect(config.engine).toMatchObject({ apiUrl: 'https://api.docker.com/enterprise-data/v1', hubUrl: 'https://hub.docker.com', awsRegion: 'eu-west-1' });
  });

  it('leaves the queue out for the worker, which never fans out', () => {
    // Act
    const config = readFunctionConfig({ ...ENV, [FUNCTION_ENV.landQueueUrl]: undefined });

    // Assess
    expect(config.landQueueUrl).toBeUndefined();
  });

  it.each([
    ['no orgs', { [FUNCTION_ENV.orgs]: ' , ' }, FUNCTION_ENV.orgs],
    ['a bad org', { [FUNCTION_ENV.orgs]: 'Acme' }, FUNCTION_ENV.orgs],
    ['secrets that are not JSON', { [FUNCTION_ENV.orgSecrets]: 'arn:acme' }, FUNCTION_ENV.orgSecrets],
    ['a bad bucket', { [FUNCTION_ENV.bucket]: 'Lake_Bucket' }, FUNCTION_ENV.bucket],
    ['a negative limit', { [FUNCTION_ENV.fanOutAboveReports]: '-1' }, FUNCTION_ENV.fanOutAboveReports],
    ['no Glue database', { [FUNCTION_ENV.glueDatabase]: undefined }, FUNCTION_ENV.glueDatabase],
    ['no Athena workgroup', { [FUNCTION_ENV.athenaWorkGroup]: undefined }, FUNCTION_ENV.athenaWorkGroup],
    ['a workgroup name Athena refuses', { [FUNCTION_ENV.athenaWorkGroup]: 'reports/../x' }, FUNCTION_ENV.athenaWorkGroup],
  ])('refuses %s, naming the variable', (_label, change, variable) => {
    // Act
    const read = () => readFunctionConfig({ ...ENV, ...change });

    // Assess
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(variable);
  });

  it('refuses an org without a secret', () => {
    // Act
    const read = () => readFunctionConfig({ ...ENV, [FUNCTION_ENV.orgSecrets]: JSON.stringify({ acme: 'arn:acme' }) });

    // Assess
    expect(read).toThrow('names no secret for org(s) globex');
  });
});

describe('Function: readFunctionConfig, DVP namespaces', () => {
  const DVP = {
    ...ENV,
    [FUNCTION_ENV.namespaces]: 'pubco,other-ns',
    [FUNCTION_ENV.namespaceSecrets]: JSON.stringify({ pubco: 'arn:pubco', 'other-ns': 'arn:other' }),
    DOCKER_DVP_API_URL: 'http://127.0.0.1:9999/api/publisher/analytics/v1',
  };

  it('reads the namespaces and their secrets, as scopes after the orgs', () => {
    // Act
    const config = readFunctionConfig(DVP);

    // Assess
    expect(config.namespaces).toEqual(['pubco', 'other-ns']);
    expect(config.namespaceSecrets).toEqual({ pubco: 'arn:pubco', 'other-ns': 'arn:other' });
    expect(config.scopes.slice(2)).toEqual([
      { source: 'dvp', scope: 'pubco' },
      { source: 'dvp', scope: 'other-ns' },
    ]);
    expect(config.engine.dvpUrl).toBe('http://127.0.0.1:9999/api/publisher/analytics/v1');
  });

  it('has none when the stack set none', () => {
    // Assess
    expect(readFunctionConfig(ENV)).toMatchObject({ namespaces: [], namespaceSecrets: {} });
  });

  it.each([
    [{ [FUNCTION_ENV.namespaceSecrets]: JSON.stringify({ pubco: 'arn:pubco' }) }, /names no secret for namespace\(s\) other-ns/],
    [{ [FUNCTION_ENV.namespaceSecrets]: 'not json' }, /DOCKER_REPORTS_DVP_SECRETS: must be a JSON object of namespace -> secret ARN/],
    [{ [FUNCTION_ENV.namespaces]: 'Pub Co' }, /DOCKER_REPORTS_DVP_NAMESPACES/],
  ])('refuses %j, saying to redeploy', (override, message) => {
    // Assess
    expect(() => readFunctionConfig({ ...DVP, ...override })).toThrow(ConfigError);
    expect(() => readFunctionConfig({ ...DVP, ...override })).toThrow(message);
  });
});
