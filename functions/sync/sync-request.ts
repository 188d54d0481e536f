import * as z from 'zod';
import { ConfigError } from '../../shared/errors.js';
import { reportDateSchema, segmentSchema } from '../../shared/names.js';

/**
 * What one invocation of the sync is asked to do. The schedules send
 * `{"cadences": ["daily"]}` (one per cadence); a person may invoke it with
 * `{}` (everything) or narrow it down.
 */
export const syncRequestSchema = z.strictObject({
  /** Only these cadences. @default every cadence Docker lists */
  cadences: z.array(segmentSchema).optional(),
  /** Only these report types. @default every type Docker lists */
  types: z.array(segmentSchema).optional(),
  /** Only reports dated on or after this day. */
  since: reportDateSchema.optional(),
  /** Only these of the configured orgs. @default all of them */
  orgs: z.array(segmentSchema).optional(),
  /** `auto`: large plans go to the queue; `always` / `never` force one way. @default 'auto' */
  fanOut: z.enum(['auto', 'always', 'never']).default('auto'),
});
export type SyncRequest = z.infer<typeof syncRequestSchema>;

/** Validates an invocation's event; an empty or missing event means "sync everything". */
export function parseSyncRequest(event: unknown, configuredOrgs: readonly string[]): SyncRequest {
  const parsed = syncRequestSchema.safeParse(event ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'event'}: ${issue.message}`).join('; ');
    throw new ConfigError(
      `The sync was invoked with an event it does not understand (${problems}). ` +
        'Send {} to sync everything, or e.g. {"cadences":["daily"],"since":"2026-06-01"}.',
    );
  }
  const unknown = (parsed.data.orgs ?? []).filter((org) => !configuredOrgs.includes(org));
  if (unknown.length > 0) {
    throw new ConfigError(
      `The sync was asked for org(s) ${unknown.join(', ')}, which this stack does not sync (it syncs ${configuredOrgs.join(', ')}). ` +
        'Add them to the stack\'s orgs and redeploy.',
    );
  }
  return parsed.data;
}
