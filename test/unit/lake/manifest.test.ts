import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { MANIFEST_VERSION, manifestBytes, manifestText, parseManifest, periodOfManifest, type Manifest } from '../../../shared/lake/manifest.js';

const manifest: Manifest = {
  manifest_version: MANIFEST_VERSION,
  source: 'dvp',
  scope: 'acmecorp',
  dataset: 'repo-summary',
  cadence: 'weekly',
  period: '2026-06-15',
  files: [
    {
      key: 'dvp/repo-summary/weekly/namespace=acmecorp/period_start=2026-06-15/part-000.csv.gz',
      upstream: { key: 'repo-summary-weekly-2026-06-15-000.csv.gz', size_bytes: 540 },
      bytes: 540,
      sha256: 'a'.repeat(64),
    },
    {
      key: 'dvp/repo-summary/weekly/namespace=acmecorp/period_start=2026-06-15/part-001.csv.gz',
      upstream: { key: 'repo-summary-weekly-2026-06-15-001.csv.gz', size_bytes: 120 },
      bytes: 120,
      sha256: 'b'.repeat(64),
    },
  ],
  schema: {
    fields: [
      { name: 'period_start', type: 'date', description: '' },
      { name: 'pull_count', type: 'integer', description: 'Pulls in the period' },
    ],
  },
  query: {
    format: 'parquet',
    key: 'query/dvp/repo-summary/weekly/namespace=acmecorp/period_start=2026-06-15/repo-summary_weekly_2026-06-15.parquet',
    rows: 2,
    invalid_values: 0,
    columns: [
      { field: 'period_start', column: 'period_start_field', type: 'date' },
      { field: 'pull_count', column: 'pull_count', type: 'bigint' },
    ],
  },
  fetched_at: '2026-06-17T08:09:10.123Z',
  tool: { name: 'docker-reports-lake', version: '0.2.0' },
};

/** A manifest as tool 0.1.0 wrote it (git show 4c449d9:shared/lake/manifest.ts). */
const VERSION_1 = {
  manifest_version: 1,
  org: 'acme',
  report_type: 'usage_pulls',
  cadence: 'daily',
  date: '2026-06-16',
  upstream: { key: 'acme/usage_pulls/daily/2026-06-16.csv', size_bytes: 54 },
  bytes: 54,
  sha256: 'c'.repeat(64),
  schema: {
    category: 'usage_pulls',
    fields: [
      { name: 'day', type: 'date', description: 'UTC day' },
      { name: 'event_count', type: 'integer', description: '' },
    ],
  },
  files: {
    csv: 'enterprise/usage_pulls/daily/org=acme/date=2026-06-16/usage_pulls_daily_2026-06-16.csv',
    query: 'query/enterprise/usage_pulls/daily/org=acme/date=2026-06-16/part-20260617T080910Z.json.gz',
  },
  query: {
    rows: 1,
    invalid_values: 0,
    columns: [
      { field: 'day', column: 'day', type: 'date' },
      { field: 'event_count', column: 'event_count', type: 'bigint' },
    ],
  },
  fetched_at: '2026-06-17T08:09:10.123Z',
  tool: { name: 'docker-reports-lake', version: '0.1.0' },
};

const text = (value: unknown) => JSON.stringify(value, null, 2);

