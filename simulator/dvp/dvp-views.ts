import { Prng, mixSeeds, seedOf } from '../prng.js';
import type { DvpView } from './dvp-options.js';
import type { DvpPeriod } from './dvp-periods.js';

/**
 * The columns of each dataview, as their CSV headers spell them. Docker never
 * published exact header names (its manual lists the meanings: action, action
 * day, timestamp, industry type, country, digest, HTTP method, cloud provider
 * host, namespace, reference, repository, tag, user agent tool and version,
 * domain, owner; summaries count unique IPs, pulls by tag and by digest and
 * version checks), so some views here write them in Title Case with spaces:
 * a client must name columns from the header, never from this list.
 */
export const VIEW_COLUMNS: Readonly<Record<DvpView, readonly string[]>> = {
  raw: [
    'action',
    'action_day',
    'timestamp',
    'type',
    'country',
    'digest',
    'http_method',
    'host',
    'namespace',
    'reference',
    'repository',
    'tag',
    'user_agent_tool',
    'user_agent_version',
    'domain',
    'owner',
  ],
  summary: ['namespace', 'repository', 'reference', 'unique_ip_count', 'pull_by_tag', 'pull_by_digest', 'version_check'],
  'repo-summary': ['Namespace', 'Repository', 'Unique IP Count', 'Pull By Tag', 'Pull By Digest', 'Version Check'],
  'namespace-summary': ['namespace', 'unique_ip_count', 'pull_by_tag', 'pull_by_digest', 'version_check'],
  'geo-repo-summary': ['namespace', 'repository', 'country', 'Unique IP Count', 'pull_by_tag', 'pull_by_digest', 'version_check'],
  'ext-summary': [
    'namespace',
    'repository',
    'reference',
    'Cloud Provider',
    'type',
    'unique_ip_count',
    'pull_by_tag',
    'pull_by_digest',
    'version_check',
  ],
  'ext-premium-summary': [
    'namespace',
    'repository',
    'reference',
    'cloud_provider',
    'type',
    'user_agent_tool',
    'user_agent_version',
    'unique_ip_count',
    'pull_by_tag',
    'pull_by_digest',
    'version_check',
  ],
  'ext-premium-geo': [
    'namespace',
    'repository',
    'reference',
    'cloud_provider',
    'type',
    'country',
    'user_agent_tool',
    'unique_ip_count',
    'pull_by_tag',
    'pull_by_digest',
    'version_check',
  ],
};

/**
 * A view's header for one period. `added` is the column a later period gains:
 * absent before `addedFrom`, then at its documented place in a view that has
 * it (raw's `domain`) or at the end of one that does not.
 */
export function columnsOf(view: DvpView, startDay: number, added: { name: string; fromDay: number } | undefined): string[] {
  const native = VIEW_COLUMNS[view];
  if (added === undefined) return [...native];
  if (startDay < added.fromDay) return native.filter((column) => column !== added.name);
  return native.includes(added.name) ? [...native] : [...native, added.name];
}

/** The key a header's values come from: lower snake case, as a client names columns. */
function keyOf(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');
}

const ACTIONS = ['pull_by_tag', 'pull_by_tag', 'pull_by_tag', 'pull_by_digest', 'pull_by_digest', 'version_check'] as const;
/** Industry of the puller's network; empty when Docker could not tell (the manual's `null`). */
const TYPES = ['business', 'business', 'isp', 'hosting', 'hosting', 'education', ''];
const COUNTRIES = ['US', 'US', 'DE', 'GB', 'FR', 'JP', 'IN', 'BR', 'KR', 'NL', 'SG', 'CA', ''];
const CLOUD_PROVIDERS = ['aws', 'aws', 'gcp', 'azure', 'oracle', 'digitalocean', '', ''];
const REPOSITORIES = ['server', 'cli', 'agent', 'operator', 'docs-site'];
const TAGS = ['latest', 'latest', '1.4.2', '1.4', '1.3.9', '2.0.0-rc.1', 'alpine', 'slim'];
const TOOLS: readonly (readonly [string, readonly string[]])[] = [
  ['docker', ['27.3.1', '26.1.4', '24.0.7']],
  ['containerd', ['1.7.22', '1.6.33']],
  ['cri-o', ['1.30.4']],
  ['podman', ['5.2.3']],
  ['skopeo', ['1.15.1']],
  ['Go-http-client', ['1.1']],
];
/** Fictional domains (RFC 2606), and one with a comma-free subdomain chain. */
const DOMAINS = ['example.com', 'ci.example.net', 'build.corp.example.org', 'example.edu', ''];
/**
 * Owners of the pulling IPs: free text, hence the comma, the quotes and the
 * non-ASCII a CSV reader must keep whole.
 */
const OWNERS = ['Example Hosting, Inc.', 'Zoë Cloud GmbH', 'Acme "Edge" Networks', 'Université Exemple', '', ''];
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];

/** What one pull (or summary line) is, before a view picks its columns. */
type PullRecord = Readonly<Record<string, string>>;

/**
 * One row of a view, by header. Values come from the row's seed in a fixed
 * order whatever the view's columns, and a column no view knows has its own
 * generator, so adding a column leaves the others as they were.
 */
export function rowValues(columns: readonly string[], seed: number, namespace: string, period: DvpPeriod): string[] {
  const record = pullRecord(new Prng(seed), namespace, period);
  return columns.map((header) => {
    const value = record[keyOf(header)];
    if (value !== undefined) return value;
    const rng = new Prng(mixSeeds(seed, seedOf(header)));
    return `${rng.pick(WORDS)}-${rng.int(1, 999)}`;
  });
}

function pullRecord(rng: Prng, namespace: string, period: DvpPeriod): PullRecord {
  const action = rng.pick(ACTIONS);
  const day = period.startDay + rng.int(0, period.days - 1);
  const ms = rng.int(0, 86_399_999);
  const digest = `sha256:${rng.hex(64)}`;
  const tag = rng.pick(TAGS);
  const [tool, versions] = rng.pick(TOOLS);
  const host = rng.pick(CLOUD_PROVIDERS);
  const byTag = rng.int(0, 5000);
  const byDigest = rng.int(0, 3000);
  const checks = rng.int(0, 800);
  return {
    action,
    action_day: new Date(day * 86_400_000).toISOString().slice(0, 10),
    // Go's RFC 3339 with seconds, as Docker's services write times.
    timestamp: new Date(day * 86_400_000 + ms).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    type: rng.pick(TYPES),
    country: rng.pick(COUNTRIES),
    digest,
    // Version checks are HEAD requests for the manifest; pulls GET it.
    http_method: action === 'version_check' ? 'HEAD' : 'GET',
    host,
    cloud_provider: host,
    namespace,
    reference: action === 'pull_by_digest' ? digest : tag,
    repository: rng.pick(REPOSITORIES),
    // The manual: tag is only set for pulls by tag.
    tag: action === 'pull_by_tag' ? tag : '',
    user_agent_tool: tool,
    user_agent_version: rng.pick(versions),
    domain: rng.pick(DOMAINS),
    owner: rng.pick(OWNERS),
    unique_ip_count: String(rng.int(1, Math.max(1, Math.floor((byTag + byDigest) / 3)))),
    pull_by_tag: String(byTag),
    pull_by_digest: String(byDigest),
    version_check: String(checks),
  };
}
