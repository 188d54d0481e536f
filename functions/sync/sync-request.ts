import * as z from 'zod';
import { ConfigError } from '../../shared/errors.js';
import { reportDateSchema, segmentSchema } from '../../shared/names.js';
import { SOURCE_IDS, type ScopeRef, type SourceId } from '../../shared/sources/index.js';
import type { DatasetFilter } from '../../shared/sync/index.js';

/**
 * What one invocation of the sync is asked to do. The schedules send
 * `{"sources": ["enterprise"], "cadences": ["daily"]}` or
 * `{"sources": ["dvp"], "cadences": ["weekly"]}` (one per source and cadence);
 * a person may invoke it with `{}` (everything) or narrow it down.
 */
export const syncRequestSchema = z.strictObject({
  /** Only these sources. @default the sources of the scopes named, or every source */
  sources: z.array(z.enum(SOURCE_IDS)).min(1).optional(),
  /** Only these cadences (Enterprise cadences, DVP timespans). @default every cadence offered */
  cadences: z.array(segmentSchema).optional(),
  /** Only these Enterprise report types. @default every type Docker lists */
  types: z.array(segmentSchema).optional(),
  /** Only these DVP views. @default every view the namespace offers */
  views: z.array(segmentSchema).optional(),
  /** Only periods starting on or after this day. */
  since: reportDateSchema.optional(),
  /** Only these of the configured orgs. @default all of them (none when only namespaces are named) */
  orgs: z.array(segmentSchema).optional(),
  /** Only these of the configured DVP namespaces. @default all of them (none when only orgs are named) */
  namespaces: z.array(segmentSchema).optional(),
  /** `auto`: large plans go to the queue; `always` / `never` force one way. @default 'auto' */
  fanOut: z.enum(['auto', 'always', 'never']).default('auto'),
});
export type SyncRequest = z.infer<typeof syncRequestSchema>;

/** The scopes a deployment syncs, which a request may only narrow. */
export interface ConfiguredScopes {
  readonly orgs: readonly string[];
  readonly namespaces: readonly string[];
}

/** The only timespans the DVP Data API has. */
const DVP_CADENCES: readonly string[] = ['weekly', 'monthly'];

/** Validates an invocation's event; an empty or missing event means "sync everything". */
export function parseSyncRequest(event: unknown, configured: ConfiguredScopes): SyncRequest {
  const parsed = syncRequestSchema.safeParse(event ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'event'}: ${issue.message}`).join('; ');
    throw new ConfigError(
      `The sync was invoked with an event it does not understand (${problems}). ` +
        'Send {} to sync everything, or e.g. {"cadences":["daily"],"since":"2026-06-01"}.',
    );
  }
  const unknownOrgs = (parsed.data.orgs ?? []).filter((org) => !configured.orgs.includes(org));
  if (unknownOrgs.length > 0) {
    throw new ConfigError(
      `The sync was asked for org(s) ${unknownOrgs.join(', ')}, which this stack does not sync (it syncs ${configured.orgs.join(', ') || 'none'}). ` +
        'Add them to the stack\'s orgs and redeploy.',
    );
  }
  const unknownNamespaces = (parsed.data.namespaces ?? []).filter((namespace) => !configured.namespaces.includes(namespace));
  if (unknownNamespaces.length > 0) {
    throw new ConfigError(
      `The sync was asked for DVP namespace(s) ${unknownNamespaces.join(', ')}, which this stack does not sync ` +
        `(it syncs ${configured.namespaces.join(', ') || 'none'}). Add them to the stack's dvp.namespaces and redeploy.`,
    );
  }
  return parsed.data;
}

/**
 * The scopes a request covers and how each source's datasets are narrowed.
 * Naming orgs or namespaces picks exactly those (an API sync request names
 * one org); otherwise every configured scope of the chosen sources. A request
 * for cadences no DVP export has (`daily`) has no DVP part: asking the DVP
 * API would only find nothing.
 */
export function requestedScopes(request: SyncRequest, configured: ConfiguredScopes): { scopes: ScopeRef[]; filters: Partial<Record<SourceId, DatasetFilter>> } {
  const named = request.orgs !== undefined || request.namespaces !== undefined;
  const dvpCadences = request.cadences?.filter((cadence) => DVP_CADENCES.includes(cadence));
  const wanted = (source: SourceId) => request.sources?.includes(source) ?? true;
  const orgs = wanted('enterprise') ? (request.orgs ?? (named ? [] : configured.orgs)) : [];
  const namespaces =
    wanted('dvp') && !(dvpCadences !== undefined && dvpCadences.length === 0) ? (request.namespaces ?? (named ? [] : configured.namespaces)) : [];
  return {
    scopes: [
      ...orgs.map((org): ScopeRef => ({ source: 'enterprise', scope: org })),
      ...namespaces.map((namespace): ScopeRef => ({ source: 'dvp', scope: namespace })),
    ],
    filters: {
      enterprise: { names: request.types, cadences: request.cadences },
      dvp: { names: request.views, cadences: dvpCadences },
    },
  };
}
