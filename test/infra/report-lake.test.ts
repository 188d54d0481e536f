import { Match } from 'aws-cdk-lib/assertions';
import { Annotations } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthStack } from './synth-stack.js';

const { template } = synthStack();

/** The lake bucket: the one with versioning (the access-log bucket has none). */
function lakeBucket(t = template) {
  const buckets = t.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: { Status: 'Enabled' } } });
  expect(Object.keys(buckets)).toHaveLength(1);
  const [id, resource] = Object.entries(buckets)[0]!;
  return { id, resource: resource as { Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string } };
}

describe('Construct: ReportLake', () => {
  it('encrypts with a customer managed key that rotates, one bucket key for all objects', () => {
    // Assess
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } },
        ],
      },
    });
  });

  it('blocks all public access and lets only the bucket owner own objects', () => {
    // Assess
    const { Properties } = lakeBucket().resource;
    expect(Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });

  it('refuses every request without TLS 1.2', () => {
    // Assess
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: lakeBucket().id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  it('expires old versions, interrupted uploads, Athena results and (by default after 730 days) the reports and their pending events', () => {
    // Assess
    expect(lakeBucket().resource.Properties.LifecycleConfiguration).toEqual({
      Rules: [
        {
          Id: 'old-versions-and-interrupted-uploads',
          Status: 'Enabled',
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          ExpiredObjectDeleteMarker: true,
        },
        { Id: 'athena-results', Status: 'Enabled', Prefix: 'athena-results/', ExpirationInDays: 30 },
        { Id: 'expire-enterprise', Status: 'Enabled', Prefix: 'enterprise/', ExpirationInDays: 730 },
        { Id: 'expire-dvp', Status: 'Enabled', Prefix: 'dvp/', ExpirationInDays: 730 },
        { Id: 'expire-query', Status: 'Enabled', Prefix: 'query/', ExpirationInDays: 730 },
        { Id: 'expire-_leases', Status: 'Enabled', Prefix: '_leases/', ExpirationInDays: 730 },
        { Id: 'expire-_outbox', Status: 'Enabled', Prefix: '_outbox/', ExpirationInDays: 730 },
      ],
    });
  });

  it('expires each tree of the lake under its prefix after the configured days', () => {
    // Act
    const { template: t } = synthStack({ lake: { prefix: 'data/docker', retention: { reportDays: 90, athenaResultsDays: 7 } } });

    // Assess
    const rules = (lakeBucket(t).resource.Properties.LifecycleConfiguration as { Rules: { Id: string; Prefix?: string; ExpirationInDays?: number }[] }).Rules;
    expect(rules.map((r) => [r.Id, r.Prefix ?? '', r.ExpirationInDays ?? null])).toEqual([
      ['old-versions-and-interrupted-uploads', '', null],
      ['athena-results', 'data/docker/athena-results/', 7],
      ['expire-enterprise', 'data/docker/enterprise/', 90],
      ['expire-dvp', 'data/docker/dvp/', 90],
      ['expire-query', 'data/docker/query/', 90],
      ['expire-_leases', 'data/docker/_leases/', 90],
      ['expire-_outbox', 'data/docker/_outbox/', 90],
    ]);
  });

  it('logs server access into its own private, encrypted bucket, whose policy lets only S3 logging write', () => {
    // Assess
    const logging = lakeBucket().resource.Properties.LoggingConfiguration as { DestinationBucketName: { Ref: string }; LogFilePrefix: string };
    expect(logging.LogFilePrefix).toBe('lake/');
    const logs = template.toJSON().Resources[logging.DestinationBucketName.Ref] as { Properties: Record<string, unknown> };
    expect(logs.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [{ Id: 'expire-access-logs', ExpirationInDays: 365, Status: 'Enabled' }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logging.DestinationBucketName.Ref },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Action: 's3:PutObject', Principal: { Service: 'logging.s3.amazonaws.com' } })]),
      },
    });
  });

  it('sends S3 events to EventBridge without a custom resource', () => {
    // Assess
    expect(lakeBucket().resource.Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    template.resourceCountIs('Custom::S3BucketNotifications', 0);
    // The sync, its worker and the API: no notification handler among them.
    template.resourceCountIs('AWS::Lambda::Function', 3);
  });

  it('retains the bucket, the access logs and the key when the stack is deleted', () => {
    // Assess
    expect(lakeBucket().resource).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    expect(Object.values(template.findResources('AWS::S3::Bucket')).every((b) => (b as { DeletionPolicy?: string }).DeletionPolicy === 'Retain')).toBe(true);
  });

  it('can use SSE-S3 instead, without a key, keep reports for good, put the lake under a prefix, and be destroyed with the stack', () => {
    // Act
    const { template: t } = synthStack({ lake: { encryption: 's3-managed', prefix: 'data/docker', retention: { reportDays: null }, removalPolicy: 'destroy' } });

    // Assess
    t.resourceCountIs('AWS::KMS::Key', 0);
    const { Properties } = lakeBucket(t).resource;
    expect(Properties.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    const rules = (Properties.LifecycleConfiguration as { Rules: { Id: string; Prefix?: string }[] }).Rules;
    expect(rules.map((r) => `${r.Id}:${r.Prefix ?? ''}`)).toEqual(['old-versions-and-interrupted-uploads:', 'athena-results:data/docker/athena-results/']);
    t.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: { ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } } },
    });
    expect(lakeBucket(t).resource.DeletionPolicy).toBe('Delete');
    t.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
  });

  it('lands into an existing bucket without creating one, and warns that its settings are the owner\'s', () => {
    // Act
    const { stack, template: t } = synthStack({
      lake: { existingBucketName: 'corp-data-lake', existingBucketKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f' },
    });

    // Assess
    t.resourceCountIs('AWS::S3::Bucket', 0);
    t.resourceCountIs('AWS::KMS::Key', 0);
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ LAKE_BUCKET: 'corp-data-lake' }) } });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: 'arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f' }),
        ]),
      },
    });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('existing bucket corp-data-lake.*not managed by this stack'));
  });
});
