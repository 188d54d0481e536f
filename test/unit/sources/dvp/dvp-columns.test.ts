import { describe, expect, it } from 'vitest';
import { headerNames, snakeCase } from '../../../../shared/sources/header-names.js';
import { dvpColumns, typeOfColumn } from '../../../../shared/sources/dvp/index.js';

describe('DVP columns from an export header', () => {
  it.each([
    ['Action Day', 'action_day'],
    ['actionDay', 'action_day'],
    ['HTTPMethod', 'http_method'],
    ['userIPsCount', 'user_ips_count'],
    ['User-Agent Tool', 'user_agent_tool'],
    ['  Unique IPs ', 'unique_ips'],
    ['pulls_by_tag', 'pulls_by_tag'],
    ['Größe', 'gr_e'],
  ])('names %j %s', (cell, name) => {
    expect(snakeCase(cell)).toBe(name);
  });

  it('numbers a repeated name _2, _3 and names an empty cell by its place', () => {
    // Act
    const names = headerNames(['Pulls', 'pulls', 'PULLS', '', 'pulls_2']);

    // Assess
    expect(names).toEqual(['pulls', 'pulls_2', 'pulls_3', 'column_4', 'pulls_2_2']);
  });

  it.each([
    ['timestamp', 'timestamp'],
    ['created_at', 'timestamp'],
    ['action_day', 'date'],
    ['date', 'date'],
    ['pulls', 'integer'],
    ['pulls_by_tag', 'integer'],
    ['unique_ips', 'integer'],
    ['version_checks', 'integer'],
    ['pull_count', 'integer'],
    ['unique_ip_count', 'integer'],
    ['pull_by_tag', 'integer'],
    ['pull_by_digest', 'integer'],
    ['version_check', 'integer'],
    ['pull_method', 'string'],
    ['ip_address', 'string'],
    ['host', 'string'],
    ['tag', 'string'],
    ['user_agent_tool', 'string'],
    ['country', 'string'],
    ['today_is_not_a_day_column', 'string'],
  ])('types %s as %s', (name, type) => {
    expect(typeOfColumn(name)).toBe(type);
  });

  it('describes each field with the header cell it comes from, in header order', () => {
    // Act
    const columns = dvpColumns(['Action Day', 'Repository', 'Pulls']);

    // Assess
    expect(columns.fields).toEqual([
      { name: 'action_day', type: 'date', description: '"Action Day" in Docker\'s export' },
      { name: 'repository', type: 'string', description: '"Repository" in Docker\'s export' },
      { name: 'pulls', type: 'integer', description: '"Pulls" in Docker\'s export' },
    ]);
  });
});
