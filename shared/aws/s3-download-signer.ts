import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { DownloadSigner } from '../api/download-signer.js';
import type { S3Sink } from '../sinks/s3-sink.js';

/**
 * Pre-signs a GET of one lake object, with the function's own credentials:
 * the caller downloads straight from S3 (API Gateway never carries the bytes)
 * and needs no access to the bucket, only to the API.
 */
export class S3DownloadSigner implements DownloadSigner {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly sink: Pick<S3Sink, 'objectKey'>,
  ) {}

  sign(key: string, options: { filename: string; expiresInSeconds: number }): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.sink.objectKey(key),
      ResponseContentDisposition: `attachment; filename="${options.filename}"`,
      ResponseContentType: 'text/csv; charset=utf-8',
    });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds });
  }
}
