import { isReportDate } from '../names.js';
import { ApiError } from './api-types.js';

/**
 * The API's page tokens: opaque to callers, like Docker's. A token names the
 * last date of the page it follows; anything that does not decode to one is a 400.
 */
export function encodeCursor(lastDate: string): string {
  return Buffer.from(`before:${lastDate}`, 'utf8').toString('base64url');
}

export function decodeCursor(token: string): string {
  const text = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  const date = text.startsWith('before:') ? text.slice('before:'.length) : '';
  if (!isReportDate(date)) throw new ApiError(400, 'invalid input: invalid page token');
  return date;
}
