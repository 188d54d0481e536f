import { describe, expect, it } from 'vitest';
import { GLUE_TYPES, glueTypeOfSchema, lakeTypeOfGlue } from '../../../shared/aws/glue-types.js';
import { LAKE_TYPES } from '../../../shared/lake/lake-types.js';

describe('Function: glueTypeOfSchema', () => {
  it.each([
    ['string', 'string'],
    ['integer', 'bigint'],
    ['float', 'double'],
    ['boolean', 'boolean'],
    ['date', 'date'],
    ['timestamp', 'timestamp'],
    ['INTEGER', 'bigint'],
    [' Float ', 'double'],
    ['datetime', 'timestamp'],
    ['decimal', 'double'],
  ])("maps Docker's %j to Glue's %j", (schemaType, glueType) => {
    // Act
    const mapped = glueTypeOfSchema(schemaType);

    // Assess
    expect(mapped).toBe(glueType);
  });

  it.each(['uuid', 'array', 'json', ''])('keeps an unknown type %j as a string rather than dropping the field', (schemaType) => {
    // Act
    const mapped = glueTypeOfSchema(schemaType);

    // Assess
    expect(mapped).toBe('string');
  });

  it('has a Glue type for every lake type, each one Athena DDL knows', () => {
    // Assess
    expect(Object.keys(GLUE_TYPES).sort()).toEqual([...LAKE_TYPES].sort());
    for (const type of Object.values(GLUE_TYPES)) expect(['string', 'bigint', 'double', 'boolean', 'date', 'timestamp']).toContain(type);
  });
});

describe('Function: lakeTypeOfGlue', () => {
  it.each([
    ['bigint', 'bigint'],
    ['int', 'bigint'],
    ['smallint', 'bigint'],
    ['double', 'double'],
    ['float', 'double'],
    ['decimal(10,2)', 'double'],
    ['varchar(64)', 'string'],
    ['TIMESTAMP', 'timestamp'],
    ['array<string>', 'string'],
    [undefined, 'string'],
  ])("reads Glue's %j back as the lake type %j", (glueType, lakeType) => {
    // Act
    const mapped = lakeTypeOfGlue(glueType);

    // Assess
    expect(mapped).toBe(lakeType);
  });

  it('round-trips every lake type', () => {
    // Assess
    for (const type of LAKE_TYPES) expect(lakeTypeOfGlue(GLUE_TYPES[type])).toBe(type);
  });
});
