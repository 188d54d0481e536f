import { ConfigError } from '../shared/errors.js';
import { SEGMENT_PATTERN } from '../shared/names.js';
import type { SimulatorOptions } from './simulator-options.js';

/** The flags of `docker-reports simulate`, as a command-line parser hands them over (strings or numbers). */
export interface SimulateFlags {
  readonly port?: string | number;
  /** Comma-separated, e.g. `acme,globex`. */
  readonly orgs?: string;
  readonly days?: string | number;
  /** Size of every report in MB (10^6 bytes); fractions allowed. */
  readonly reportMb?: string | number;
  /**
   * DVP namespaces to serve, from a repeatable `--namespace <ns>` (see
   * {@link collectNamespace}); each may also be comma-separated.
   */
  readonly namespace?: string | readonly string[];
}

/** The `--namespace` option as `simulate` declares it: repeatable, gathered by {@link collectNamespace}. */
export const NAMESPACE_FLAG = {
  flags: '--namespace <ns>',
  description: 'a DVP publisher namespace to serve (repeatable); prints its Hub username and PAT',
} as const;

/** Commander's argument parser for a repeatable flag: each value joins the ones before. */
export function collectNamespace(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Turns `simulate`'s flags into {@link SimulatorOptions}; a bad flag is a {@link ConfigError} naming it. */
export function simulatorOptionsFromFlags(flags: SimulateFlags): SimulatorOptions {
  const orgs = flags.orgs
    ?.split(',')
    .map((org) => org.trim())
    .filter((org) => org !== '');
  if (orgs !== undefined && orgs.length === 0) throw new ConfigError('--orgs: name at least one org, e.g. --orgs acme,globex.');
  const reportMb = numberFlag('--report-mb', flags.reportMb, 0, 100_000, false);
  const namespaces = namespaceFlag(flags.namespace);
  return {
    port: numberFlag('--port', flags.port, 0, 65_535, true),
    orgs,
    days: numberFlag('--days', flags.days, 0, 3660, true),
    reportBytes: reportMb === undefined ? undefined : Math.round(reportMb * 1_000_000),
    ...(namespaces === undefined ? {} : { dvp: { namespaces: namespaces.map((namespace) => ({ namespace })) } }),
  };
}

/** The namespaces of every `--namespace`, checked as the simulator's options would, but named after the flag. */
function namespaceFlag(value: string | readonly string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const names = (typeof value === 'string' ? [value] : value).flatMap((item) => item.split(',')).map((name) => name.trim());
  const bad = names.find((name) => !SEGMENT_PATTERN.test(name));
  if (bad !== undefined) {
    throw new ConfigError(`--namespace: ${JSON.stringify(bad)} is not a namespace (lowercase letters, digits, "-" or "_"), e.g. --namespace acmepublisher.`);
  }
  return [...new Set(names)];
}

function numberFlag(name: string, value: string | number | undefined, min: number, max: number, whole: boolean): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'number' ? value : Number(value.trim());
  const text = String(value).trim();
  if (text === '' || !Number.isFinite(number) || number < min || number > max || (whole && !Number.isInteger(number))) {
    throw new ConfigError(`${name}: expected ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(String(value))}.`);
  }
  return number;
}
