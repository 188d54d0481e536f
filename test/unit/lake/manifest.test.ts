import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { MANIFEST_VERSION, parseManifest, type Manifest } from '../../../shared/lake/manifest.js';

const manifest: Manifest = {
  manifest_version: MANIFEST_VERSION,
  org: 'acme',
  report_type: 'usage_pulls',
  cadence: 'daily',
  date: '2026-06-16',
  upstream: { key: 'acme/usage_pulls/daily/2026-06-16.csv', size_bytes: 54 },
  bytes: 54,
  sha256: 'a'.repeat(64),
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
  it('reads back a manifest as written', () => {
    // Act
    const parsed = parseManifest(text(manifest));

    // Assess
    expect(parsed).toEqual(manifest);
  });

  it('fills a schema field description left out', () => {
    // Prepare
    const withoutDescription = { ...manifest, schema: { category: 'usage_pulls', fields: [{ name: 'day', type: 'date' }] } };

    // Act
    const parsed = parseManifest(text(withoutDescription));

    // Assess
    expect(parsed.schema.fields).toEqual([{ name: 'day', type: 'date', description: '' }]);
  });

  it.each([
    ['another manifest_version', { ...manifest, manifest_version: 2 }],
    ['an upper-case sha256', { ...manifest, sha256: 'A'.repeat(64) }],
    ['a short sha256', { ...manifest, sha256: 'a'.repeat(63) }],
    ['fractional bytes', { ...manifest, bytes: 54.5 }],
    ['a column of an unknown type', { ...manifest, query: { ...manifest.query, columns: [{ field: 'x', column: 'x', type: 'varchar' }] } }],
    ['a schema without fields', { ...manifest, schema: { category: 'usage_pulls', fields: [] } }],
    ['no files', { ...manifest, files: undefined }],
  ])('refuses a manifest with %s', (_case, value) => {
    // Act
    const parse = () => parseManifest(text(value));

    // Assess
    expect(parse).toThrow(ZodError);
  });

  it('refuses text that is not JSON', () => {
    // Act
    const parse = () => parseManifest('{"manifest_version": 1,');

    // Assess
    expect(parse).toThrow(SyntaxError);
  });
});
