import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manifestKey } from '../../../shared/lake/layout.js';
import { MANIFEST_VERSION, manifestText, type Manifest } from '../../../shared/lake/manifest.js';
import { periodsToRepseudonymize, pseudonymizationDiffers, pseudonymizedMarkerKey } from '../../../shared/lake/pseudonymized-copies.js';
import { FsSink } from '../../../shared/sinks/fs-sink.js';
import type { ScopedDataset } from '../../../shared/sources/model.js';
import { tempDir } from '../../support/temp-dir.js';

const DATASET: ScopedDataset = { source: 'enterprise', scope: 'acme', name: 'usage_pulls', cadence: 'daily' };

function manifest(period: string, pseudonymized?: string[], format: 'parquet' | 'json' = 'parquet'): Manifest {
  return {
    manifest_version: MANIFEST_VERSION,
    source: 'enterprise',
    scope: 'acme',
    dataset: 'usage_pulls',
    cadence: 'daily',
    period,
    files: [{ key: `enterprise/usage_pulls/daily/org=acme/date=${period}/x.csv`, upstream: { key: 'x.csv', size_bytes: 1 }, bytes: 1, sha256: '0'.repeat(64) }],
    schema: { fields: [] },
    query: {
      format,
      key: `query/x/${period}.parquet`,
      rows: 1,
      invalid_values: 0,
      columns: [
        { field: 'hub_username', column: 'hub_username', type: 'string' },
        { field: 'ip_address', column: 'ip_address', type: 'string' },
        { field: 'event_count', column: 'event_count', type: 'bigint' },
      ],
      ...(pseudonymized ? { pseudonymized } : {}),
    },
    fetched_at: '2026-06-17T00:00:00Z',
    tool: { name: 'docker-reports-lake', version: 'test' },
  };
}

describe('Function: pseudonymizationDiffers', () => {
  it.each<[string, string[] | undefined, string[], boolean]>([
    ['a copy without, a run without', undefined, [], false],
    ['a copy without, a run with', undefined, ['hub_username'], true],
    ['the same columns, given in another order', ['hub_username', 'ip_address'], ['ip_address', 'hub_username'], false],
    ['a column added', ['hub_username'], ['hub_username', 'ip_address'], true],
    ['a column dropped', ['hub_username', 'ip_address'], ['hub_username'], true],
    ['a name this period has no text column for', ['hub_username'], ['hub_username', 'client_ip', 'event_count'], false],
    ['a pseudonymised copy, a run without', ['hub_username'], [], true],
  ])('%s: %s', (_label, recorded, names, differs) => {
    expect(pseudonymizationDiffers(manifest('2026-06-16', recorded), names)).toBe(differs);
  });

  it('leaves an earlier format to the rebuild that replaces it anyway', () => {
    expect(pseudonymizationDiffers(manifest('2026-06-16', undefined, 'json'), ['hub_username'])).toBe(false);
  });
});

describe('Function: periodsToRepseudonymize', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let sink: FsSink;

  beforeEach(async () => {
    dir = await tempDir('pseudonymized-copies');
    sink = new FsSink(dir.path);
  });

  afterEach(async () => {
    await dir.remove();
  });

  const land = (period: string, pseudonymized?: string[]) =>
    sink.write(manifestKey({ ...DATASET, period }), manifestText(manifest(period, pseudonymized)));

  it('reads no manifest when the run pseudonymises nothing and no copy of the scope ever was', async () => {
    await sink.write(manifestKey({ ...DATASET, period: '2026-06-15' }), 'not even JSON');

    expect(await periodsToRepseudonymize(sink, DATASET, ['2026-06-15'], [])).toEqual(new Set());
    expect(await sink.read(pseudonymizedMarkerKey(DATASET))).toBeUndefined();
  });

  it('finds the copies written with other columns and marks the scope before anything is landed', async () => {
    await land('2026-06-14');
    await land('2026-06-15', ['hub_username']);
    await land('2026-06-16', ['hub_username', 'ip_address']);

    const stale = await periodsToRepseudonymize(sink, DATASET, ['2026-06-14', '2026-06-15', '2026-06-16', '2026-06-17'], ['ip_address', 'hub_username'], () => new Date('2026-06-17T00:00:00Z'));

    expect([...stale].sort()).toEqual(['2026-06-14', '2026-06-15']);
    expect(JSON.parse((await sink.read(pseudonymizedMarkerKey(DATASET)))!)).toEqual({ columns: ['hub_username', 'ip_address'], updated_at: '2026-06-17T00:00:00.000Z' });
    expect(pseudonymizedMarkerKey(DATASET)).toBe('query/enterprise/usage_pulls/daily/org=acme/_pseudonymized.json');
  });

  it('without pseudonymisation, finds the pseudonymised copies while the marker is there, and takes it away once none is left', async () => {
    await land('2026-06-15', ['hub_username']);
    await land('2026-06-16');
    await periodsToRepseudonymize(sink, DATASET, ['2026-06-15', '2026-06-16'], ['hub_username']);

    expect(await periodsToRepseudonymize(sink, DATASET, ['2026-06-15', '2026-06-16'], [])).toEqual(new Set(['2026-06-15']));
    expect(await sink.read(pseudonymizedMarkerKey(DATASET))).toBeDefined();

    await land('2026-06-15');
    expect(await periodsToRepseudonymize(sink, DATASET, ['2026-06-15', '2026-06-16'], [])).toEqual(new Set());
    expect(await sink.read(pseudonymizedMarkerKey(DATASET))).toBeUndefined();
  });
});
