import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decide, heldKeys, needsRebuild, readHolding, readHoldings, type Holding } from '../../../shared/lake/holdings.js';
import { auditFileKey, manifestKey, queryObjectKey, queryPartitionFolder } from '../../../shared/lake/layout.js';
import { FsSink } from '../../../shared/sinks/fs-sink.js';
import type { ListedPeriod, PeriodRef } from '../../../shared/sources/model.js';
import { tempDir } from '../../support/temp-dir.js';

const REF: PeriodRef = { source: 'enterprise', scope: 'acme', name: 'usage_pulls', cadence: 'daily', period: '2026-06-16' };
const DVP: PeriodRef = { source: 'dvp', scope: 'acmecorp', name: 'raw', cadence: 'weekly', period: '2026-06-15' };
const PARQUET = '.parquet';

/** A period as its source lists it, one file per size. */
const listed = (ref: PeriodRef, ...sizes: number[]): ListedPeriod => ({
  ref,
  files: sizes.map((sizeBytes, i) => ({ upstreamKey: `upstream-${i}.csv`, sizeBytes })),
});

/** What the lake holds of a period: its audit files of these sizes, its query objects, landed or not. */
const holding = (ref: PeriodRef, sizes: number[], query: string[] = [queryObjectKey(ref, PARQUET)], landed = true): Holding => ({
  landed,
  files: sizes.map((size, i) => ({ key: auditFileKey(ref, i), size })),
  query: query.map((key) => ({ key, size: 100 })),
});

describe('Function: decide', () => {
  it('lands a period the lake does not hold', () => {
    // Act
    const decision = decide(listed(REF, 54), undefined);

    // Assess
    expect(decision).toBe('land');
  });

  it('lands a period whose files are there but whose manifest is not (a run killed before the end)', () => {
    // Act
    const decision = decide(listed(REF, 54), holding(REF, [54], [], false));

    // Assess
    expect(decision).toBe('land');
  });

  it('skips a landed period whose file has the listed size', () => {
    // Act
    const decision = decide(listed(REF, 54), holding(REF, [54]));

    // Assess
    expect(decision).toBe('skip');
  });

  it('replaces a landed period whose file Docker now lists at another size', () => {
    // Act
    const decision = decide(listed(REF, 55), holding(REF, [54]));

    // Assess
    expect(decision).toBe('replace');
  });

  it('skips a landed export of several files of the listed sizes, whatever their order', () => {
    // Act
    const decision = decide(listed(DVP, 300, 100, 200), holding(DVP, [100, 200, 300]));

    // Assess
    expect(decision).toBe('skip');
  });

  it.each([
    ['a file more', [100, 200, 300, 50]],
    ['a file less', [100, 200]],
    ['one file of another size', [100, 200, 301]],
    ['the same total in other sizes', [150, 150, 300]],
  ])('replaces a landed export listed with %s', (_case, sizes) => {
    // Act
    const decision = decide(listed(DVP, ...sizes), holding(DVP, [100, 200, 300]));

    // Assess
    expect(decision).toBe('replace');
  });
});

describe('Function: needsRebuild', () => {
  it('rebuilds a landed period without a query copy', () => {
    // Act
    const rebuild = needsRebuild(REF, holding(REF, [54], []), PARQUET);

    // Assess
    expect(rebuild).toBe(true);
  });

  it('rebuilds a landed period whose partition holds a stray object beside its copy', () => {
    // Prepare
    const stray = `${queryPartitionFolder(REF)}part-20260617T080910Z.parquet`;

    // Act
    const rebuild = needsRebuild(REF, holding(REF, [54], [queryObjectKey(REF, PARQUET), stray]), PARQUET);

    // Assess
    expect(rebuild).toBe(true);
  });

  it('rebuilds a landed period whose copy is the first version\'s JSON, alone or beside the Parquet one', () => {
    // Prepare
    const json = `${queryPartitionFolder(REF)}part-20260617T080910Z.json.gz`;

    // Act
    const alone = needsRebuild(REF, holding(REF, [54], [json]), PARQUET);
    const beside = needsRebuild(REF, holding(REF, [54], [json, queryObjectKey(REF, PARQUET)]), PARQUET);

    // Assess
    expect(alone).toBe(true);
    expect(beside).toBe(true);
  });

  it('leaves a landed period alone whose partition holds exactly its copy at the fixed key', () => {
    // Act
    const rebuild = needsRebuild(REF, holding(REF, [54]), PARQUET);

    // Assess
    expect(rebuild).toBe(false);
  });

  it('leaves a period alone that is not landed: landing it makes its copy', () => {
    // Act
    const rebuild = needsRebuild(REF, holding(REF, [54], [], false), PARQUET);

    // Assess
    expect(rebuild).toBe(false);
  });

  it('rebuilds a copy at the key of another format', () => {
    // Act
    const rebuild = needsRebuild(REF, holding(REF, [54], [queryObjectKey(REF, '.json.gz')]), PARQUET);

    // Assess
    expect(rebuild).toBe(true);
  });
});

