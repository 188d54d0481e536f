import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { FUNCTION_ENV } from '../../shared/aws/function-config.js';
import { bindLake, type LakeBindingProps } from './lake-binding.js';
import { LakeFunction } from './lake-function.js';

export interface ReportsApiProps extends LakeBindingProps {
  /** Requests per second the API accepts, steady state, all callers together; above it API Gateway answers 429. @default 10 */
  readonly rateLimit?: number;
  /** Requests accepted at once above the rate. @default 20 */
  readonly burstLimit?: number;
  /** Requests per second of POST /orgs/{org}/sync, each of which starts a sync run. @default 1 */
  readonly syncRateLimit?: number;
  /** POST /orgs/{org}/sync at once above its rate. @default 2 */
  readonly syncBurstLimit?: number;
  /** Browser origins allowed to call the API. @default none: no CORS headers and no preflight methods */
  readonly corsAllowOrigins?: readonly string[];
  /**
   * Sets API Gateway's CloudWatch role of the account and region, which any
   * API Gateway logging needs. @default true
   */
  readonly cloudWatchRole?: boolean;
  /** The stage; the API's base URL ends with it, as Docker's ends with `/v1`. @default 'v1' */
  readonly stageName?: string;
  /** Retention of the access and execution logs (and the function's). @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the access logs (who fetched which report) when the stack goes. @default RemovalPolicy.RETAIN */
  readonly accessLogRemovalPolicy?: RemovalPolicy;
  /** Memory of the function (landing on demand converts like the sync). @default 1024 */
  readonly memoryMiB?: number;
  /** /tmp of the function, where a report landed on demand is staged. @default 4096 */
  readonly ephemeralStorageMiB?: number;
}

/**
 * Landing on demand runs as long as a landing by the worker: API Gateway gives
 * up after about 29 s (504), but the invocation carries on, so the report is
 * in the lake for the next request rather than half-fetched and dropped.
 */
const FUNCTION_TIMEOUT = Duration.minutes(15);

/** Every route of functions/api, as API Gateway resources: `latest` is one value of `{date}`. */
const ROUTES: readonly { readonly method: 'GET' | 'POST'; readonly path: string; readonly query?: readonly string[] }[] = [
  { method: 'GET', path: '/orgs/{org}/reports' },
  { method: 'GET', path: '/orgs/{org}/reports/{type}/{cadence}', query: ['page_size', 'page_token'] },
  { method: 'GET', path: '/orgs/{org}/reports/{type}/{cadence}/{date}/download', query: ['redirect'] },
  { method: 'GET', path: '/orgs/{org}/reports/{type}/{cadence}/{date}/schema' },
  { method: 'POST', path: '/orgs/{org}/sync' },
];

/** Docker's DVP export paths, present when the stack syncs DVP namespaces: `{timespan}` is `weeks` or `months`. */
const DVP_ROUTES: readonly { readonly method: 'GET'; readonly path: string }[] = [
  { method: 'GET', path: '/namespaces/{namespace}/pulls/exports/years' },
  { method: 'GET', path: '/namespaces/{namespace}/pulls/exports/years/{year}/{timespan}' },
  { method: 'GET', path: '/namespaces/{namespace}/pulls/exports/years/{year}/{timespan}/{n}' },
  { method: 'GET', path: '/namespaces/{namespace}/pulls/exports/years/{year}/{timespan}/{n}/{view}' },
];

/**
 * The reports API: functions/api behind a regional REST API with IAM (SigV4)
 * authorization on every method, stage and per-method throttling, JSON access
 * logs, error-level execution logs, and API Gateway's own errors reshaped into
 * Docker's envelope (`{"error": "..."}`).
 *
 * REST rather than HTTP API: a resource policy and a WAF web ACL can be
 * attached, methods are throttled one by one (a sync request costs far more
 * than a listing), and request parameters are validated before the function
 * runs. The resources mirror the routes instead of one `{proxy+}`: a request
 * that fits no route never invokes the function, and each route has its own
 * throttle and its own line in a caller's IAM policy. The price is API
 * Gateway's answer to a path that fits no route, 403 "Missing Authentication
 * Token"; it is reworded here to say that the path may be the problem.
 */
export class ReportsApi extends Construct {
  readonly api: apigw.RestApi;
  readonly handler: LakeFunction;
  readonly accessLogs: logs.LogGroup;
  readonly stageName: string;

