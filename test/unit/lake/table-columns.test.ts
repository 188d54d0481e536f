import { describe, expect, it } from 'vitest';
import { columnName, planColumns, type TableColumn } from '../../../shared/lake/table-columns.js';
import type { SourceField } from '../../../shared/sources/source.js';
import { partitionColumns } from '../../../shared/sources/source-specs.js';

const field = (name: string, type: string, description = ''): SourceField => ({ name, type, description });

/** The Enterprise tables' partition columns: `org`, `report_date`. */
const RESERVED = partitionColumns('enterprise');

const JUNE_16 = [field('day', 'date'), field('hub_username', 'string'), field('event_count', 'integer')];
const TABLE: TableColumn[] = [
  { name: 'day', type: 'date' },
  { name: 'hub_username', type: 'string' },
  { name: 'event_count', type: 'bigint' },
];

describe('Function: planColumns', () => {
  it('adds every field of a new table, in the schema order, typed for the lake', () => {
    // Act
    const plan = planColumns([], JUNE_16, RESERVED);

    // Assess
    expect(plan.added).toEqual(TABLE);
    expect(plan.fields).toEqual([
      { field: 'day', column: 'day', type: 'date' },
      { field: 'hub_username', column: 'hub_username', type: 'string' },
      { field: 'event_count', column: 'event_count', type: 'bigint' },
    ]);
    expect(plan.retyped).toEqual([]);
  });

  it('adds nothing when the schema matches the table', () => {
    // Act
    const plan = planColumns(TABLE, JUNE_16, RESERVED);

    // Assess
    expect(plan.added).toEqual([]);
    expect(plan.retyped).toEqual([]);
    expect(plan.fields.map((f) => f.column)).toEqual(['day', 'hub_username', 'event_count']);
  });

  it('adds only the new column when a field is added', () => {
    // Prepare
    const fields = [...JUNE_16.slice(0, 2), field('ip_address', 'string'), JUNE_16[2]!];

    // Act
    const plan = planColumns(TABLE, fields, RESERVED);

    // Assess
    expect(plan.added).toEqual([{ name: 'ip_address', type: 'string' }]);
    expect(plan.fields.map((f) => f.column)).toEqual(['day', 'hub_username', 'ip_address', 'event_count']);
    expect(plan.retyped).toEqual([]);
  });

  it('keeps the column of a removed field: nothing is added and nothing dropped', () => {
    // Prepare
    const fields = [JUNE_16[0]!, JUNE_16[2]!];

    // Act
    const plan = planColumns(TABLE, fields, RESERVED);

    // Assess
    expect(plan.added).toEqual([]);
    expect(plan.fields.map((f) => f.column)).toEqual(['day', 'event_count']);
    expect(Object.keys(plan).sort()).toEqual(['added', 'fields', 'retyped']);
  });

  it('lands a retyped field in {name}_v2 and keeps the old column', () => {
    // Prepare
    const fields = [JUNE_16[0]!, JUNE_16[1]!, field('event_count', 'string')];

    // Act
    const plan = planColumns(TABLE, fields, RESERVED);

    // Assess
    expect(plan.added).toEqual([{ name: 'event_count_v2', type: 'string' }]);
    expect(plan.fields[2]).toEqual({ field: 'event_count', column: 'event_count_v2', type: 'string' });
    expect(plan.retyped).toEqual([{ field: 'event_count', from: 'bigint', to: 'string', column: 'event_count_v2' }]);
  });

  it('lands a field retyped a second time in {name}_v3', () => {
    // Prepare
    const table = [...TABLE, { name: 'event_count_v2', type: 'string' } as const];
    const fields = [field('event_count', 'float')];

    // Act
    const plan = planColumns(table, fields, RESERVED);

    // Assess
    expect(plan.added).toEqual([{ name: 'event_count_v3', type: 'double' }]);
    expect(plan.fields).toEqual([{ field: 'event_count', column: 'event_count_v3', type: 'double' }]);
    expect(plan.retyped).toEqual([expect.objectContaining({ field: 'event_count', to: 'double', column: 'event_count_v3' })]);
  });

  it('keeps landing a retyped field in its versioned column once it exists', () => {
    // Prepare
    const table = [...TABLE, { name: 'event_count_v2', type: 'string' } as const];

    // Act
    const plan = planColumns(table, [field('event_count', 'string')], RESERVED);

    // Assess
    expect(plan.added).toEqual([]);
    expect(plan.retyped).toEqual([]);
    expect(plan.fields).toEqual([{ field: 'event_count', column: 'event_count_v2', type: 'string' }]);
  });

  it.each([...partitionColumns('enterprise'), ...partitionColumns('dvp')].map((name) => [name]))('renames a field called %s, a partition column', (name) => {
    // Prepare
    const reserved = ['org', 'report_date', 'namespace', 'period_start'];

    // Act
    const plan = planColumns([], [field(name, 'string')], reserved);

    // Assess
    expect(plan.fields).toEqual([{ field: name, column: `${name}_field`, type: 'string' }]);
    expect(plan.added).toEqual([{ name: `${name}_field`, type: 'string' }]);
  });

  it('reserves only the partition columns it is given: a DVP table may have an org column', () => {
    // Act
    const dvp = planColumns([], [field('org', 'string'), field('period_start', 'date')], partitionColumns('dvp'));
    const enterprise = planColumns([], [field('namespace', 'string'), field('report_date', 'date')], partitionColumns('enterprise'));

    // Assess
    expect(dvp.fields.map((f) => f.column)).toEqual(['org', 'period_start_field']);
    expect(enterprise.fields.map((f) => f.column)).toEqual(['namespace', 'report_date_field']);
  });

  it('gives an added column the field\'s description, trimmed, and none when it is blank', () => {
    // Prepare
    const fields = [field('day', 'date', '  The UTC day of the pull '), field('hub_username', 'string', '   '), field('event_count', 'integer', 'Pulls')];

    // Act
    const plan = planColumns([], fields, RESERVED);

    // Assess
    expect(plan.added).toEqual([
      { name: 'day', type: 'date', description: 'The UTC day of the pull' },
      { name: 'hub_username', type: 'string' },
      { name: 'event_count', type: 'bigint', description: 'Pulls' },
    ]);
  });

  it('leaves the description of an existing column as it is', () => {
    // Prepare
    const table: TableColumn[] = [{ name: 'day', type: 'date', description: 'Day' }];

    // Act
    const plan = planColumns(table, [field('day', 'date', 'Another description'), field('event_count', 'integer', 'Pulls')], RESERVED);

    // Assess
    expect(plan.added).toEqual([{ name: 'event_count', type: 'bigint', description: 'Pulls' }]);
    expect(plan.fields[0]).toEqual({ field: 'day', column: 'day', type: 'date' });
  });

  it('gives two fields that normalise alike two columns', () => {
    // Act
    const plan = planColumns([], [field('Event Count', 'integer'), field('event_count', 'integer')], RESERVED);

    // Assess
    expect(plan.fields.map((f) => f.column)).toEqual(['event_count', 'event_count_v2']);
    expect(plan.added).toHaveLength(2);
  });

  it('never plans a column of a partition name, whatever the fields', () => {
    // Prepare
    const fields = ['org', 'report_date', 'ORG', ' report date ', 'Org'].map((name) => field(name, 'string'));

    // Act
    const plan = planColumns([], fields, RESERVED);

    // Assess
    const columns = plan.fields.map((f) => f.column);
    expect(columns).not.toContain('org');
    expect(columns).not.toContain('report_date');
    expect(new Set(columns).size).toBe(fields.length);
  });
});

describe('Function: columnName', () => {
  it.each([
    ['event_count', 'event_count'],
    ['Event Count', 'event_count'],
    ['  day  ', 'day'],
    ['Pull-Count (total)', 'pull_count_total_'],
    ['user.agent', 'user_agent'],
    ['2fa_enabled', '_2fa_enabled'],
    ['Größe', 'gr_e'],
    ['org', 'org_field'],
    ['Report_Date', 'report_date_field'],
    ['organisation', 'organisation'],
  ])('turns %j into %j', (name, expected) => {
    // Act
    const column = columnName(name, RESERVED);

    // Assess
    expect(column).toBe(expected);
    expect(column).toMatch(/^[a-z_][a-z0-9_]*$/);
  });

  it.each([
    ['namespace', 'namespace_field'],
    ['Period Start', 'period_start_field'],
    ['org', 'org'],
    ['report_date', 'report_date'],
  ])('turns %j into %j for a DVP table', (name, expected) => {
    // Act
    const column = columnName(name, partitionColumns('dvp'));

    // Assess
    expect(column).toBe(expected);
  });

  it('reserves nothing when given no partition columns', () => {
    // Act
    const column = columnName('org', []);

    // Assess
    expect(column).toBe('org');
  });
});
