import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { FUNCTION_ENV } from '../../shared/aws/function-config.js';
import { REPORT_EVENT_SOURCE } from '../../shared/aws/report-events.js';
import type { DvpSecrets } from './dvp-secrets.js';
import type { LakeFunction } from './lake-function.js';
import type { OrgSecrets } from './org-secrets.js';
import type { PseudonymKey } from './pseudonym-key.js';
import type { QueryLayer } from './query-layer.js';
import type { ReportLake } from './report-lake.js';

/** What a function that lands reports works with. */
export interface LakeBindingProps {
  /** The orgs the function serves; it may read their secrets only. */
  readonly orgs: readonly string[];
  readonly lake: ReportLake;
  readonly secrets: OrgSecrets;
  /** The DVP namespaces the function serves; it may read their secrets only. @default none */
  readonly namespaces?: readonly string[];
  /** The namespaces' secrets. @default none */
  readonly dvpSecrets?: DvpSecrets;
  readonly query: QueryLayer;
  /** First date the tables' partition projection offers. @default '2026-01-01' */
  readonly firstReportDate?: string;
  /** @default Docker's Enterprise Data API */
  readonly dockerApiUrl?: string;
  /** @default Docker Hub */
  readonly dockerHubUrl?: string;
  /** @default Docker's DVP Data API */
  readonly dvpApiUrl?: string;
  /** The key of the columns the query copies pseudonymise (and those columns). @default none */
  readonly pseudonymKey?: PseudonymKey;
}

/** The bus the engine's events go to: the landing events and the API's sync requests. */
export const LAKE_EVENT_BUS = 'default';

/**
 * Binds a function to the lake: sets the environment `readFunctionConfig`
 * reads and grants what landing a report needs, together, so the two cannot
 * drift apart. Landing needs the lake's trees (read, write, delete, list;
 * and the lake's key), its orgs' and namespaces' secrets only, the report tables of the Glue
 * database and the workgroup's saved queries, and putting the engine's own
 * events on the bus.
 */
export function bindLake(fn: LakeFunction, props: LakeBindingProps): void {
  for (const [name, value] of Object.entries(lakeEnvironment(fn, props))) fn.function.addEnvironment(name, value);
  props.lake.grantLanding(fn.role);
  props.secrets.grantRead(fn.role);
  props.dvpSecrets?.grantRead(fn.role);
  props.pseudonymKey?.grantRead(fn.role);
  props.query.grantTableSync(fn.role);
  grantPutLakeEvents(fn.role);
}

function lakeEnvironment(fn: LakeFunction, props: LakeBindingProps): Record<string, string> {
  return {
    [FUNCTION_ENV.orgs]: props.orgs.join(','),
    [FUNCTION_ENV.orgSecrets]: Stack.of(fn).toJsonString(props.secrets.arns),
    ...(props.namespaces && props.namespaces.length > 0 && props.dvpSecrets
      ? {
          [FUNCTION_ENV.namespaces]: props.namespaces.join(','),
          [FUNCTION_ENV.namespaceSecrets]: Stack.of(fn).toJsonString(props.dvpSecrets.arns),
        }
      : {}),
    [FUNCTION_ENV.bucket]: props.lake.bucket.bucketName,
    [FUNCTION_ENV.prefix]: props.lake.prefix,
    [FUNCTION_ENV.glueDatabase]: props.query.databaseName,
    [FUNCTION_ENV.athenaWorkGroup]: props.query.workGroupName,
    [FUNCTION_ENV.firstReportDate]: props.firstReportDate ?? '2026-01-01',
    [FUNCTION_ENV.eventBusName]: LAKE_EVENT_BUS,
    ...(props.dockerApiUrl ? { DOCKER_API_URL: props.dockerApiUrl } : {}),
    ...(props.dockerHubUrl ? { DOCKER_HUB_URL: props.dockerHubUrl } : {}),
    ...(props.dvpApiUrl ? { DOCKER_DVP_API_URL: props.dvpApiUrl } : {}),
    ...(props.pseudonymKey
      ? {
          [FUNCTION_ENV.pseudonymize]: props.pseudonymKey.columns.join(','),
          // The secret's ARN: the value is read at run time, through Powertools Parameters.
          [FUNCTION_ENV.pseudonymKeySecret]: props.pseudonymKey.secret.secretArn,
        }
      : {}),
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
}

/**
 * PutEvents on the lake's bus, and only with the engine's own source: the
 * function cannot pose as another application on a bus other rules listen to.
 */
function grantPutLakeEvents(role: iam.Role): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['events:PutEvents'],
      resources: [Stack.of(role).formatArn({ service: 'events', resource: 'event-bus', resourceName: LAKE_EVENT_BUS })],
      conditions: { StringEquals: { 'events:source': REPORT_EVENT_SOURCE } },
    }),
  );
}
