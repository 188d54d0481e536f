import type { z } from 'zod';
import {
  CredentialsRejectedError,
  NotFoundError,
  PermissionDeniedError,
  UpstreamHttpError,
  UpstreamPayloadError,
} from '../errors.js';
import type { TextResponse } from '../http/http-client.js';
import { errorEnvelopeSchema } from './payloads.js';

/** Parses a 2xx JSON answer against its documented schema. */
export function parsePayload<T>(label: string, response: TextResponse, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(response.text);
  } catch {
    throw new UpstreamPayloadError(
      `${label}: Docker answered ${response.status} with a body that is not JSON ` +
        `(starts with ${JSON.stringify(response.text.slice(0, 40))}). Is the API URL right?`,
      label,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new UpstreamPayloadError(
      `${label}: Docker's answer does not match its documented format (${issues}). ` +
        'The API may have changed; please report it with this message.',
      label,
    );
  }
  return parsed.data;
}

/** Docker's own error text from an `{"error": ...}` envelope, if any. */
export function upstreamMessage(text: string): string | undefined {
  try {
    const parsed = errorEnvelopeSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.error : undefined;
  } catch {
    return undefined;
  }
}

export interface ErrorContext {
  readonly label: string;
  readonly org: string;
  /** Where the org's OAT comes from, e.g. "DOCKER_OAT_ACME". */
  readonly credentials: string;
}

/** Turns a non-2xx answer from the Enterprise Data API into the error that says what to do. */
export function errorForStatus(context: ErrorContext, response: TextResponse): UpstreamHttpError {
  const { label, org, credentials } = context;
  const said = upstreamMessage(response.text);
  const quoted = said ? `: "${said}"` : '';
  switch (response.status) {
    case 401:
      return new CredentialsRejectedError(
        `${label}: Docker rejected the token for org ${org} (401${quoted}) even after a fresh exchange. ` +
          `Check ${credentials}: it must be an Organization Access Token of ${org}.`,
        label,
      );
    case 403:
      return new PermissionDeniedError(
        `${label}: Docker refused access for org ${org} (403${quoted}). ` +
          `The OAT in ${credentials} needs the "Report read" scope, and the org an active ` +
          'Docker Business or Enterprise subscription.',
        label,
      );
    case 404:
      return new NotFoundError(
        `${label}: Docker has no such report (404${quoted}). ` +
          'Check the org, type and cadence; a report for a very recent date may not be generated yet.',
        label,
      );
    case 400:
      return new UpstreamHttpError(`${label}: Docker refused the request as invalid (400${quoted}).`, 400, label);
    default:
      return new UpstreamHttpError(
        `${label}: Docker answered HTTP ${response.status}${quoted} after every retry. ` +
          'Docker may be having trouble: try again later.',
        response.status,
        label,
      );
  }
}
