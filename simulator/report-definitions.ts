import {
  digest,
  displayName,
  ipAddress,
  operatingSystem,
  repository,
  tag,
  timestampOn,
  tokenName,
  userAgent,
  username,
  type RowContext,
} from './row-values.js';

/** One column of a report, as the schema endpoint describes it. */
export interface SchemaField {
  readonly name: string;
  /** Docker names string, integer, date, timestamp, boolean and float so far. */
  readonly type: string;
  readonly description: string;
}

/** A report type and cadence the simulator offers. */
export interface ReportTypeSpec {
  readonly type: string;
  /** `daily`, `weekly` (reports dated Mondays) or `monthly` (dated the 1st). */
  readonly cadence: string;
  /**
   * The columns; defaults to the built-in definition of the type and cadence
   * when there is one, otherwise a small generic schema.
   */
  readonly fields?: readonly SchemaField[];
}

/** The report types of Docker's OpenAPI example. */
export const DEFAULT_REPORT_TYPES: readonly ReportTypeSpec[] = [
  { type: 'usage_pulls', cadence: 'daily' },
  { type: 'usage_pulls', cadence: 'weekly' },
  { type: 'image_access', cadence: 'daily' },
];

export const CADENCES = ['daily', 'weekly', 'monthly'] as const;

/** How a report type's rows come about. */
export interface ReportDefinition {
  /** The columns before any schema change. */
  readonly fields: readonly SchemaField[];
  /** The string column whose last row absorbs the padding that makes a report exactly its size. */
  readonly padColumn: string;
  /** Values of the definition's own columns for one row; other columns get a value of their type. */
  readonly row: (ctx: RowContext) => Readonly<Record<string, string>>;
}

const f = (name: string, type: string, description: string): SchemaField => ({ name, type, description });

/** Docker's draft of the daily usage_pulls report (docker/docs PR 25331): 16 columns. */
const USAGE_PULLS_DAILY: ReportDefinition = {
  fields: [
    f('day', 'date', 'Date the pulls occurred (UTC).'),
    f('hub_username', 'string', 'Docker Hub user who pulled; empty for anonymous pulls.'),
    f('image_repository', 'string', 'Repository pulled, including its namespace.'),
    f('namespace', 'string', 'Namespace that owns the repository.'),
    f('tag', 'string', 'Tag pulled; empty when pulled by digest.'),
    f('image_digest', 'string', 'Digest of the manifest pulled.'),
    f('privacy', 'string', 'Repository visibility: public or private.'),
    f('billing_entity', 'string', 'Organization the pulls are billed to.'),
    f('auth_name', 'string', 'Name of the access token used; empty for anonymous pulls.'),
    f('ip_address', 'string', 'Client IP address.'),
    f('os', 'string', 'Client operating system.'),
    f('user_agent', 'string', 'Client user agent, as sent.'),
    f('version_checks', 'integer', 'Manifest requests that downloaded no layers.'),
    f('data_downloads', 'integer', 'Pulls that downloaded layers.'),
    f('event_count', 'integer', 'All pull events: version checks plus data downloads.'),
    f('egress_size_bytes', 'integer', 'Bytes served for these pulls.'),
  ],
  padColumn: 'user_agent',
  row(ctx) {
    const { rng, org, date } = ctx;
    const repo = repository(ctx);
    const anonymous = repo.privacy === 'public' && rng.chance(0.3);
    const byDigest = rng.chance(0.1);
    const versionChecks = rng.int(0, 40);
    const downloads = rng.int(versionChecks === 0 ? 1 : 0, 25);
    return {
      day: date,
      hub_username: anonymous ? '' : username(rng),
      image_repository: repo.repository,
      namespace: repo.namespace,
      tag: byDigest ? '' : tag(rng),
      image_digest: digest(rng),
      privacy: repo.privacy,
      billing_entity: org,
      auth_name: anonymous ? '' : tokenName(ctx),
      ip_address: ipAddress(rng),
      os: operatingSystem(rng),
      user_agent: userAgent(ctx),
      version_checks: String(versionChecks),
      data_downloads: String(downloads),
      event_count: String(versionChecks + downloads),
      egress_size_bytes: String(downloads * rng.int(2_000_000, 900_000_000)),
    };
  },
};

