import { ConfigError } from '../shared/errors.js';
import type { SimulatorOptions } from './simulator-options.js';

/** The flags of `docker-reports simulate`, as a command-line parser hands them over (strings or numbers). */
export interface SimulateFlags {
  readonly port?: string | number;
  /** Comma-separated, e.g. `acme,globex`. */
  readonly orgs?: string;
  readonly days?: string | number;
  /** Size of every report in MB (10^6 bytes); fractions allowed. */
  readonly reportMb?: string | number;
}

/** Turns `simulate`'s flags into {@link SimulatorOptions}; a bad flag is a {@link ConfigError} naming it. */
export function simulatorOptionsFromFlags(flags: SimulateFlags): SimulatorOptions {
  const orgs = flags.orgs
    ?.split(',')
    .map((org) => org.trim())
    .filter((org) => org !== '');
  if (orgs !== undefined && orgs.length === 0) throw new ConfigError('--orgs: name at least one org, e.g. --orgs acme,globex.');
  const reportMb = numberFlag('--report-mb', flags.reportMb, 0, 100_000, false);
  return {
    port: numberFlag('--port', flags.port, 0, 65_535, true),
    orgs,
    days: numberFlag('--days', flags.days, 0, 3660, true),
    reportBytes: reportMb === undefined ? undefined : Math.round(reportMb * 1_000_000),
  };
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
