import * as z from 'zod';
import { reportDateSchema, segmentSchema } from '../names.js';

/**
 * Docker's payloads as its OpenAPI description defines them
 * (upstream/enterprise-data-api.yaml), checked at the boundary so a changed
 * or broken answer is a clear error naming the endpoint.
 */
export const reportTypeInfoSchema = z.object({
  ReportType: segmentSchema,
  Cadence: segmentSchema,
});
export type ReportTypeInfo = z.infer<typeof reportTypeInfoSchema>;

export const reportTypesResponseSchema = z.object({
  report_types: z.array(reportTypeInfoSchema),
});

export const reportSchema = z.object({
  ReportType: segmentSchema,
  Cadence: segmentSchema,
  Date: reportDateSchema,
  SizeBytes: z.number().int().nonnegative(),
  Key: z.string(),
});
export type Report = z.infer<typeof reportSchema>;

export const reportListResponseSchema = z.object({
  reports: z.array(reportSchema),
  next_page_token: z.string(),
});
export type ReportListResponse = z.infer<typeof reportListResponseSchema>;

export const schemaFieldSchema = z.object({
  name: z.string().min(1),
  type: z.string().min(1),
  description: z.string().default(''),
});
export type SchemaField = z.infer<typeof schemaFieldSchema>;

export const reportColumnsSchema = z.object({
  category: z.string(),
  fields: z.array(schemaFieldSchema).min(1),
});
/** The schema endpoint's answer: the ordered CSV columns of one report. */
export type ReportColumns = z.infer<typeof reportColumnsSchema>;

/** Docker's error envelope on every non-2xx answer. */
export const errorEnvelopeSchema = z.object({ error: z.string() });

/** Hub's token exchange answer. */
export const tokenResponseSchema = z.object({ access_token: z.string().min(1) });

/** The one report this engine speaks of: an org's report of a type, cadence and date. */
export interface ReportRef {
  readonly org: string;
  readonly type: string;
  readonly cadence: string;
  readonly date: string;
}

export function describeReport(ref: ReportRef): string {
  return `${ref.org}/${ref.type}/${ref.cadence}/${ref.date}`;
}
