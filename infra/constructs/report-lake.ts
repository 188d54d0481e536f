import { Annotations, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { STACK_TREES } from '../../shared/lake/layout.js';

export interface LakeRetention {
  /** Reports expire this many days after landing; null keeps them for good. @default 730 */
  readonly reportDays?: number | null;
  /** @default 30 */
  readonly noncurrentVersionDays?: number;
  /** @default 1 */
  readonly incompleteUploadDays?: number;
  /** @default 30 */
  readonly athenaResultsDays?: number;
  /** @default 365 */
  readonly accessLogDays?: number;
}

export interface ReportLakeProps {
  /** Key prefix of the lake inside the bucket, without leading or trailing `/`. @default '' */
  readonly prefix?: string;
  /** @default 'kms' (a customer managed key with rotation: the reports hold personal data) */
  readonly encryption?: 'kms' | 's3-managed';
  /** Land into this existing bucket; its settings stay the owner's. @default a new bucket */
  readonly existingBucketName?: string;
  /** The customer managed KMS key of the existing bucket, if it has one. @default none */
  readonly existingBucketKeyArn?: string;
  /** What happens to the bucket, its key and access logs when the stack goes. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Server access logs into a separate bucket. @default true */
  readonly accessLogs?: boolean;
  /** @default see {@link LakeRetention} */
  readonly retention?: LakeRetention;
}

/**
 * The bucket the reports land in (DESIGN.md, "The lake"): encrypted, private,
 * TLS only, versioned (a replaced report keeps its earlier version for a
 * while), with lifecycle rules for old versions, interrupted uploads, Athena
 * results and, if set, the reports themselves, server access logs, and S3
 * events on EventBridge.
 */
export class ReportLake extends Construct {
  readonly bucket: s3.IBucket;
  /** The key objects are encrypted with, when it is a customer managed key. */
  readonly key: kms.IKey | undefined;
  readonly accessLogBucket: s3.Bucket | undefined;
  /** Key prefix of the lake, '' for the bucket root. */
  readonly prefix: string;
  /** Where Athena writes query results: its own prefix, expired on its own schedule. */
  readonly athenaResultsPrefix: string;

  constructor(scope: Construct, id: string, props: ReportLakeProps = {}) {
    super(scope, id);
    this.prefix = props.prefix ?? '';
    this.athenaResultsPrefix = `${this.keyPrefix}athena-results/`;
    if (props.existingBucketName) {
      this.bucket = s3.Bucket.fromBucketName(this, 'Bucket', props.existingBucketName);
      this.key = props.existingBucketKeyArn ? kms.Key.fromKeyArn(this, 'Key', props.existingBucketKeyArn) : undefined;
      this.accessLogBucket = undefined;
      Annotations.of(this).addWarningV2(
        'docker-reports:existing-bucket',
        `Landing into the existing bucket ${props.existingBucketName}: its encryption, versioning, lifecycle rules, ` +
          'access logging and EventBridge notifications are not managed by this stack. See "An existing bucket" in README.md.',
      );
      return;
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const retention = props.retention ?? {};
    if ((props.encryption ?? 'kms') === 'kms') {
      this.key = new kms.Key(this, 'Key', {
        description: 'Encrypts the Docker usage reports lake (reports hold user names and IP addresses)',
        enableKeyRotation: true,
        removalPolicy,
      });
    }
    this.accessLogBucket = props.accessLogs === false ? undefined : this.createAccessLogBucket(removalPolicy, retention);
    const bucket = new s3.Bucket(this, 'Bucket', {
      encryption: this.key ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: this.key,
      // One data key per bucket rather than per object: far fewer KMS requests.
      bucketKeyEnabled: this.key ? true : undefined,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: this.accessLogBucket ? 'lake/' : undefined,
      lifecycleRules: this.lifecycleRules(retention),
      removalPolicy,
    });
    // Set on the resource itself: the Bucket L2's eventBridgeEnabled would add a custom resource and its Lambda.
    (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
    this.bucket = bucket;
    if (!this.accessLogBucket) {
      NagSuppressions.addResourceSuppressions(bucket, [
        { id: 'AwsSolutions-S1', reason: 'Server access logging was turned off in the configuration (lake.accessLogs: false).' },
      ]);
    }
  }

  /** `prefix/` or '' : what every key of the lake starts with. */
  get keyPrefix(): string {
    return this.prefix ? `${this.prefix}/` : '';
  }

  /** `s3://bucket/prefix`: the lake's root, as the engine's S3 sink names it. */
  get uri(): string {
    return `s3://${this.bucket.bucketName}${this.prefix ? `/${this.prefix}` : ''}`;
  }

  /**
   * What landing needs, and only under the lake's trees and its outbox: read
   * (manifests, holdings, pending events), write (audit CSV, query copy,
   * manifest, an event until EventBridge accepts it; multipart included) and
   * delete (a replaced report's manifest and query copy, a sent event).
   * Listing is limited to the same prefixes.
   */
  grantLanding(grantee: iam.IGrantable): void {
    const trees = STACK_TREES.map((tree) => `${this.keyPrefix}${tree}/`);
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      resourceArns: trees.map((tree) => this.bucket.arnForObjects(`${tree}*`)),
    });
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': trees.map((tree) => `${tree}*`) } },
      }),
    );
    this.grantKeyUse(grantee);
    if (Construct.isConstruct(grantee)) {
      NagSuppressions.addResourceSuppressions(
        grantee,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason:
              'Report keys are only known at run time ({type}/{cadence}/org={org}/date={date}/..., types and cadences come from ' +
              'Docker); access is limited to the lake\'s audit trees, query tree and event outbox, never the whole bucket.',
            appliesTo: trees.map((tree) => ({ regex: `/^Resource::.*\\/${escapeRegex(tree)}\\*$/` })),
          },
        ],
        true,
      );
    }
  }

  /** Encrypt and decrypt with the lake's key (S3 asks KMS on the caller's behalf). */
  grantKeyUse(grantee: iam.IGrantable): void {
    if (!this.key) return;
    iam.Grant.addToPrincipal({ grantee, actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resourceArns: [this.key.keyArn] });
  }

  private createAccessLogBucket(removalPolicy: RemovalPolicy, retention: LakeRetention): s3.Bucket {
    const logs = new s3.Bucket(this, 'AccessLogs', {
      // S3 delivers server access logs only to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(retention.accessLogDays ?? 365) }],
      removalPolicy,
    });
    NagSuppressions.addResourceSuppressions(logs, [
      { id: 'AwsSolutions-S1', reason: 'This is the access log bucket; logging its own access would log the log deliveries, without end.' },
    ]);
    return logs;
  }

  private lifecycleRules(retention: LakeRetention): s3.LifecycleRule[] {
    const rules: s3.LifecycleRule[] = [
      {
        id: 'old-versions-and-interrupted-uploads',
        noncurrentVersionExpiration: Duration.days(retention.noncurrentVersionDays ?? 30),
        abortIncompleteMultipartUploadAfter: Duration.days(retention.incompleteUploadDays ?? 1),
        expiredObjectDeleteMarker: true,
      },
      {
        id: 'athena-results',
        prefix: this.athenaResultsPrefix,
        expiration: Duration.days(retention.athenaResultsDays ?? 30),
      },
    ];
    const reportDays = retention.reportDays === undefined ? 730 : retention.reportDays;
    if (reportDays !== null) {
      // The outbox too: an event still pending when its report expires would name objects that are gone.
      for (const tree of STACK_TREES) {
        rules.push({ id: `expire-${tree.replace(/\//g, '-')}`, prefix: `${this.keyPrefix}${tree}/`, expiration: Duration.days(reportDays) });
      }
    }
    return rules;
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
