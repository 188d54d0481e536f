import type { APIGatewayProxyEvent } from 'aws-lambda';

export interface ApiRequestOptions {
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** The IAM caller API Gateway authorized (SigV4). @default an assumed role of account 123456789012 */
  readonly userArn?: string;
}

/** The resources of the stack's REST API (infra/constructs/reports-api.ts), to fill in `resource` and `pathParameters`. */
const RESOURCES = [
  '/orgs/{org}/reports',
  '/orgs/{org}/reports/{type}/{cadence}',
  '/orgs/{org}/reports/{type}/{cadence}/{date}/download',
  '/orgs/{org}/reports/{type}/{cadence}/{date}/schema',
  '/orgs/{org}/sync',
];

/**
 * A Lambda proxy event as a REST API stage `v1` hands it over: `path` below
 * the stage, percent-encoding kept as the client sent it (REST APIs do not
 * decode it; HTTP APIs would), query parameters decoded.
 */
export function apiGatewayEvent(method: string, path: string, options: ApiRequestOptions = {}): APIGatewayProxyEvent {
  const { resource, pathParameters } = resourceOf(path);
  const userArn = options.userArn ?? 'arn:aws:sts::123456789012:assumed-role/reports-reader/alice';
  const query = options.query && Object.keys(options.query).length > 0 ? { ...options.query } : null;
  return {
    resource,
    path,
    httpMethod: method,
    headers: { Host: 'abc123.execute-api.us-east-1.amazonaws.com', 'User-Agent': 'curl/8.5.0', ...options.headers },
    multiValueHeaders: {},
    queryStringParameters: query,
    multiValueQueryStringParameters: query && Object.fromEntries(Object.entries(query).map(([name, value]) => [name, [value]])),
    pathParameters,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      path: `/v1${path}`,
      stage: 'v1',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: 1_781_690_400_000,
      resourceId: 'res123',
      resourcePath: resource,
      identity: {
        accessKey: 'ASIAEXAMPLE',
        accountId: '123456789012',
        apiKey: null,
        apiKeyId: null,
        caller: 'AROAEXAMPLE:alice',
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.7',
        user: 'AROAEXAMPLE:alice',
        userAgent: 'curl/8.5.0',
        userArn,
      },
    },
  };
}

/** The resource a path lands on, as API Gateway matches it (a path that fits none never reaches the function there). */
function resourceOf(path: string): { resource: string; pathParameters: Record<string, string> | null } {
  const parts = path.split('/');
  for (const resource of RESOURCES) {
    const template = resource.split('/');
    if (template.length !== parts.length) continue;
    const parameters: Record<string, string> = {};
    const fits = template.every((part, i) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (name) parameters[name] = decoded(parts[i]!);
      return name !== undefined ? parts[i] !== '' : part === parts[i];
    });
    if (fits) return { resource, pathParameters: parameters };
  }
  return { resource: path, pathParameters: null };
}

/** API Gateway decodes path parameters (not `path`); a malformed escape stays as sent. */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
