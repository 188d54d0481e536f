import { describe, expect, it } from 'vitest';
import {
  LAKE_TREES,
  leaseKey,
  MANIFEST_FILE,
  auditFileKey,
  auditPeriodFolder,
  auditScopeFolder,
  manifestKey,
  parsePeriodFileKey,
  parseTableDefinitionKey,
  queryObjectKey,
  queryPartitionFolder,
  queryScopeFolder,
  queryTableFolder,
  tableDefinitionKey,
} from '../../../shared/lake/layout.js';
import type { PeriodRef } from '../../../shared/sources/model.js';

const REF: PeriodRef = { source: 'enterprise', scope: 'acme', name: 'usage_pulls', cadence: 'daily', period: '2026-06-16' };
const DVP: PeriodRef = { source: 'dvp', scope: 'acmecorp', name: 'repo-summary', cadence: 'weekly', period: '2026-06-15' };

describe('Module: layout', () => {
  describe('Function: auditScopeFolder and auditPeriodFolder', () => {
    it('places an Enterprise report under enterprise/{type}/{cadence}/org={org}/date={date}/', () => {
      // Act
      const scope = auditScopeFolder(REF);
      const period = auditPeriodFolder(REF);

      // Assess
      expect(scope).toBe('enterprise/usage_pulls/daily/org=acme/');
      expect(period).toBe('enterprise/usage_pulls/daily/org=acme/date=2026-06-16/');
    });

    it('places a DVP export under dvp/{view}/{timespan}/namespace={ns}/period_start={date}/', () => {
      // Act
      const scope = auditScopeFolder(DVP);
      const period = auditPeriodFolder(DVP);

      // Assess
      expect(scope).toBe('dvp/repo-summary/weekly/namespace=acmecorp/');
      expect(period).toBe('dvp/repo-summary/weekly/namespace=acmecorp/period_start=2026-06-15/');
    });
  });

  describe('Function: auditFileKey and manifestKey', () => {
    it('names the Enterprise audit CSV {type}_{cadence}_{date}.csv and the manifest _manifest.json, side by side', () => {
      // Act
      const csv = auditFileKey(REF, 0);
      const manifest = manifestKey(REF);

      // Assess
      expect(csv).toBe('enterprise/usage_pulls/daily/org=acme/date=2026-06-16/usage_pulls_daily_2026-06-16.csv');
      expect(manifest).toBe('enterprise/usage_pulls/daily/org=acme/date=2026-06-16/_manifest.json');
    });

    it('names the DVP files part-{NNN}.csv, .csv.gz when served gzip, beside their manifest', () => {
      // Act
      const first = auditFileKey(DVP, 0);
      const second = auditFileKey(DVP, 1, true);
      const manifest = manifestKey(DVP);

      // Assess
      expect(first).toBe('dvp/repo-summary/weekly/namespace=acmecorp/period_start=2026-06-15/part-000.csv');
      expect(second).toBe('dvp/repo-summary/weekly/namespace=acmecorp/period_start=2026-06-15/part-001.csv.gz');
      expect(manifest).toBe('dvp/repo-summary/weekly/namespace=acmecorp/period_start=2026-06-15/_manifest.json');
    });

    it('keeps periods of different sources, scopes, datasets, cadences and dates apart', () => {
      // Prepare
      const others: PeriodRef[] = [
        { ...REF, scope: 'globex' },
        { ...REF, cadence: 'weekly' },
        { ...REF, period: '2026-06-15' },
        { ...REF, name: 'image_access' },
        { ...DVP, name: REF.name, cadence: REF.cadence, scope: REF.scope, period: REF.period },
      ];

      // Act
      const keys = new Set([REF, ...others].map((ref) => auditFileKey(ref, 0)));
      const manifests = new Set([REF, ...others].map(manifestKey));

      // Assess
      expect(keys.size).toBe(6);
      expect(manifests.size).toBe(6);
    });
  });

  describe('Function: queryTableFolder and tableDefinitionKey', () => {
    it('keeps one table per source, dataset and cadence under query/{source}/', () => {
      // Act
      const enterprise = queryTableFolder({ source: 'enterprise', name: 'usage_pulls', cadence: 'weekly' });
      const enterpriseDefinition = tableDefinitionKey({ source: 'enterprise', name: 'usage_pulls', cadence: 'weekly' });
      const dvp = queryTableFolder(DVP);
      const dvpDefinition = tableDefinitionKey(DVP);

      // Assess
      expect(enterprise).toBe('query/enterprise/usage_pulls/weekly/');
      expect(enterpriseDefinition).toBe('query/enterprise/usage_pulls/weekly/_table.json');
      expect(dvp).toBe('query/dvp/repo-summary/weekly/');
      expect(dvpDefinition).toBe('query/dvp/repo-summary/weekly/_table.json');
    });
  });

  describe('Function: queryScopeFolder and queryPartitionFolder', () => {
    it('partitions a table by scope and period, with the same path keys as the audit tree', () => {
      // Act
      const scope = queryScopeFolder(REF);
      const partition = queryPartitionFolder(REF);
      const dvpPartition = queryPartitionFolder(DVP);

      // Assess
      expect(scope).toBe('query/enterprise/usage_pulls/daily/org=acme/');
      expect(partition).toBe('query/enterprise/usage_pulls/daily/org=acme/date=2026-06-16/');
      expect(dvpPartition).toBe('query/dvp/repo-summary/weekly/namespace=acmecorp/period_start=2026-06-15/');
    });
  });

  describe('Function: queryObjectKey', () => {
    it('puts the query copy in its partition at {name}_{cadence}_{date}{extension}', () => {
      // Act
      const key = queryObjectKey(REF, '.parquet');
      const dvp = queryObjectKey(DVP, '.parquet');

      // Assess
      expect(key).toBe('query/enterprise/usage_pulls/daily/org=acme/date=2026-06-16/usage_pulls_daily_2026-06-16.parquet');
      expect(dvp).toBe('query/dvp/repo-summary/weekly/namespace=acmecorp/period_start=2026-06-15/repo-summary_weekly_2026-06-15.parquet');
    });

    it('gives a period the same key at every landing, so a re-landing replaces the one object', () => {
      // Act
      const first = queryObjectKey({ ...REF }, '.parquet');
      const second = queryObjectKey({ ...REF }, '.parquet');

      // Assess
      expect(first).toBe(second);
      expect(first.startsWith(queryPartitionFolder(REF))).toBe(true);
      expect(first.slice(queryPartitionFolder(REF).length)).not.toContain('/');
    });

    it('gives another format another key in the same partition', () => {
      // Act
      const parquet = queryObjectKey(REF, '.parquet');
      const json = queryObjectKey(REF, '.json.gz');

      // Assess
      expect(json).not.toBe(parquet);
      expect(json).toBe(`${queryPartitionFolder(REF)}usage_pulls_daily_2026-06-16.json.gz`);
    });
  });

  describe('Constant: LAKE_TREES', () => {
    it('names each source\'s audit tree, the query tree and the leases, nothing else', () => {
      // Assess
      expect(LAKE_TREES).toEqual(['enterprise', 'dvp', 'query', '_leases']);
    });

    it('holds every key of the lake under one of its trees', () => {
      // Prepare
      const keys = [REF, DVP].flatMap((ref) => [auditFileKey(ref, 0), manifestKey(ref), queryObjectKey(ref, '.parquet'), tableDefinitionKey(ref), leaseKey(ref)]);

      // Assess
      for (const key of keys) expect(LAKE_TREES.filter((tree) => key.startsWith(`${tree}/`)), key).toHaveLength(1);
    });
  });

  describe('Function: leaseKey', () => {
    it('names one lease object per period, outside the trees Athena and DuckDB read', () => {
      // Act
      const key = leaseKey(REF);

      // Assess
      expect(key).toBe(`_leases/${auditPeriodFolder(REF).slice(0, -1)}.json`);
      expect(key.startsWith('query/')).toBe(false);
    });
  });

  describe('Function: parsePeriodFileKey', () => {
    it('splits the keys below an Enterprise scope folder into period and file', () => {
      // Prepare
      const folder = auditScopeFolder(REF);

      // Act
      const csv = parsePeriodFileKey('enterprise', auditFileKey(REF, 0).slice(folder.length));
      const manifest = parsePeriodFileKey('enterprise', manifestKey(REF).slice(folder.length));
      const query = parsePeriodFileKey('enterprise', queryObjectKey(REF, '.parquet').slice(queryScopeFolder(REF).length));

      // Assess
      expect(csv).toEqual({ period: '2026-06-16', file: 'usage_pulls_daily_2026-06-16.csv' });
      expect(manifest).toEqual({ period: '2026-06-16', file: MANIFEST_FILE });
      expect(query).toEqual({ period: '2026-06-16', file: 'usage_pulls_daily_2026-06-16.parquet' });
    });

    it('splits the keys below a DVP scope folder by period_start', () => {
      // Act
      const parsed = parsePeriodFileKey('dvp', auditFileKey(DVP, 2, true).slice(auditScopeFolder(DVP).length));

      // Assess
      expect(parsed).toEqual({ period: '2026-06-15', file: 'part-002.csv.gz' });
    });

    it.each([
      ['enterprise', 'date=2026-06-16/'],
      ['enterprise', 'date=2026-06-16/sub/file.csv'],
      ['enterprise', 'date=2026-6-16/file.csv'],
      ['enterprise', 'other=2026-06-16/file.csv'],
      ['enterprise', 'period_start=2026-06-16/file.csv'],
      ['dvp', 'date=2026-06-16/part-000.csv'],
      ['enterprise', 'file.csv'],
      ['enterprise', ''],
    ] as const)('ignores a %s key %j', (source, key) => {
      // Act
      const parsed = parsePeriodFileKey(source, key);

      // Assess
      expect(parsed).toBeUndefined();
    });
  });

  describe('Function: parseTableDefinitionKey', () => {
    it('reads the dataset back from its table definition key, for both sources', () => {
      // Prepare
      const datasets = [
        { source: 'enterprise', name: 'usage_pulls', cadence: 'daily' },
        { source: 'dvp', name: 'repo-summary', cadence: 'monthly' },
      ] as const;

      // Act
      const parsed = datasets.map((dataset) => parseTableDefinitionKey(tableDefinitionKey(dataset)));

      // Assess
      expect(parsed).toEqual(datasets);
    });

    it.each([
      'query/enterprise/usage_pulls/daily/other.json',
      'query/enterprise/usage_pulls/_table.json',
      'query/enterprise/usage_pulls/daily/org=acme/_table.json',
      'query/other/usage_pulls/daily/_table.json',
      'enterprise/usage_pulls/daily/_table.json',
      'query/enterprise/Usage/daily/_table.json',
      'query/enterprise/../daily/_table.json',
    ])('ignores %j', (key) => {
      // Act
      const parsed = parseTableDefinitionKey(key);

      // Assess
      expect(parsed).toBeUndefined();
    });
  });
});
