/**
 * Makes a short-lived URL to one object of the lake: a pre-signed S3 GET in
 * the stack, an HMAC-signed local URL under `docker-reports serve`.
 */
export interface DownloadSigner {
  sign(key: string, options: { readonly filename: string; readonly expiresInSeconds: number }): Promise<string>;
}
