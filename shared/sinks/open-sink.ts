import { ConfigError } from '../errors.js';
import type { EngineEnv } from '../config.js';
import { FsSink } from './fs-sink.js';
import type { LakeSink } from './lake-sink.js';

/** S3's bucket naming rules, in short. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The sink a `--dest` names: `s3://bucket/prefix` or a local folder. With an
 * S3-compatible endpoint (`AWS_ENDPOINT_URL_S3`) the client uses path-style
 * addressing and sends checksums only where required, which such servers expect.
 * The AWS SDK is loaded only for an S3 destination: a folder sync does not pay for it.
 */
export async function openSink(
  destination: string,
  env: Pick<EngineEnv, 's3Endpoint' | 'awsRegion' | 'awsCredentials'>,
): Promise<LakeSink> {
  if (!destination.trim()) throw new ConfigError('--dest is empty: give a folder or s3://bucket/prefix.');
  if (!destination.startsWith('s3://')) return new FsSink(destination);
  const [bucket = '', ...rest] = destination.slice('s3://'.length).split('/');
  if (!BUCKET.test(bucket)) {
    throw new ConfigError(`--dest ${destination}: "${bucket}" is not an S3 bucket name; expected s3://bucket/prefix.`);
  }
  const [{ S3Client }, { S3Sink }] = await Promise.all([import('@aws-sdk/client-s3'), import('./s3-sink.js')]);
  const client = new S3Client({
    ...(env.s3Endpoint
      ? { endpoint: env.s3Endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' as const }
      : {}),
    ...(env.awsRegion ? { region: env.awsRegion } : env.s3Endpoint ? { region: 'us-east-1' } : {}),
    ...(env.awsCredentials ? { credentials: env.awsCredentials } : {}),
  });
  return new S3Sink({ client, bucket, prefix: rest.join('/') });
}
