import { describe, expect, it } from 'vitest';
import type { FieldColumn } from '../../../shared/lake/table-columns.js';
import { outputColumns } from '../../../shared/query/csv-columns.js';

const planned: FieldColumn[] = [
  { field: 'day', column: 'day', type: 'date' },
  { field: 'event_count', column: 'event_count_v2', type: 'bigint' },
];

describe('Function: outputColumns', () => {
  it('matches header cells to planned columns by name, in the header order, padded names included', () => {
    // Act
    const columns = outputColumns([' event_count ', 'day'], planned, ['org', 'report_date']);

    // Assess
    expect(columns).toEqual([
      { index: 0, name: 'event_count_v2', type: 'bigint' },
      { index: 1, name: 'day', type: 'date' },
    ]);
  });

  it('keeps unplanned cells as strings, numbers repeated names, and keeps off partition and planned names', () => {
    // Act
    const columns = outputColumns(['day', 'day', 'Report Date', 'event_count_v2', 'event_count'], planned, ['org', 'report_date']);

    // Assess
    expect(columns).toEqual([
      { index: 0, name: 'day', type: 'date' },
      { index: 1, name: 'day_2', type: 'string' },
      { index: 2, name: 'report_date_field', type: 'string' },
      { index: 3, name: 'event_count_v2_2', type: 'string' },
      { index: 4, name: 'event_count_v2', type: 'bigint' },
    ]);
  });
});
