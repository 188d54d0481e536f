import { describe, expect, it } from 'vitest';
import { DUCKDB_TYPES, LAKE_TYPES, lakeTypeOf } from '../../../shared/lake/lake-types.js';

describe('Function: lakeTypeOf', () => {
  it.each([
    ['string', 'string'],
    ['integer', 'bigint'],
    ['float', 'double'],
    ['boolean', 'boolean'],
    ['date', 'date'],
    ['timestamp', 'timestamp'],
  ])('maps Docker type %s to %s', (schemaType, expected) => {
    // Act
    const type = lakeTypeOf(schemaType);

    // Assess
    expect(type).toBe(expected);
  });

  it.each([
    ['text', 'string'],
    ['int', 'bigint'],
    ['long', 'bigint'],
    ['bigint', 'bigint'],
    ['double', 'double'],
    ['number', 'double'],
    ['decimal', 'double'],
    ['bool', 'boolean'],
    ['datetime', 'timestamp'],
  ])('maps the alias %s to %s', (schemaType, expected) => {
    // Act
    const type = lakeTypeOf(schemaType);

    // Assess
    expect(type).toBe(expected);
  });

  it.each([' Integer ', 'TIMESTAMP', 'Float'])('ignores case and spaces around %j', (schemaType) => {
    // Act
    const type = lakeTypeOf(schemaType);

    // Assess
    expect(type).toBe(lakeTypeOf(schemaType.trim().toLowerCase()));
    expect(type).not.toBe('string');
  });

  it.each(['uuid', 'ip_address', 'array<string>', 'interval', '', 'toString', 'hasOwnProperty'])('keeps the unknown type %j as a string', (schemaType) => {
    // Act
    const type = lakeTypeOf(schemaType);

    // Assess
    expect(type).toBe('string');
  });

  it.each(['constructor', '__proto__', ' Constructor '])(
    'keeps the unknown type %j, an Object.prototype name, as a string',
    (schemaType) => {
      // Act
      const type = lakeTypeOf(schemaType);

      // Assess
      expect(type).toBe('string');
    },
  );

  it('only ever answers one of LAKE_TYPES for the documented and alias names', () => {
    // Prepare
    const names = ['string', 'text', 'integer', 'int', 'long', 'bigint', 'float', 'double', 'number', 'decimal', 'boolean', 'bool', 'date', 'timestamp', 'datetime', 'other'];

    // Act
    const types = new Set(names.map(lakeTypeOf));

    // Assess
    expect([...types].every((type) => (LAKE_TYPES as readonly string[]).includes(type))).toBe(true);
    expect(types.size).toBe(LAKE_TYPES.length);
  });
});

describe('Constant: DUCKDB_TYPES', () => {
  it('spells every lake type for DuckDB', () => {
    // Act
    const spelled = LAKE_TYPES.map((type) => DUCKDB_TYPES[type]);

    // Assess
    expect(spelled).toEqual(['VARCHAR', 'BIGINT', 'DOUBLE', 'BOOLEAN', 'DATE', 'TIMESTAMP']);
  });
});
