import { LocationRefusedError } from '../errors.js';

/**
 * Checks the `Location` of a download redirect (or any storage URL Docker
 * hands out, named by `what`) before anything is sent there.
 * It must be an absolute https URL without credentials. Plain http is accepted
 * only on a loopback host and only when the API itself is plain http on
 * loopback, which is how the simulator and local tests run.
 */
export function checkDownloadLocation(location: string | null, apiUrl: string, label: string, what = 'the download redirect'): URL {
  if (!location) {
    throw new LocationRefusedError(`${label}: Docker's redirect carries no Location header.`);
  }
  let target: URL;
  try {
    target = new URL(location);
  } catch {
    throw new LocationRefusedError(
      `${label}: ${what} is not an absolute URL (${JSON.stringify(location.slice(0, 60))}); refused.`,
    );
  }
  const where = `${target.protocol}//${target.host}`;
  if (target.username || target.password) {
    throw new LocationRefusedError(`${label}: ${what} to ${where} carries credentials; refused.`);
  }
  if (target.protocol === 'https:') return target;
  const api = new URL(apiUrl);
  const localHttp = api.protocol === 'http:' && isLoopback(api.hostname);
  if (target.protocol === 'http:' && localHttp && isLoopback(target.hostname)) return target;
  throw new LocationRefusedError(
    `${label}: ${what} to ${where} is not https; refused ` +
      '(plain http is only accepted on loopback when the API itself is local).',
  );
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** A URL without its query string, for messages: pre-signed signatures stay out of logs. */
export function redactUrl(url: URL | string): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}
