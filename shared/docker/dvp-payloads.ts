import * as z from 'zod';
import { segmentSchema } from '../names.js';

/**
 * The DVP Data API's payloads as Docker's OpenAPI description (docker/docs
 * `content/reference/api/dvp/latest.yaml`) and its rendered page define them,
 * checked at the boundary. The live API answers `null` for some lists; a
 * `null` (or missing) list is read as an empty one, never an error.
 */
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((items): z.infer<T>[] => items ?? []);

/** `GET /namespaces/{ns}`: what the namespace offers. Views become lake paths and table names: segments only. */
export const dvpNamespaceSchema = z.object({
  namespace: z.string(),
  extraRepos: list(z.string()),
  datasets: list(
    z.object({
      name: z.string(),
      views: list(segmentSchema),
      timespans: list(z.string()),
    }),
  ),
});
export type DvpNamespace = z.infer<typeof dvpNamespaceSchema>;

/** `GET .../pulls/exports/years`. */
export const dvpYearsSchema = z.object({ years: list(z.object({ year: z.number().int().min(1970).max(9999) })) });

/** `GET .../years/{year}/weeks`: ISO 8601 week numbers. */
export const dvpWeeksSchema = z.object({ weeks: list(z.object({ week: z.number().int().min(1).max(53) })) });

/** `GET .../years/{year}/months`. */
export const dvpMonthsSchema = z.object({ months: list(z.object({ month: z.number().int().min(1).max(12) })) });

/** `GET .../years/{year}/{timespan}/{n}/{view}`: the export's files, each a signed URL and its size. */
export const dvpExportFilesSchema = z.object({
  data: list(z.object({ url: z.string().min(1), size: z.number().int().nonnegative() })),
});
export type DvpExportFile = z.infer<typeof dvpExportFilesSchema>['data'][number];

/** `POST {hub}/v2/users/login` answered 200. */
export const hubLoginSchema = z.object({ token: z.string().min(1) });

/** `POST {hub}/v2/users/login` answered 401: with `login_2fa_token` the account wants a second factor. */
export const hubLoginRefusalSchema = z.object({
  detail: z.string().optional(),
  login_2fa_token: z.string().optional(),
});

/** The timespans of the DVP API, as its paths spell them. */
export const DVP_TIMESPANS = ['weeks', 'months'] as const;
export type DvpTimespan = (typeof DVP_TIMESPANS)[number];

export function isDvpTimespan(value: string): value is DvpTimespan {
  return (DVP_TIMESPANS as readonly string[]).includes(value);
}