describe('Function: parseManifest', () => {
  describe('version 2', () => {
    it('reads back a manifest as manifestText wrote it', () => {
      // Act
      const written = manifestText(manifest);
      const parsed = parseManifest(written);

      // Assess
      expect(parsed).toEqual(manifest);
      expect(written.endsWith('}\n')).toBe(true);
    });

    it('keeps the schema category of an Enterprise manifest', () => {
      // Prepare
      const enterprise = { ...manifest, source: 'enterprise', schema: { category: 'usage_pulls', fields: manifest.schema.fields } };

      // Act
      const parsed = parseManifest(text(enterprise));

      // Assess
      expect(parsed.schema.category).toBe('usage_pulls');
    });

    it('fills a schema field description left out', () => {
      // Prepare
      const withoutDescription = { ...manifest, schema: { fields: [{ name: 'day', type: 'date' }] } };

      // Act
      const parsed = parseManifest(text(withoutDescription));

      // Assess
      expect(parsed.schema.fields).toEqual([{ name: 'day', type: 'date', description: '' }]);
    });
  });

  describe('version 1', () => {
    it('reads a manifest of the first version as version 2, its query copy as JSON for the next sync to rebuild', () => {
      // Act
      const parsed = parseManifest(text(VERSION_1));

      // Assess
      expect(parsed).toEqual({
        manifest_version: 2,
        source: 'enterprise',
        scope: 'acme',
        dataset: 'usage_pulls',
        cadence: 'daily',
        period: '2026-06-16',
        files: [
          {
            key: 'enterprise/usage_pulls/daily/org=acme/date=2026-06-16/usage_pulls_daily_2026-06-16.csv',
            upstream: { key: 'acme/usage_pulls/daily/2026-06-16.csv', size_bytes: 54 },
            bytes: 54,
            sha256: 'c'.repeat(64),
          },
        ],
        schema: VERSION_1.schema,
        query: {
          format: 'json',
          key: 'query/enterprise/usage_pulls/daily/org=acme/date=2026-06-16/part-20260617T080910Z.json.gz',
          rows: 1,
          invalid_values: 0,
          columns: VERSION_1.query.columns,
        },
        fetched_at: '2026-06-17T08:09:10.123Z',
        tool: { name: 'docker-reports-lake', version: '0.1.0' },
      });
    });

    it('reads back as version 2 once written again', () => {
      // Act
      const upgraded = parseManifest(text(VERSION_1));
      const again = parseManifest(manifestText(upgraded));

      // Assess
      expect(again).toEqual(upgraded);
      expect(again.manifest_version).toBe(MANIFEST_VERSION);
    });
  });

  it.each([
    ['another manifest_version', { ...manifest, manifest_version: 3 }],
    ['no manifest_version', { ...manifest, manifest_version: undefined }],
    ['an unknown source', { ...manifest, source: 'hub' }],
    ['an upper-case sha256', { ...manifest, files: [{ ...manifest.files[0]!, sha256: 'A'.repeat(64) }] }],
    ['a short sha256', { ...manifest, files: [{ ...manifest.files[0]!, sha256: 'a'.repeat(63) }] }],
    ['fractional bytes', { ...manifest, files: [{ ...manifest.files[0]!, bytes: 54.5 }] }],
    ['a file without its listed size', { ...manifest, files: [{ ...manifest.files[0]!, upstream: { key: 'x.csv' } }] }],
    ['no files', { ...manifest, files: [] }],
    ['files as version 1 named them', { ...manifest, files: VERSION_1.files }],
    ['an unknown query format', { ...manifest, query: { ...manifest.query, format: 'orc' } }],
    ['a query copy without its key', { ...manifest, query: { ...manifest.query, key: undefined } }],
    ['a column of an unknown type', { ...manifest, query: { ...manifest.query, columns: [{ field: 'x', column: 'x', type: 'varchar' }] } }],
    ['a version 1 manifest without its sha256', { ...VERSION_1, sha256: undefined }],
    ['a version 1 manifest without its schema category', { ...VERSION_1, schema: { fields: VERSION_1.schema.fields } }],
    ['a version 1 manifest with version 2 files', { ...VERSION_1, files: manifest.files }],
  ])('refuses a manifest with %s', (_case, value) => {
    // Act
    const parse = () => parseManifest(text(value));

    // Assess
    expect(parse).toThrow(ZodError);
  });

  it.each([['null'], ['[]'], ['"manifest"']])('refuses %s, which is no manifest at all', (json) => {
    // Act
    const parse = () => parseManifest(json);

    // Assess
    expect(parse).toThrow(ZodError);
  });

  it('refuses text that is not JSON', () => {
    // Act
    const parse = () => parseManifest('{"manifest_version": 2,');

    // Assess
    expect(parse).toThrow(SyntaxError);
  });
});

describe('Function: periodOfManifest', () => {
  it('names the period the manifest describes', () => {
    // Act
    const ref = periodOfManifest(manifest);

    // Assess
    expect(ref).toEqual({ source: 'dvp', scope: 'acmecorp', name: 'repo-summary', cadence: 'weekly', period: '2026-06-15' });
  });
});

describe('Function: manifestBytes', () => {
  it('adds up the bytes of every file of the period', () => {
    // Act
    const bytes = manifestBytes(manifest);

    // Assess
    expect(bytes).toBe(660);
  });
});