  constructor(scope: Construct, id: string, props: ReportsApiProps) {
    super(scope, id);
    this.stageName = props.stageName ?? 'v1';
    const retention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;
    const cors = props.corsAllowOrigins && props.corsAllowOrigins.length > 0 ? [...props.corsAllowOrigins] : undefined;

    this.handler = new LakeFunction(this, 'Handler', {
      entry: 'functions/api/handler.ts',
      description: 'Answers the Docker reports API: listings, schemas, pre-signed downloads (landing on demand), sync requests',
      environment: cors ? { [FUNCTION_ENV.corsAllowOrigins]: cors.join(',') } : {},
      memorySize: props.memoryMiB,
      ephemeralStorageMiB: props.ephemeralStorageMiB,
      timeout: FUNCTION_TIMEOUT,
      logRetention: retention,
    });
    bindLake(this.handler, props);

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention,
      removalPolicy: props.accessLogRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: `${Stack.of(this).stackName}-reports`,
      description: 'Docker usage reports of the lake, with Docker\'s paths and error envelope (IAM authorization)',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // Set below with a role that lists its actions, instead of the AWS managed policy CDK would attach.
      cloudWatchRole: false,
      defaultMethodOptions: { authorizationType: apigw.AuthorizationType.IAM },
      defaultCorsPreflightOptions: cors
        ? {
            allowOrigins: cors,
            allowMethods: ['GET', 'POST'],
            // What a SigV4-signed browser request carries.
            allowHeaders: ['Authorization', 'Content-Type', 'X-Amz-Date', 'X-Amz-Security-Token', 'X-Amz-Content-Sha256'],
            maxAge: Duration.hours(1),
          }
        : undefined,
      deployOptions: {
        stageName: this.stageName,
        throttlingRateLimit: props.rateLimit ?? 10,
        throttlingBurstLimit: props.burstLimit ?? 20,
        // Errors only, and never request or response bodies: those carry pre-signed URLs and report names.
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: accessLogFormat(),
        methodOptions: {
          '/orgs/{org}/sync/POST': {
            throttlingRateLimit: props.syncRateLimit ?? 1,
            throttlingBurstLimit: props.syncBurstLimit ?? 2,
            // A method's settings replace the stage's as a whole: keep its logging as the stage's.
            loggingLevel: apigw.MethodLoggingLevel.ERROR,
            dataTraceEnabled: false,
          },
        },
      },
    });

    // The stack's ApiUrl output says the same with a description; one output, not two.
    this.api.node.tryRemoveChild('Endpoint');
    this.addRoutes((props.namespaces ?? []).length > 0);
    this.addGatewayResponses(cors);
    this.addExecutionLogGroup(retention);
    if (props.cloudWatchRole ?? true) this.setCloudWatchRole();
    this.suppressFindings();
  }

  /** The stage's base URL, `https://{id}.execute-api.{region}.amazonaws.com/v1/`. */
  get url(): string {
    return this.api.url;
  }

  /** What a caller's `execute-api:Invoke` may name: every route of this stage (narrow it by method and path). */
  get invokeArn(): string {
    return this.api.arnForExecuteApi('*', '/*', this.stageName);
  }

  private addRoutes(dvp: boolean): void {
    const validator = this.api.addRequestValidator('Validator', {
      requestValidatorName: 'parameters',
      validateRequestParameters: true,
      // No route takes a body; validating it costs nothing and keeps the validator complete.
      validateRequestBody: true,
    });
    // No test invocations from the console: each would add a permission on the function for little use.
    const integration = new apigw.LambdaIntegration(this.handler.function, { proxy: true, allowTestInvoke: false });
    for (const route of [...ROUTES, ...(dvp ? DVP_ROUTES : [])]) {
      const resource = this.api.root.resourceForPath(route.path);
      const parameters: Record<string, boolean> = {};
      const query: readonly string[] = 'query' in route ? route.query ?? [] : [];
      for (const [, name] of route.path.matchAll(/\{(\w+)\}/g)) parameters[`method.request.path.${name}`] = true;
      for (const name of query) parameters[`method.request.querystring.${name}`] = false;
      resource.addMethod(route.method, integration, { requestParameters: parameters, requestValidator: validator });
    }
  }

  /**
   * API Gateway's own answers (throttled, unsigned, denied, timed out) in
   * Docker's envelope, so a client reads every error the same way.
   */
  private addGatewayResponses(cors: readonly string[] | undefined): void {
    // A gateway response cannot choose among several origins; with exactly one, browsers can read these errors too.
    const responseHeaders: Record<string, string> = { 'Cache-Control': "'no-store'" };
    if (cors?.length === 1) Object.assign(responseHeaders, { 'Access-Control-Allow-Origin': `'${cors[0]}'`, Vary: "'Origin'" });
    const envelope = (message: string | undefined) => ({
      'application/json': message === undefined ? '{"error":$context.error.messageString}' : JSON.stringify({ error: message }),
    });
    const responses: [string, apigw.ResponseType, string | undefined][] = [
      ['Default4xx', apigw.ResponseType.DEFAULT_4XX, undefined],
      ['Default5xx', apigw.ResponseType.DEFAULT_5XX, undefined],
      [
        'MissingAuthenticationToken',
        apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN,
        'missing authentication token: sign the request with AWS SigV4 (service execute-api), and check the method and path ' +
          '(GET /orgs/{org}/reports[/{type}/{cadence}[/{date}/download|schema]], POST /orgs/{org}/sync)',
      ],
      ['Throttled', apigw.ResponseType.THROTTLED, 'too many requests: retry after a short wait'],
      [
        'IntegrationTimeout',
        apigw.ResponseType.INTEGRATION_TIMEOUT,
        'the answer took longer than API Gateway waits (29 s); a report being landed on demand keeps landing: ask again in a minute',
      ],
    ];
    for (const [id, type, message] of responses) {
      this.api.addGatewayResponse(id, { type, templates: envelope(message), responseHeaders });
    }
  }

  /**
   * API Gateway creates its execution log group on first use, kept forever;
   * created here first, it has the same retention as the other logs.
   */
  private addExecutionLogGroup(retention: logs.RetentionDays): void {
    const group = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${this.stageName}`,
      retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api.deploymentStage.node.addDependency(group);
  }

  /**
   * API Gateway writes no log at all, and a stage with logging fails to
   * deploy, until the account and region name a role it may write logs with.
   * That role serves every API of the account and region, hence every log
   * group; it is retained with the stack gone, so other APIs keep logging.
   */
  private setCloudWatchRole(): void {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'CloudWatchRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'Lets API Gateway write the access and execution logs of the APIs of this account and region',
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // The actions of AmazonAPIGatewayPushToCloudWatchLogs, listed, on log groups only.
        actions: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:DescribeLogGroups',
          'logs:DescribeLogStreams',
          'logs:PutLogEvents',
          'logs:GetLogEvents',
          'logs:FilterLogEvents',
        ],
        resources: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
    );
    role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const account = new apigw.CfnAccount(this, 'Account', { cloudWatchRoleArn: role.roleArn });
    account.node.addDependency(role);
    account.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.api.deploymentStage.node.addDependency(account);
    NagSuppressions.addResourceSuppressions(
      role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            "API Gateway's CloudWatch role is one per account and region and writes the logs of every API there, whose log " +
            'groups it creates; the grant is log groups of this account and region only, with listed actions.',
          appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:\\*$/' }],
        },
      ],
      true,
    );
  }

  private suppressFindings(): void {
    NagSuppressions.addResourceSuppressions(this.api.deploymentStage, [
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'Every method requires IAM (SigV4) authorization and the stage is throttled; a WAF web ACL costs a monthly fee and ' +
          'adds little in front of signed requests. Associate one with the stage where a policy requires it.',
      },
    ]);
    // The CORS preflight methods are not authorized by design; COG4 does not look at them.
    for (const method of this.api.methods.filter((m) => m.httpMethod !== 'OPTIONS')) {
      NagSuppressions.addResourceSuppressions(method, [
        {
          id: 'AwsSolutions-COG4',
          reason: 'The callers are AWS principals (people and automation with IAM credentials), authorized by IAM (SigV4), not a Cognito user pool.',
        },
      ]);
    }
  }
}

/** One JSON line per request: who (IP, IAM caller), what (method, path, route), how it went (status, latency, error type). */
function accessLogFormat(): apigw.AccessLogFormat {
  const field = apigw.AccessLogField;
  return apigw.AccessLogFormat.custom(
    JSON.stringify({
      requestId: field.contextRequestId(),
      requestTime: field.contextRequestTime(),
      ip: field.contextIdentitySourceIp(),
      caller: field.contextIdentityCaller(),
      user: field.contextIdentityUser(),
      userArn: field.contextIdentityUserArn(),
      accountId: field.contextIdentityAccountId(),
      method: field.contextHttpMethod(),
      path: field.contextPath(),
      resourcePath: field.contextResourcePath(),
      status: field.contextStatus(),
      latencyMs: field.contextResponseLatency(),
      integrationLatencyMs: field.contextIntegrationLatency(),
      responseLength: field.contextResponseLength(),
      // The response type (THROTTLED, ACCESS_DENIED, ...) rather than the message: it never holds a quote that would break the line.
      errorType: field.contextErrorResponseType(),
    }),
  );
}
