import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';

/** The repository root: where package-lock.json and functions/ are. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The newest Node.js runtime this aws-cdk-lib knows; AwsSolutions-L1 asks for exactly that. */
export const LAKE_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * x86_64: DuckDB's native binding must match the functions' architecture, and
 * an x86_64 binding is one the tests can load on the build machines (an arm64
 * one could not be run there without emulation). arm64 would cost about 20%
 * less per GB-second; see "Lambda architecture" in README.md.
 */
export const LAKE_ARCHITECTURE = lambda.Architecture.X86_64;

/** The landing converts with DuckDB, loaded on first use from the asset's own node_modules (scripts/lambda-duckdb.mjs). */
export const DUCKDB_MODULE = '@duckdb/node-api';

/** ESM bundles run packages that still call `require` (some AWS SDK internals do) through this shim. */
export const CREATE_REQUIRE_BANNER = "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);";

export interface LakeFunctionProps {
  /** The handler module, relative to the project root, e.g. `functions/sync/handler.ts`. */
  readonly entry: string;
  readonly description: string;
  readonly environment: Readonly<Record<string, string>>;
  /** @default 1024 */
  readonly memorySize?: number;
  /**
   * /tmp, where a landing stages a report and its Parquet copy before they go
   * to S3 (about 1.2x the report's size at once). @default 4096 (reports up to about 3 GB)
   */
  readonly ephemeralStorageMiB?: number;
  /** @default Duration.minutes(15) */
  readonly timeout?: Duration;
  /** @default no reservation */
  readonly reservedConcurrentExecutions?: number;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /** Encrypts the log group (its key policy must let CloudWatch Logs use it). @default CloudWatch Logs' own encryption */
  readonly logKey?: kms.IKey;
  /** @default RemovalPolicy.DESTROY (logs go with the function) */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * A Lambda function with the house defaults: Node.js 24 on x86_64, bundled by
 * the locally installed esbuild (no Docker) into a minified, tree-shaken ESM
 * file with a source map, DuckDB's Linux binding beside it, its own log group
 * with a retention, and its own role that may write only to that log group
 * (no AWS managed policy).
 *
 * The AWS SDK is bundled, not taken from the runtime: the runtime's copy is
 * "provided as a convenience" at a version Lambda pins and updates on its own
 * schedule (aws-sdk-js-v3 supplemental-docs/AWS_LAMBDA.md), and not every
 * package is in it (aws/aws-sdk-js-v3#6169: @smithy/node-http-handler
 * missing). The landing relies on @aws-sdk/lib-storage aborting a failed
 * multipart upload, as tested against the version in package-lock.json; that
 * is the version that must run. The bundles stay well under 1 MB (see
 * infra/bundle-sizes.ts).
 */
export class LakeFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: LakeFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      encryptionKey: props.logKey,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    // In place of AWSLambdaBasicExecutionRole, which may write to every log group of the account.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.function = new NodejsFunction(this, 'Function', {
      entry: `${PROJECT_ROOT}${props.entry}`,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      handler: 'handler',
      description: props.description,
      runtime: LAKE_RUNTIME,
      architecture: LAKE_ARCHITECTURE,
      memorySize: props.memorySize ?? 1024,
      ephemeralStorageSize: Size.mebibytes(props.ephemeralStorageMiB ?? 4096),
      timeout: props.timeout ?? Duration.minutes(15),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      // Stack traces point at the TypeScript sources through the bundle's source map.
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        platform: 'node',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        banner: CREATE_REQUIRE_BANNER,
        bundleAwsSDK: true,
        // Native code cannot be bundled: the package and its Linux binding are copied beside the bundle.
        externalModules: [DUCKDB_MODULE],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => [
            `node "${PROJECT_ROOT}scripts/lambda-duckdb.mjs" copy "${outputDir}"`,
          ],
        },
        logLevel: LogLevel.WARNING,
        forceDockerBundling: false,
      },
    });
  }
}