describe('Function: heldKeys', () => {
  it('names every audit file and query object, never the manifest', () => {
    // Prepare
    const held = holding(DVP, [100, 200]);

    // Act
    const keys = heldKeys(held);

    // Assess
    expect(keys).toEqual([auditFileKey(DVP, 0), auditFileKey(DVP, 1), queryObjectKey(DVP, PARQUET)]);
    expect(keys).not.toContain(manifestKey(DVP));
  });

  it('names nothing of a period the lake does not hold', () => {
    // Assess
    expect(heldKeys(undefined)).toEqual([]);
  });
});

describe('Function: readHoldings', () => {
  let lake: Awaited<ReturnType<typeof tempDir>>;
  let sink: FsSink;

  beforeEach(async () => {
    lake = await tempDir('holdings');
    sink = new FsSink(lake.path);
  });

  afterEach(async () => {
    await lake.remove();
  });

  const day = (period: string): PeriodRef => ({ ...REF, period });

  it('reads each period of a scope\'s dataset from the audit folder and the query partitions', async () => {
    // Prepare
    const landed = day('2026-06-16');
    const unfinished = day('2026-06-17');
    const copyless = day('2026-06-15');
    await sink.write(auditFileKey(landed, 0), 'a'.repeat(54));
    await sink.write(manifestKey(landed), '{}');
    await sink.write(queryObjectKey(landed, PARQUET), 'p'.repeat(12));
    await sink.write(auditFileKey(unfinished, 0), 'b'.repeat(7));
    await sink.write(auditFileKey(copyless, 0), 'c'.repeat(3));
    await sink.write(manifestKey(copyless), '{}');

    // Act
    const held = await readHoldings(sink, REF);

    // Assess
    expect([...held.keys()].sort()).toEqual(['2026-06-15', '2026-06-16', '2026-06-17']);
    expect(held.get('2026-06-16')).toEqual({
      landed: true,
      files: [{ key: auditFileKey(landed, 0), size: 54 }],
      query: [{ key: queryObjectKey(landed, PARQUET), size: 12 }],
    });
    expect(held.get('2026-06-17')).toEqual({ landed: false, files: [{ key: auditFileKey(unfinished, 0), size: 7 }], query: [] });
    expect(held.get('2026-06-15')).toEqual({ landed: true, files: [{ key: auditFileKey(copyless, 0), size: 3 }], query: [] });
  });

  it('feeds decide and needsRebuild what they need, from the files alone', async () => {
    // Prepare
    await sink.write(auditFileKey(REF, 0), 'a'.repeat(54));
    await sink.write(manifestKey(REF), '{}');
    await sink.write(queryObjectKey(REF, PARQUET), 'parquet');
    await sink.write(`${queryPartitionFolder(REF)}part-20260617T080910Z.json.gz`, 'json');

    // Act
    const held = (await readHoldings(sink, REF)).get(REF.period);

    // Assess
    expect(decide(listed(REF, 54), held)).toBe('skip');
    expect(decide(listed(REF, 55), held)).toBe('replace');
    expect(needsRebuild(REF, held!, PARQUET)).toBe(true);
  });

  it('lists an export\'s files in key order, every one of them', async () => {
    // Prepare
    await sink.write(auditFileKey(DVP, 1, true), 'x'.repeat(20));
    await sink.write(auditFileKey(DVP, 0, true), 'x'.repeat(10));
    await sink.write(auditFileKey(DVP, 2, true), 'x'.repeat(30));
    await sink.write(manifestKey(DVP), '{}');

    // Act
    const held = (await readHoldings(sink, DVP)).get(DVP.period);

    // Assess
    expect(held?.files).toEqual([
      { key: auditFileKey(DVP, 0, true), size: 10 },
      { key: auditFileKey(DVP, 1, true), size: 20 },
      { key: auditFileKey(DVP, 2, true), size: 30 },
    ]);
    expect(decide(listed(DVP, 30, 10, 20), held)).toBe('skip');
  });

  it('holds nothing of another scope, dataset or cadence, nor what is not a period\'s file', async () => {
    // Prepare
    await sink.write(auditFileKey({ ...REF, scope: 'globex' }, 0), 'x');
    await sink.write(auditFileKey({ ...REF, cadence: 'weekly' }, 0), 'x');
    await sink.write(auditFileKey({ ...REF, name: 'usage_pulls_v2' }, 0), 'x');
    await sink.write(`${queryPartitionFolder(REF)}nested/part.parquet`, 'x');
    await sink.write('enterprise/usage_pulls/daily/org=acme/notes.txt', 'x');

    // Act
    const held = await readHoldings(sink, REF);

    // Assess
    expect(held.size).toBe(0);
  });

  it('holds nothing in a lake that is still empty', async () => {
    // Act
    const held = await readHoldings(sink, DVP);

    // Assess
    expect(held.size).toBe(0);
  });

  it('reads one period alone when asked for it', async () => {
    // Prepare
    await sink.write(auditFileKey(day('2026-06-16'), 0), 'a');
    await sink.write(auditFileKey(day('2026-06-01'), 0), 'b');
    await sink.write(auditFileKey(day('2026-06-10'), 0), 'c');

    // Act
    const only = await readHoldings(sink, REF, '2026-06-01');
    const one = await readHolding(sink, day('2026-06-16'));
    const none = await readHolding(sink, day('2026-06-14'));

    // Assess
    expect([...only.keys()]).toEqual(['2026-06-01']);
    expect(one?.files.map((f) => f.size)).toEqual([1]);
    expect(none).toBeUndefined();
  });
});
