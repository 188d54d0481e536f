import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { SEGMENT_PATTERN, isReportDate } from '../../shared/names.js';

/** Every dataview Docker's DVP Data API has shown, in the order `/namespaces/{ns}` lists them. */
export const DVP_VIEWS = [
  'raw',
  'summary',
  'repo-summary',
  'namespace-summary',
  'geo-repo-summary',
  'ext-summary',
  'ext-premium-summary',
  'ext-premium-geo',
] as const;
export type DvpView = (typeof DVP_VIEWS)[number];

/** The two timespans, as the API's paths spell them. */
export const DVP_TIMESPANS = ['weeks', 'months'] as const;
export type DvpTimespan = (typeof DVP_TIMESPANS)[number];

export const DEFAULT_DVP_WEEKS = 6;
export const DEFAULT_DVP_MONTHS = 3;
/** Raw exports are the large ones: Docker splits them into several files. */
export const DEFAULT_RAW_FILES_PER_EXPORT = 3;
export const DEFAULT_FILES_PER_EXPORT = 1;
export const DEFAULT_RAW_ROWS_PER_FILE = 40;
export const DEFAULT_ROWS_PER_FILE = 15;
/** The column `addColumnFromWeek` adds: Docker added `domain` to raw exports in October 2022. */
export const DEFAULT_ADDED_COLUMN = 'domain';

/** One Verified Publisher namespace the simulator serves, and the Hub account that reads it. */
export interface DvpNamespaceOptions {
  readonly namespace: string;
  /**
   * The Hub user whose PAT reads the namespace. Namespaces may share a user:
   * they then share its PAT too. @default `${namespace}-bot`
   */
  readonly username?: string;
  /**
   * How many complete ISO weeks (Monday to Sunday) have exports, ending with
   * the last complete week before the clock (or `lastWeekEnding`'s week).
   * With a clock early in January the range spans a year boundary. @default 6
   */
  readonly weeks?: number;
  /**
   * A `YYYY-MM-DD` date whose ISO week is the last one with an export, whatever
   * the clock; the months then end with the last complete month before the
   * Monday after it. `'2026-01-04'` makes ISO week 1 of 2026 (2025-12-29..2026-01-04)
   * the last week. @default the clock decides, and the range follows it
   */
  readonly lastWeekEnding?: string;
  /** How many complete calendar months have exports, ending with the last month before the clock's. @default 3 */
  readonly months?: number;
  /** The dataviews the namespace offers. @default all eight, {@link DVP_VIEWS} */
  readonly views?: readonly string[];
  /** Files each export is split into. @default 3 for `raw`, 1 for the other views */
  readonly filesPerExport?: number;
  /** Whether files are served gzip-compressed (Docker's are). @default true */
  readonly gzip?: boolean;
  /**
   * The account has two-factor authentication: `/v2/users/login` answers 401
   * with a `login_2fa_token`, as Hub does for a password of such an account.
   * @default false
   */
  readonly twoFactor?: boolean;
  /** The namespace has no exports at all: `/years` answers `{"years": null}`. @default false */
  readonly empty?: boolean;
  /**
   * Data rows in each file; the last file of an export holds between two
   * thirds and all of that (decided by the seed). @default 40 for raw, 15 for the others
   */
  readonly rowsPerFile?: number;
  /**
   * From the Nth week of the range on (1-based, oldest first), every view's
   * header gains a column `addedColumn`: raw has it at its documented place,
   * the other views at the end. Earlier weeks, and months that start before
   * that week's Monday, do not have it. @default no column added: raw always has `domain`
   */
  readonly addColumnFromWeek?: number;
  /** The column `addColumnFromWeek` adds. @default 'domain' */
  readonly addedColumn?: string;
}

/** DVP Data API options of {@link SimulatorOptions}. */
export interface DvpOptions {
  /** The publisher namespaces served. @default none: the DVP API answers 403 to every namespace */
  readonly namespaces?: readonly DvpNamespaceOptions[];
}

/** A namespace's options with every default filled in. */
export interface ResolvedDvpNamespace {
  readonly namespace: string;
  readonly username: string;
  readonly weeks: number;
  readonly lastWeekEnding: string | undefined;
  readonly months: number;
  readonly views: readonly DvpView[];
  /** `undefined`: the per-view default. */
  readonly filesPerExport: number | undefined;
  readonly gzip: boolean;
  readonly twoFactor: boolean;
  readonly empty: boolean;
  /** `undefined`: the per-view default. */
  readonly rowsPerFile: number | undefined;
  readonly addColumnFromWeek: number | undefined;
  readonly addedColumn: string;
}

