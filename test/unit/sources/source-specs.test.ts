import { describe, expect, it } from 'vitest';
import { SOURCE_IDS, type PeriodRef } from '../../../shared/sources/model.js';
import { SOURCE_SPECS, partitionColumns, specOf, tableName } from '../../../shared/sources/source-specs.js';

const ENTERPRISE: PeriodRef = { source: 'enterprise', scope: 'acme', name: 'usage_pulls', cadence: 'daily', period: '2026-06-16' };
const DVP: PeriodRef = { source: 'dvp', scope: 'acmecorp', name: 'repo-summary', cadence: 'weekly', period: '2026-06-15' };

describe('Constant: SOURCE_SPECS', () => {
  it('has one spec per source, each under its own id', () => {
    // Assess
    expect(Object.keys(SOURCE_SPECS).sort()).toEqual([...SOURCE_IDS].sort());
    for (const id of SOURCE_IDS) expect(specOf(id).id).toBe(id);
  });

  it('gives each source its own audit root and table prefix, so no two sources share a folder or a table', () => {
    // Prepare
    const specs = SOURCE_IDS.map(specOf);

    // Assess
    expect(new Set(specs.map((spec) => spec.root)).size).toBe(specs.length);
    expect(new Set(specs.map((spec) => spec.tablePrefix)).size).toBe(specs.length);
  });
});

describe('Function: tableName', () => {
  it.each([
    [{ source: 'enterprise', name: 'usage_pulls', cadence: 'daily' }, 'usage_pulls_daily'],
    [{ source: 'enterprise', name: 'image_access', cadence: 'weekly' }, 'image_access_weekly'],
    [{ source: 'dvp', name: 'raw', cadence: 'weekly' }, 'dvp_raw_weekly'],
    [{ source: 'dvp', name: 'repo-summary', cadence: 'monthly' }, 'dvp_repo_summary_monthly'],
    [{ source: 'dvp', name: 'namespace-tag-summary', cadence: 'weekly' }, 'dvp_namespace_tag_summary_weekly'],
  ] as const)('names the table of %j %s', (dataset, expected) => {
    // Act
    const name = tableName(dataset);

    // Assess
    expect(name).toBe(expected);
    expect(name).toMatch(/^[a-z_][a-z0-9_]*$/);
  });

  it('keeps the same dataset of the two sources apart', () => {
    // Act
    const enterprise = tableName({ source: 'enterprise', name: 'raw', cadence: 'weekly' });
    const dvp = tableName({ source: 'dvp', name: 'raw', cadence: 'weekly' });

    // Assess
    expect(enterprise).not.toBe(dvp);
  });
});

describe('Function: partitionColumns', () => {
  it('partitions Enterprise tables by org and report_date (date is reserved in Athena DDL)', () => {
    // Assess
    expect(partitionColumns('enterprise')).toEqual(['org', 'report_date']);
    expect(specOf('enterprise')).toMatchObject({ scopeKey: 'org', periodKey: 'date', periodColumn: 'report_date' });
  });

  it('partitions DVP tables by namespace and period_start, as its paths name them', () => {
    // Assess
    expect(partitionColumns('dvp')).toEqual(['namespace', 'period_start']);
    expect(specOf('dvp')).toMatchObject({ scopeKey: 'namespace', periodKey: 'period_start', periodColumn: 'period_start' });
  });
});

describe('Function: eventIdentity', () => {
  it('names an Enterprise period with the fields consumers already match on', () => {
    // Act
    const identity = specOf('enterprise').eventIdentity(ENTERPRISE);

    // Assess
    expect(identity).toEqual({ org: 'acme', report_type: 'usage_pulls', cadence: 'daily', date: '2026-06-16' });
  });

  it('names a DVP period in DVP\'s own words', () => {
    // Act
    const identity = specOf('dvp').eventIdentity(DVP);

    // Assess
    expect(identity).toEqual({ namespace: 'acmecorp', view: 'repo-summary', timespan: 'weekly', period_start: '2026-06-15' });
  });
});

describe('Function: auditFileName', () => {
  it('names the one Enterprise file as Docker\'s guide names its download', () => {
    // Act
    const name = specOf('enterprise').auditFileName(ENTERPRISE, 0, false);

    // Assess
    expect(name).toBe('usage_pulls_daily_2026-06-16.csv');
  });

  it.each([
    [0, false, 'part-000.csv'],
    [1, false, 'part-001.csv'],
    [0, true, 'part-000.csv.gz'],
    [12, true, 'part-012.csv.gz'],
    [999, false, 'part-999.csv'],
  ])('names DVP file %i (gzip: %s) %s', (index, gzip, expected) => {
    // Act
    const name = specOf('dvp').auditFileName(DVP, index, gzip);

    // Assess
    expect(name).toBe(expected);
  });

  it('names every file of a large export apart, in key order', () => {
    // Act
    const names = Array.from({ length: 120 }, (_, i) => specOf('dvp').auditFileName(DVP, i, true));

    // Assess
    expect(new Set(names).size).toBe(120);
    expect([...names].sort()).toEqual(names);
  });
});

describe('Property: words', () => {
  it('says what people call the parts of each source\'s datasets', () => {
    // Assess
    expect(specOf('enterprise').words).toEqual({ scope: 'org', name: 'type', cadence: 'cadence' });
    expect(specOf('dvp').words).toEqual({ scope: 'namespace', name: 'view', cadence: 'timespan' });
  });
});
