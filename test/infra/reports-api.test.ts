import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { FUNCTION_ENV } from '../../shared/aws/function-config.js';
import { synthStack } from './synth-stack.js';

const { stack, template } = synthStack();
/** Everything the API lets a deployment change, changed at once. */
const { template: configured } = synthStack({
  api: { rateLimit: 50, burstLimit: 100, syncRateLimit: 0.5, syncBurstLimit: 1, corsAllowOrigins: ['https://reports.example.com'], cloudWatchRole: false },
});
const { template: twoOrigins } = synthStack({ api: { corsAllowOrigins: ['https://reports.example.com', 'http://localhost:5173'] } });

type Resource = { Properties: Record<string, unknown>; DeletionPolicy?: string; DependsOn?: string[] };

function only(t: typeof template, type: string, props: Record<string, unknown> = {}): [string, Resource] {
  const found = Object.entries(t.findResources(type, { Properties: props }));
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
}

const [stageId, stage] = only(template, 'AWS::ApiGateway::Stage');
const [handlerId, handler] = only(template, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^Answers the Docker reports API') });
const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as Resource[];
const gatewayResponse = (t: typeof template, type: string) => only(t, 'AWS::ApiGateway::GatewayResponse', { ResponseType: type })[1].Properties;

/** What API Gateway would send for a gateway response, with `$context.error.messageString` filled in. */
function renderError(t: typeof template, type: string, message: string): unknown {
  const body = (gatewayResponse(t, type).ResponseTemplates as Record<string, string>)['application/json']!;
  return JSON.parse(body.replace('$context.error.messageString', JSON.stringify(message)));
}

describe('Construct: ReportsApi', () => {
  describe('the routes', () => {
    it('mirrors the reports API\'s routes as resources, `latest` being a value of {date}', () => {
      // Assess
      expect(stack.api.api.methods.map((m) => `${m.httpMethod} ${m.resource.path}`).sort()).toEqual([
        'GET /orgs/{org}/reports',
        'GET /orgs/{org}/reports/{type}/{cadence}',
        'GET /orgs/{org}/reports/{type}/{cadence}/{date}/download',
        'GET /orgs/{org}/reports/{type}/{cadence}/{date}/schema',
        'POST /orgs/{org}/sync',
      ]);
      template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
    });

    it('requires IAM (SigV4) on every method and hands every request to the function as a Lambda proxy', () => {
      // Assess
      expect(methods).toHaveLength(5);
      for (const method of methods) {
        expect(method.Properties).toMatchObject({
          AuthorizationType: 'AWS_IAM',
          Integration: { Type: 'AWS_PROXY', Uri: { 'Fn::Join': ['', expect.arrayContaining([{ 'Fn::GetAtt': [handlerId, 'Arn'] }])] } },
        });
      }
    });

    it('validates the parameters of each route before the function runs', () => {
      // Assess
      const [validatorId] = only(template, 'AWS::ApiGateway::RequestValidator', { ValidateRequestParameters: true, ValidateRequestBody: true });
      for (const method of methods) expect(method.Properties.RequestValidatorId).toEqual({ Ref: validatorId });
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        RequestParameters: {
          'method.request.path.org': true,
          'method.request.path.type': true,
          'method.request.path.cadence': true,
          'method.request.path.date': true,
          'method.request.querystring.redirect': false,
        },
      });
    });

    it('lets API Gateway invoke the function for these routes of this stage only, without console test invocations', () => {
      // Assess
      const permissions = Object.values(template.findResources('AWS::Lambda::Permission', { Properties: { FunctionName: { 'Fn::GetAtt': [handlerId, 'Arn'] } } })) as Resource[];
      expect(permissions).toHaveLength(5);
      for (const permission of permissions) {
        expect(JSON.stringify(permission.Properties.SourceArn)).toContain(`{"Ref":"${stageId}"}`);
        expect(JSON.stringify(permission.Properties.SourceArn)).not.toContain('test-invoke-stage');
      }
    });
  });

  describe('the function', () => {
    it('runs up to 15 minutes, so a landing on demand finishes after API Gateway stops waiting (29 s)', () => {
      // Assess
      expect(handler.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['x86_64'], MemorySize: 1024, EphemeralStorage: { Size: 4096 }, Timeout: 900 });
    });

    it('reads the lake as the sync does, but lands inline: no queue, no fan-out settings, no CORS unless configured', () => {
      // Assess
      const variables = (handler.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(Object.keys(variables).sort()).toEqual(
        [
          'NODE_OPTIONS',
          'POWERTOOLS_LOG_LEVEL',
          FUNCTION_ENV.orgs,
          FUNCTION_ENV.orgSecrets,
          FUNCTION_ENV.bucket,
          FUNCTION_ENV.prefix,
          FUNCTION_ENV.glueDatabase,
          FUNCTION_ENV.athenaWorkGroup,
          FUNCTION_ENV.firstReportDate,
          FUNCTION_ENV.eventBusName,
        ].sort(),
      );
      expect(variables).toMatchObject({ [FUNCTION_ENV.orgs]: 'acme,globex', [FUNCTION_ENV.eventBusName]: 'default', [FUNCTION_ENV.athenaWorkGroup]: 'docker-reports' });
    });
  });

  describe('the stage', () => {
    it('is v1, throttled as a whole, and harder for sync requests (each starts a sync run)', () => {
      // Assess
      expect(stage.Properties.StageName).toBe('v1');
      expect(stage.Properties.MethodSettings).toEqual([
        { HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20, LoggingLevel: 'ERROR', DataTraceEnabled: false },
        { HttpMethod: 'POST', ResourcePath: '/~1orgs~1{org}~1sync', ThrottlingRateLimit: 1, ThrottlingBurstLimit: 2, LoggingLevel: 'ERROR', DataTraceEnabled: false },
      ]);
    });

    it('follows the configured throttling', () => {
      // Assess
      configured.hasResourceProperties('AWS::ApiGateway::Stage', {
        MethodSettings: [
          Match.objectLike({ HttpMethod: '*', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }),
          Match.objectLike({ HttpMethod: 'POST', ThrottlingRateLimit: 0.5, ThrottlingBurstLimit: 1 }),
        ],
      });
    });

    it('logs each request as one JSON line to its own log group, kept with the stack gone: who, what, how it went', () => {
      // Assess
      const setting = stage.Properties.AccessLogSetting as { DestinationArn: unknown; Format: string };
      const logsId = /"Ref":"(\w+)"\}\]\]\}$/.exec(JSON.stringify(setting.DestinationArn))?.[1];
      const group = template.findResources('AWS::Logs::LogGroup')[logsId!] as Resource;
      expect(logsId).toMatch(/^ApiAccessLogs/);
      expect(group).toMatchObject({ DeletionPolicy: 'Retain', Properties: { RetentionInDays: 90 } });
      expect(JSON.parse(setting.Format)).toMatchObject({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        caller: '$context.identity.caller',
        userArn: '$context.identity.userArn',
        method: '$context.httpMethod',
        path: '$context.path',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
      });
    });

    it('creates the execution log group first, to give it a retention', () => {
      // Assess
      const [id] = only(template, 'AWS::Logs::LogGroup', {
        LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: Match.stringLikeRegexp('^Api') }, '/v1']] },
        RetentionInDays: 90,
      });
      expect(stage.DependsOn).toContain(id);
    });
  });

  describe('API Gateway\'s own answers', () => {
    it.each(['DEFAULT_4XX', 'DEFAULT_5XX'])('come in Docker\'s envelope: %s', (type) => {
      // Assess
      expect(renderError(template, type, 'User: arn:aws:iam::123456789012:user/x is not authorized')).toEqual({
        error: 'User: arn:aws:iam::123456789012:user/x is not authorized',
      });
      expect(gatewayResponse(template, type).ResponseParameters).toEqual({ 'gatewayresponse.header.Cache-Control': "'no-store'" });
    });

    it('say what "Missing Authentication Token" means: unsigned, or no such route', () => {
      // Assess
      expect(renderError(template, 'MISSING_AUTHENTICATION_TOKEN', 'ignored')).toEqual({ error: expect.stringMatching(/sign the request with AWS SigV4.*check the method and path/) });
    });

    it('say that a report being landed keeps landing when API Gateway stops waiting', () => {
      // Assess
      expect(renderError(template, 'INTEGRATION_TIMEOUT', 'ignored')).toEqual({ error: expect.stringMatching(/29 s.*keeps landing: ask again in a minute/) });
    });
  });

  describe('CORS', () => {
    it('is off unless configured: no preflight methods, no origin for the function', () => {
      // Assess
      template.resourcePropertiesCountIs('AWS::ApiGateway::Method', { HttpMethod: 'OPTIONS' }, 0);
      expect(JSON.stringify(handler)).not.toContain(FUNCTION_ENV.corsAllowOrigins);
      expect(JSON.stringify(template.findResources('AWS::ApiGateway::GatewayResponse'))).not.toContain('Access-Control');
    });

    it('answers preflights for the configured origins without authorization, and tells the function the origins', () => {
      // Assess
      const preflights = Object.values(configured.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'OPTIONS' } })) as Resource[];
      expect(preflights.length).toBeGreaterThanOrEqual(5);
      for (const preflight of preflights) {
        expect(preflight.Properties).toMatchObject({
          AuthorizationType: 'NONE',
          Integration: {
            Type: 'MOCK',
            IntegrationResponses: [
              {
                StatusCode: '204',
                ResponseParameters: expect.objectContaining({
                  'method.response.header.Access-Control-Allow-Origin': "'https://reports.example.com'",
                  'method.response.header.Access-Control-Allow-Methods': "'GET,POST'",
                }),
              },
            ],
          },
        });
      }
      configured.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ [FUNCTION_ENV.corsAllowOrigins]: 'https://reports.example.com' }) },
      });
    });

    it('lets a browser read API Gateway\'s errors when one origin is configured (a gateway response cannot choose among several)', () => {
      // Assess
      expect(gatewayResponse(configured, 'DEFAULT_4XX').ResponseParameters).toMatchObject({
        'gatewayresponse.header.Access-Control-Allow-Origin': "'https://reports.example.com'",
      });
      expect(JSON.stringify(gatewayResponse(twoOrigins, 'DEFAULT_4XX'))).not.toContain('Access-Control');
      twoOrigins.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ [FUNCTION_ENV.corsAllowOrigins]: 'https://reports.example.com,http://localhost:5173' }) },
      });
    });
  });

  describe('API Gateway\'s CloudWatch role', () => {
    it('is set for the account and region by default, with a role that is kept when the stack goes (other APIs use it)', () => {
      // Assess
      const [, role] = only(template, 'AWS::IAM::Role', {
        AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })] }),
      });
      const [accountId, account] = only(template, 'AWS::ApiGateway::Account');
      expect(account.Properties.CloudWatchRoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ApiCloudWatchRole/), 'Arn'] });
      expect([role.DeletionPolicy, account.DeletionPolicy]).toEqual(['Retain', 'Retain']);
      expect(stage.DependsOn).toContain(accountId);
    });

    it('is left alone when it is managed elsewhere', () => {
      // Assess
      configured.resourceCountIs('AWS::ApiGateway::Account', 0);
      expect(JSON.stringify(configured.findResources('AWS::IAM::Role'))).not.toContain('apigateway.amazonaws.com');
    });
  });

  it('gives its URL and the resource callers\' policies name as outputs, and only those', () => {
    // Assess
    template.hasOutput('ApiUrl', { Value: { 'Fn::Join': ['', Match.arrayWith(['https://', '/'])] } });
    template.hasOutput('ApiInvokeArn', { Value: { 'Fn::Join': ['', Match.arrayWith([':execute-api:', '/v1/*/*'])] } });
    expect(Object.keys(template.findOutputs('*')).filter((id) => id.startsWith('Api')).sort()).toEqual(['ApiInvokeArn', 'ApiUrl']);
  });
});