/** A Hub account that reads one or more namespaces. */
export interface DvpUser {
  readonly username: string;
  readonly pat: string;
  readonly namespaces: readonly string[];
  readonly twoFactor: boolean;
}

export interface ResolvedDvpOptions {
  readonly namespaces: readonly ResolvedDvpNamespace[];
  /** By username. */
  readonly users: ReadonlyMap<string, DvpUser>;
}

/** Hub usernames: lowercase letters, digits, `-` and `_`. */
const USERNAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,38}$/;

const namespaceSchema = z
  .object({
    namespace: z.string().regex(SEGMENT_PATTERN, 'must match ^[a-z0-9][a-z0-9_-]*$'),
    username: z.string().regex(USERNAME_PATTERN, 'must be a Hub username (lowercase letters, digits, "-", "_")').optional(),
    weeks: z.number().int().min(0).max(520).optional(),
    lastWeekEnding: z.string().refine(isReportDate, 'must be a real YYYY-MM-DD date').optional(),
    months: z.number().int().min(0).max(120).optional(),
    views: z
      .array(z.enum(DVP_VIEWS))
      .min(1)
      .refine((views) => new Set(views).size === views.length, 'must not repeat a view')
      .optional(),
    filesPerExport: z.number().int().min(1).max(100).optional(),
    gzip: z.boolean().optional(),
    twoFactor: z.boolean().optional(),
    empty: z.boolean().optional(),
    rowsPerFile: z.number().int().min(0).max(10_000_000).optional(),
    addColumnFromWeek: z.number().int().min(1).optional(),
    addedColumn: z.string().min(1).regex(/^[^\r\n",]+$/, 'must be a plain header name').optional(),
  })
  .strict()
  .refine((ns) => ns.addColumnFromWeek === undefined || ns.addColumnFromWeek <= (ns.weeks ?? DEFAULT_DVP_WEEKS), {
    message: 'must name one of the weeks (1..weeks)',
    path: ['addColumnFromWeek'],
  });

export const dvpOptionsSchema = z
  .object({
    namespaces: z
      .array(namespaceSchema)
      .refine((list) => new Set(list.map((ns) => ns.namespace)).size === list.length, 'must not repeat a namespace')
      .optional(),
  })
  .strict();

/** Fills in the defaults of options {@link dvpOptionsSchema} accepted; a PAT per user, random per simulator. */
export function resolveDvpOptions(options: DvpOptions | undefined): ResolvedDvpOptions {
  const namespaces = (options?.namespaces ?? []).map(
    (ns): ResolvedDvpNamespace => ({
      namespace: ns.namespace,
      username: ns.username ?? `${ns.namespace}-bot`,
      weeks: ns.weeks ?? DEFAULT_DVP_WEEKS,
      lastWeekEnding: ns.lastWeekEnding,
      months: ns.months ?? DEFAULT_DVP_MONTHS,
      views: (ns.views as readonly DvpView[] | undefined) ?? DVP_VIEWS,
      filesPerExport: ns.filesPerExport,
      gzip: ns.gzip ?? true,
      twoFactor: ns.twoFactor ?? false,
      empty: ns.empty ?? false,
      rowsPerFile: ns.rowsPerFile,
      addColumnFromWeek: ns.addColumnFromWeek,
      addedColumn: ns.addedColumn ?? DEFAULT_ADDED_COLUMN,
    }),
  );
  const users = new Map<string, DvpUser>();
  for (const ns of namespaces) {
    const known = users.get(ns.username);
    users.set(ns.username, {
      username: ns.username,
      pat: known?.pat ?? fakePat(),
      namespaces: [...(known?.namespaces ?? []), ns.namespace],
      // One account: if any of its namespaces says 2FA, the account has it.
      twoFactor: (known?.twoFactor ?? false) || ns.twoFactor,
    });
  }
  return { namespaces, users };
}

/** Obviously not a Docker PAT (real ones are `dckr_pat_` and 27 base64url characters). */
function fakePat(): string {
  return `dckr_pat_sim_${randomBytes(12).toString('hex')}`;
}
