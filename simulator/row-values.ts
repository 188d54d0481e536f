import type { Prng } from './prng.js';

/**
 * Value pools for the simulated reports. Everything is fictional: IP addresses
 * come from the documentation ranges (RFC 5737, RFC 3849), names are made up.
 * The pools deliberately hold what trips CSV readers: commas, double quotes,
 * line breaks inside a field, and non-ASCII text.
 */

/** What one generated row knows about itself. */
export interface RowContext {
  readonly rng: Prng;
  readonly org: string;
  /** The report's date, `YYYY-MM-DD`. */
  readonly date: string;
  /** Position of the row in the report's repeating block (0-based). */
  readonly index: number;
}

const PLAIN_AGENTS = [
  'docker/27.3.1 go/go1.22.7 git-commit/41ca978 kernel/6.8.0-45-generic os/linux arch/amd64 UpstreamClient(Docker-Client/27.3.1 \\(linux\\))',
  'docker/26.1.4 go/go1.21.11 git-commit/de5c9cf kernel/5.15.153.1-microsoft-standard-WSL2 os/linux arch/amd64 UpstreamClient(Docker-Client/26.1.4 \\(windows\\))',
  'docker/27.2.0 go/go1.22.6 git-commit/3ab5c7d kernel/6.10.4-linuxkit os/linux arch/arm64 UpstreamClient(Docker-Client/27.2.0 \\(darwin\\))',
  'containerd/v1.7.22',
  'buildkit/v0.16.0',
  'Go-http-client/1.1',
  'skopeo/1.15.1',
  'cri-o/1.30.4',
];
/** Agents with a comma: the field must be quoted. */
const COMMA_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36',
  'containerd/v1.7.20, kubelet/v1.30.4',
];
/** Agents with double quotes, doubled inside the quoted field. */
const QUOTE_AGENTS = ['crane/0.20.2 (go-containerregistry; build "ci-nightly")', 'oras/1.2.0 "air-gapped" mirror'];
/** Agents spanning two lines: one record, several physical lines. */
const MULTILINE_AGENTS = [
  'kaniko/v1.23.2\nX-Build-Note: "retry, after timeout"',
  'python-requests/2.32.3\n(proxied by legacy-gw/0.9)',
];

export function userAgent(ctx: RowContext): string {
  const { rng, index } = ctx;
  // The first rows carry each awkward case, so even a tiny report has them all.
  if (index === 0) return COMMA_AGENTS[0]!;
  if (index === 1) return QUOTE_AGENTS[0]!;
  if (index === 2) return MULTILINE_AGENTS[0]!;
  const roll = rng.next();
  if (roll < 0.015) return rng.pick(MULTILINE_AGENTS);
  if (roll < 0.055) return rng.pick(QUOTE_AGENTS);
  if (roll < 0.2) return rng.pick(COMMA_AGENTS);
  return rng.pick(PLAIN_AGENTS);
}

const OWN_REPOSITORIES = ['api-gateway', 'billing-worker', 'web-frontend', 'ml-inference', 'sdk-examples'];
const OFFICIAL_IMAGES = ['nginx', 'postgres', 'alpine', 'python', 'redis'];
const TAGS = ['latest', 'latest', '1.27.2', '3.20', '16-alpine', '3.12-slim', 'v2.4.1', 'main', 'sha-9f2c1e7'];
const USERNAMES = ['annaschmidt', 'jdoe42', 'deploybot', 'mlopsteam', 'kwame1', 'priyar', 'ci-runner-07'];
const TOKEN_NAMES = ['CI token – Zürich', 'déploiement-prod', 'Økonomi reader', 'ビルドサーバー', 'GitHub Actions', 'laptop de José'];
const DISPLAY_NAMES = ['Zoë Müller', 'Åsa Lindqvist', 'José Núñez', '山田 花子', 'Chloé "Koko" Martin', 'Lee, Min-jun', 'Ada Okafor'];
const IPV4_PREFIXES = ['203.0.113', '198.51.100', '192.0.2'];
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];

export function repository(ctx: RowContext): { repository: string; namespace: string; privacy: string } {
  if (ctx.rng.chance(0.6)) {
    const name = ctx.rng.pick(OWN_REPOSITORIES);
    return { repository: `${ctx.org}/${name}`, namespace: ctx.org, privacy: name === 'sdk-examples' ? 'public' : 'private' };
  }
  return { repository: `library/${ctx.rng.pick(OFFICIAL_IMAGES)}`, namespace: 'library', privacy: 'public' };
}

export function tag(rng: Prng): string {
  return rng.pick(TAGS);
}

export function digest(rng: Prng): string {
  return `sha256:${rng.hex(64)}`;
}

export function username(rng: Prng): string {
  return rng.pick(USERNAMES);
}

/** Token names are free text typed by people, hence the non-ASCII. */
export function tokenName(ctx: RowContext): string {
  if (ctx.index === 1) return TOKEN_NAMES[0]!;
  return ctx.rng.pick(TOKEN_NAMES);
}

/** People's display names: non-ASCII, and some with a comma or quotes. */
export function displayName(rng: Prng): string {
  return rng.pick(DISPLAY_NAMES);
}

export function ipAddress(rng: Prng): string {
  if (rng.chance(0.15)) return `2001:db8:${rng.hex(4)}::${rng.hex(3)}`;
  const prefix = rng.pick(IPV4_PREFIXES);
  return `${prefix}.${rng.int(1, 254)}`;
}

export function operatingSystem(rng: Prng): string {
  const roll = rng.next();
  return roll < 0.75 ? 'linux' : roll < 0.9 ? 'darwin' : 'windows';
}

/** An instant within the report's day, as ISO 8601 UTC with milliseconds. */
export function timestampOn(date: string, rng: Prng): string {
  const ms = rng.int(0, 86_399_999);
  return new Date(Date.parse(`${date}T00:00:00Z`) + ms).toISOString();
}

/**
 * A value of a schema type, for columns the simulator has no realistic
 * generator for (added by a schema change, retyped, or of a custom type).
 */
export function valueOfType(type: string, ctx: RowContext): string {
  const { rng } = ctx;
  switch (type) {
    case 'integer':
      return String(rng.int(0, 100_000));
    case 'float':
      return (rng.next() * 1000).toFixed(3);
    case 'boolean':
      return rng.chance(0.5) ? 'true' : 'false';
    case 'date':
      return ctx.date;
    case 'timestamp':
      return timestampOn(ctx.date, rng);
    default:
      return `${rng.pick(WORDS)}-${rng.int(1, 999)}`;
  }
}