const USAGE_PULLS_WEEKLY: ReportDefinition = {
  fields: [
    f('week_start', 'date', 'Monday the week starts (UTC); the report covers Monday to Sunday.'),
    f('image_repository', 'string', 'Repository pulled, including its namespace.'),
    f('namespace', 'string', 'Namespace that owns the repository.'),
    f('tag', 'string', 'Tag pulled.'),
    f('privacy', 'string', 'Repository visibility: public or private.'),
    f('billing_entity', 'string', 'Organization the pulls are billed to.'),
    f('unique_users', 'integer', 'Distinct Docker Hub users who pulled.'),
    f('unique_ips', 'integer', 'Distinct client IP addresses.'),
    f('version_checks', 'integer', 'Manifest requests that downloaded no layers.'),
    f('data_downloads', 'integer', 'Pulls that downloaded layers.'),
    f('event_count', 'integer', 'All pull events: version checks plus data downloads.'),
    f('egress_size_bytes', 'integer', 'Bytes served for these pulls.'),
    f('top_user_agent', 'string', 'The most frequent client user agent of the week.'),
  ],
  padColumn: 'top_user_agent',
  row(ctx) {
    const { rng, org, date } = ctx;
    const repo = repository(ctx);
    const versionChecks = rng.int(0, 400);
    const downloads = rng.int(1, 250);
    const users = rng.int(1, 60);
    return {
      week_start: date,
      image_repository: repo.repository,
      namespace: repo.namespace,
      tag: tag(rng),
      privacy: repo.privacy,
      billing_entity: org,
      unique_users: String(users),
      unique_ips: String(users + rng.int(0, 40)),
      version_checks: String(versionChecks),
      data_downloads: String(downloads),
      event_count: String(versionChecks + downloads),
      egress_size_bytes: String(downloads * rng.int(2_000_000, 900_000_000)),
      top_user_agent: userAgent(ctx),
    };
  },
};

/** Per-access rows: the one with a timestamp, a boolean and a float. */
const IMAGE_ACCESS_DAILY: ReportDefinition = {
  fields: [
    f('day', 'date', 'Date of the access (UTC).'),
    f('accessed_at', 'timestamp', 'When the access happened (UTC).'),
    f('namespace', 'string', 'Namespace that owns the repository.'),
    f('image_repository', 'string', 'Repository accessed, including its namespace.'),
    f('tag', 'string', 'Tag accessed.'),
    f('action', 'string', 'pull, push or delete.'),
    f('actor', 'string', 'Docker Hub user or token that acted; empty when anonymous.'),
    f('actor_display_name', 'string', "The actor's display name."),
    f('is_automated', 'boolean', 'True when the access came from an automation token.'),
    f('client_ip', 'string', 'Client IP address.'),
    f('user_agent', 'string', 'Client user agent, as sent.'),
    f('duration_seconds', 'float', 'Time taken to serve the request.'),
    f('bytes_transferred', 'integer', 'Bytes sent or received.'),
  ],
  padColumn: 'user_agent',
  row(ctx) {
    const { rng, date } = ctx;
    const repo = repository(ctx);
    const roll = rng.next();
    const action = roll < 0.85 ? 'pull' : roll < 0.97 ? 'push' : 'delete';
    const automated = rng.chance(0.4);
    return {
      day: date,
      accessed_at: timestampOn(date, rng),
      namespace: repo.namespace,
      image_repository: repo.repository,
      tag: tag(rng),
      action,
      actor: automated ? tokenName(ctx) : username(rng),
      actor_display_name: automated ? '' : displayName(rng),
      is_automated: automated ? 'true' : 'false',
      client_ip: ipAddress(rng),
      user_agent: userAgent(ctx),
      duration_seconds: (rng.int(5, 180_000) / 1000).toFixed(3),
      bytes_transferred: String(action === 'delete' ? 0 : rng.int(512, 2_000_000_000)),
    };
  },
};

/** For a type the simulator does not know: every value comes from its column's type. */
const GENERIC: ReportDefinition = {
  fields: [
    f('day', 'date', 'Date the activity occurred (UTC).'),
    f('item', 'string', 'What was counted.'),
    f('recorded_at', 'timestamp', 'When it was recorded (UTC).'),
    f('count', 'integer', 'How many times.'),
    f('share', 'float', 'Share of the day total.'),
    f('flagged', 'boolean', 'Whether the item was flagged.'),
    f('note', 'string', 'Free-text note.'),
  ],
  padColumn: 'note',
  row: () => ({}),
};

const BUILT_IN: Readonly<Record<string, ReportDefinition>> = {
  'usage_pulls/daily': USAGE_PULLS_DAILY,
  'usage_pulls/weekly': USAGE_PULLS_WEEKLY,
  'usage_pulls/monthly': USAGE_PULLS_DAILY,
  'image_access/daily': IMAGE_ACCESS_DAILY,
  'image_access/weekly': IMAGE_ACCESS_DAILY,
  'image_access/monthly': IMAGE_ACCESS_DAILY,
};

/** The definition a report type and cadence is generated from. */
export function definitionFor(spec: ReportTypeSpec): ReportDefinition {
  return BUILT_IN[`${spec.type}/${spec.cadence}`] ?? GENERIC;
}

/** The columns of a report type before any schema change: its own fields, or its definition's. */
export function baseFieldsFor(spec: ReportTypeSpec): readonly SchemaField[] {
  return spec.fields ?? definitionFor(spec).fields;
}

/**
 * The column that absorbs the padding in a schema: the definition's choice
 * while it is a string column, else the last string column. Undefined when
 * the schema has no string column at all.
 */
export function padColumnOf(definition: ReportDefinition, fields: readonly SchemaField[]): string | undefined {
  const strings = fields.filter((field) => field.type === 'string');
  return strings.find((field) => field.name === definition.padColumn)?.name ?? strings.at(-1)?.name;
}
