import { FUNCTION_ENV } from '../../shared/aws/function-config.js';
import type { Environment } from '../../shared/config.js';

/** The browser origins allowed to read the API's answers; none (the default) means no CORS at all. */
export function allowedOrigins(env: Environment): readonly string[] {
  return (env[FUNCTION_ENV.corsAllowOrigins] ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
}

/**
 * The CORS headers of one answer. API Gateway answers the preflight itself,
 * but with a Lambda proxy the real answer's headers are the function's to set.
 * Only a listed origin is echoed (never `*`: the answers name reports of
 * personal data); `Vary: Origin` keeps a cache from serving one origin's
 * answer to another.
 */
export function corsHeaders(
  headers: Readonly<Record<string, string | undefined>> | null,
  allowed: readonly string[],
): Record<string, string> {
  if (allowed.length === 0) return {};
  const origin = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'origin')?.[1];
  if (origin === undefined || !allowed.includes(origin)) return { vary: 'Origin' };
  return { vary: 'Origin', 'access-control-allow-origin': origin };
}
