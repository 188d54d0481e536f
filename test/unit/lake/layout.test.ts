import { describe, expect, it } from 'vitest';
import type { ReportRef } from '../../../shared/docker/payloads.js';
import {
  MANIFEST_FILE,
  csvKey,
  manifestKey,
  orgFolder,
  parseReportFileKey,
  queryCopyKey,
  queryTableFolder,
  reportFolder,
  tableDefinitionKey,
} from '../../../shared/lake/layout.js';

const REF: ReportRef = { org: 'acme', type: 'usage_pulls', cadence: 'daily', date: '2026-06-16' };

describe('Module: layout', () => {
  describe('Function: orgFolder and reportFolder', () => {
    it('places a report under enterprise/{type}/{cadence}/org={org}/date={date}/', () => {
      // Act
      const org = orgFolder(REF.type, REF.cadence, REF.org);
      const report = reportFolder(REF);

      // Assess
      expect(org).toBe('enterprise/usage_pulls/daily/org=acme/');
      expect(report).toBe('enterprise/usage_pulls/daily/org=acme/date=2026-06-16/');
    });
  });

  describe('Function: csvKey and manifestKey', () => {
    it('names the audit CSV {type}_{cadence}_{date}.csv and the manifest _manifest.json, side by side', () => {
      // Act
      const csv = csvKey(REF);
      const manifest = manifestKey(REF);

      // Assess
      expect(csv).toBe('enterprise/usage_pulls/daily/org=acme/date=2026-06-16/usage_pulls_daily_2026-06-16.csv');
      expect(manifest).toBe('enterprise/usage_pulls/daily/org=acme/date=2026-06-16/_manifest.json');
    });

    it('keeps reports of different orgs, cadences and dates apart', () => {
      // Prepare
      const others: ReportRef[] = [
        { ...REF, org: 'globex' },
        { ...REF, cadence: 'weekly' },
        { ...REF, date: '2026-06-15' },
        { ...REF, type: 'image_access' },
      ];

      // Act
      const keys = new Set([REF, ...others].map(csvKey));

      // Assess
      expect(keys.size).toBe(5);
    });
  });

  describe('Function: queryTableFolder and tableDefinitionKey', () => {
    it('keeps one table per type and cadence under query/enterprise/', () => {
      // Act
      const folder = queryTableFolder('usage_pulls', 'weekly');
      const definition = tableDefinitionKey('usage_pulls', 'weekly');

      // Assess
      expect(folder).toBe('query/enterprise/usage_pulls/weekly/');
      expect(definition).toBe('query/enterprise/usage_pulls/weekly/_table.json');
    });
  });

  describe('Function: queryCopyKey', () => {
    it('puts the query copy in its table folder, partitioned by org and date, stamped with the landing time', () => {
      // Act
      const key = queryCopyKey(REF, new Date('2026-06-17T08:09:10.123Z'));

      // Assess
      expect(key).toBe('query/enterprise/usage_pulls/daily/org=acme/date=2026-06-16/part-20260617T080910Z.json.gz');
    });

    it('gives two landings at different times different keys', () => {
      // Act
      const first = queryCopyKey(REF, new Date('2026-06-17T08:09:10Z'));
      const second = queryCopyKey(REF, new Date('2026-06-17T08:09:11Z'));

      // Assess
      expect(first).not.toBe(second);
      expect(first.startsWith(queryTableFolder(REF.type, REF.cadence))).toBe(true);
    });
  });

  describe('Function: parseReportFileKey', () => {
    it('splits the keys below the org folder into date and file', () => {
      // Prepare
      const folder = orgFolder(REF.type, REF.cadence, REF.org);

      // Act
      const csv = parseReportFileKey(csvKey(REF).slice(folder.length));
      const manifest = parseReportFileKey(manifestKey(REF).slice(folder.length));

      // Assess
      expect(csv).toEqual({ date: '2026-06-16', file: 'usage_pulls_daily_2026-06-16.csv' });
      expect(manifest).toEqual({ date: '2026-06-16', file: MANIFEST_FILE });
    });

    it.each([
      'date=2026-06-16/',
      'date=2026-06-16/sub/file.csv',
      'date=2026-6-16/file.csv',
      'other=2026-06-16/file.csv',
      'file.csv',
      '',
    ])('ignores %j', (key) => {
      // Act
      const parsed = parseReportFileKey(key);

      // Assess
      expect(parsed).toBeUndefined();
    });
  });
});
