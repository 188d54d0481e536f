import { describe, expect, it } from 'vitest';
import type { LakeType } from '../../../shared/lake/lake-types.js';
import { columnNameProblem, coversColumn, pseudonymizedColumns, pseudonymizeWarnings, type NamedTable } from '../../../shared/lake/pseudonymized-columns.js';

const col = (name: string, type: LakeType = 'string') => ({ name, type });

const TABLES: NamedTable[] = [
  { table: 'usage_pulls_daily', columns: [col('day', 'date'), col('hub_username'), col('ip_address'), col('user_agent'), col('event_count', 'bigint')] },
  { table: 'usage_pulls_weekly', columns: [col('unique_users', 'bigint'), col('unique_ips', 'bigint'), col('top_user_agent')] },
  { table: 'image_access_daily', columns: [col('actor'), col('client_ip'), col('duration_seconds', 'double')] },
];

describe('Function: coversColumn', () => {
  it.each([
    ['ip_address', 'ip_address', true],
    ['ip_address', 'ip_address_v2', true],
    ['ip_address', 'ip_address_2', true],
    ['ip', 'ip_address', false],
    ['user', 'user_agent', false],
    ['actor', 'actor_display_name', false],
    ['actor', 'actor_v', false],
  ])('%s covers %s: %s', (name, column, covered) => {
    expect(coversColumn(name, column)).toBe(covered);
  });
});

describe('Function: pseudonymizedColumns', () => {
  it('picks the text columns the names cover, in the columns\' order', () => {
    const columns = [col('actor'), col('client_ip_v2'), col('client_ip', 'bigint'), col('os'), col('actor_2')];

    expect(pseudonymizedColumns(columns, ['client_ip', 'actor'])).toEqual(['actor', 'client_ip_v2', 'actor_2']);
    expect(pseudonymizedColumns(columns, [])).toEqual([]);
  });
});

describe('Function: columnNameProblem', () => {
  it('takes table column names and suggests one for anything else', () => {
    expect(columnNameProblem('hub_username')).toBeUndefined();
    expect(columnNameProblem('_x1')).toBeUndefined();
    expect(columnNameProblem('Hub Username')).toMatch(/did you mean hub_username\?$/);
    expect(columnNameProblem('1st')).toMatch(/not starting with a digit\)$/);
  });
});

describe('Function: pseudonymizeWarnings', () => {
  it('says nothing when every name is a text column of some table', () => {
    expect(pseudonymizeWarnings(['hub_username', 'client_ip'], TABLES, '--pseudonymize')).toEqual([]);
  });

  it('names what no table has, with the text columns that look like it', () => {
    const warnings = pseudonymizeWarnings(['user', 'ip', 'hub_username'], TABLES, '--pseudonymize');

    expect(warnings).toEqual([
      '--pseudonymize names user, ip, which no table of this lake has: nothing is pseudonymised under those names. ' +
        'Columns with those names in them: client_ip, hub_username, ip_address, top_user_agent, user_agent.',
    ]);
  });

  it('says when a name covers only columns that are not text', () => {
    const warnings = pseudonymizeWarnings(['unique_users'], TABLES, 'query.pseudonymize');

    expect(warnings).toEqual([
      'query.pseudonymize names unique_users, which is not a text column (usage_pulls_weekly.unique_users (bigint)): only text can be pseudonymised, so it is left as it is.',
    ]);
  });

  it('cannot judge before the lake has a table', () => {
    expect(pseudonymizeWarnings(['anything'], [], '--pseudonymize')).toEqual([]);
  });
});
