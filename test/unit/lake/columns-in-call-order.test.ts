import { describe, expect, it } from 'vitest';
import { reserveColumnTurn } from '../../../shared/lake/columns-in-call-order.js';
import type { TableCatalog } from '../../../shared/lake/table-catalog.js';
import type { ColumnPlan } from '../../../shared/lake/table-columns.js';
import type { SourceField } from '../../../shared/sources/index.js';

const DATASET = { source: 'enterprise', name: 'usage_pulls', cadence: 'daily' } as const;
const field = (name: string): SourceField => ({ name, type: 'string', description: '' });

/** A catalog that records the order it is asked in (the real one writes `_table.json`; the order is what is tested here). */
function recordingCatalog(): TableCatalog & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async columnsFor(_dataset, fields) {
      asked.push(fields.map((f) => f.name).join(','));
      return { fields: [], added: [], retyped: [] } as unknown as ColumnPlan;
    },
  };
}

describe('Function: reserveColumnTurn', () => {
  it('asks the catalog in the order the turns were taken, whatever order their fields arrive in', async () => {
    // Prepare
    const catalog = recordingCatalog();
    const first = reserveColumnTurn(catalog, DATASET);
    const second = reserveColumnTurn(catalog, DATASET);

    // Act: the second landing's fields are ready first.
    const late = second.plan(Promise.resolve([field('new')]));
    const early = first.plan(new Promise((resolve) => setTimeout(() => resolve([field('old')]), 20)));
    await Promise.all([early, late]);

    // Assess
    expect(catalog.asked).toEqual(['old', 'new']);
  });

  it('lets later turns go once an earlier one is released unused', async () => {
    // Prepare
    const catalog = recordingCatalog();
    const skipped = reserveColumnTurn(catalog, DATASET);
    const next = reserveColumnTurn(catalog, DATASET);

    // Act
    const planned = next.plan(Promise.resolve([field('a')]));
    skipped.release();
    await planned;

    // Assess
    expect(catalog.asked).toEqual(['a']);
  });

  it("reports a turn's failed fields to its own landing only, when its turn comes, and never as an unhandled rejection", async () => {
    // Prepare: an earlier turn holds the table while the later one's fields fail.
    const catalog = recordingCatalog();
    const holding = reserveColumnTurn(catalog, DATASET);
    const failing = reserveColumnTurn(catalog, DATASET);
    const after = reserveColumnTurn(catalog, DATASET);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // Act
      const failed = failing.plan(Promise.reject(new Error('schema answered 503')));
      failed.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await holding.plan(Promise.resolve([field('x')]));
      const outcome = await failed.then(
        () => 'planned',
        (error: unknown) => (error as Error).message,
      );
      await after.plan(Promise.resolve([field('y')]));

      // Assess
      expect(outcome).toBe('schema answered 503');
      expect(catalog.asked).toEqual(['x', 'y']);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
