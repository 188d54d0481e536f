import pLimit from 'p-limit';
import type { LakeSink } from '../sinks/lake-sink.js';
import type { ScopedDataset } from '../sources/model.js';
import { tableName } from '../sources/source-specs.js';
import { manifestKey, queryScopeFolder } from './layout.js';
import { parseManifest, type Manifest } from './manifest.js';
import { normalizedNames, pseudonymizedColumns, pseudonymizeWarnings } from './pseudonymized-columns.js';
import { datasetOfTable, lakeTables } from './table-catalog.js';

/**
 * Which landed periods' query copies were written under another
 * pseudonymisation than a run asks for, so that they are rebuilt from their
 * audit files: a column added to the setting is hidden in every period, one
 * taken out is shown again.
 *
 * What a copy holds is in its manifest (`query.pseudonymized`), not in any
 * listing: a run that pseudonymises reads the manifests of the periods it
 * holds (one small GET each, 16 at a time), whichever run wrote them (another
 * CLI, `serve`, a stack). A run that does not is spared those reads unless
 * the scope's folder of the table holds `_pseudonymized.json`, which every
 * pseudonymising run writes before it lands anything and a run without
 * pseudonymisation removes once no copy of the scope is pseudonymised any
 * more. The marker names only columns; it sits beside the partitions, where
 * neither Athena (partition projection) nor DuckDB (`*\/*\/*.parquet`) reads.
 */
export const PSEUDONYMIZED_MARKER = '_pseudonymized.json';

/** Manifests read at once while planning. */
const MANIFEST_READS = 16;

export function pseudonymizedMarkerKey(dataset: ScopedDataset): string {
  return `${queryScopeFolder(dataset)}${PSEUDONYMIZED_MARKER}`;
}

/**
 * Whether a landed period's query copy holds other columns as keyed hashes
 * than `names` would make it hold. A copy of an earlier format is rebuilt
 * anyway, and a copy is compared column by column, so a setting that changes
 * nothing for this period's columns costs no rebuild. (A header cell the
 * schema did not describe is known here only once it was pseudonymised.)
 */
export function pseudonymizationDiffers(manifest: Manifest, names: readonly string[]): boolean {
  if (manifest.query.format !== 'parquet') return false;
  const recorded = normalizedNames(manifest.query.pseudonymized ?? []);
  const columns = manifest.query.columns.map((column) => ({ name: column.column, type: column.type }));
  for (const name of recorded) if (!columns.some((column) => column.name === name)) columns.push({ name, type: 'string' });
  const wanted = normalizedNames(pseudonymizedColumns(columns, names));
  return wanted.length !== recorded.length || wanted.some((name, i) => name !== recorded[i]);
}

/**
 * The periods, among the landed `periods` of one scope's dataset, whose query
 * copy is to be rebuilt for `names` (the run's pseudonymised columns), and the
 * marker brought in step (see {@link PSEUDONYMIZED_MARKER}).
 */
export async function periodsToRepseudonymize(
  sink: LakeSink,
  dataset: ScopedDataset,
  periods: readonly string[],
  names: readonly string[],
  now: () => Date = () => new Date(),
): Promise<Set<string>> {
  const marker = pseudonymizedMarkerKey(dataset);
  if (names.length === 0 && (await sink.read(marker)) === undefined) return new Set();
  const stale = new Set<string>();
  let pseudonymizedCopies = 0;
  const limit = pLimit(MANIFEST_READS);
  await Promise.all(
    periods.map((period) =>
      limit(async () => {
        const text = await sink.read(manifestKey({ ...dataset, period }));
        if (text === undefined) return; // no longer landed
        let manifest: Manifest;
        try {
          manifest = parseManifest(text);
        } catch {
          return; // not a manifest this tool reads: nothing to compare, and not this check's to repair
        }
        if ((manifest.query.pseudonymized ?? []).length > 0) pseudonymizedCopies += 1;
        if (pseudonymizationDiffers(manifest, names)) stale.add(period);
      }),
    ),
  );
  if (names.length > 0) {
    // Written again by every such run: the lake's expiry counts from the last write.
    const body = { columns: normalizedNames(names), updated_at: now().toISOString() };
    await sink.write(marker, `${JSON.stringify(body, null, 2)}\n`, { contentType: 'application/json' });
  } else if (pseudonymizedCopies === 0) {
    await sink.delete(marker);
  }
  return stale;
}

/** Whether one landed period's copy is to be rebuilt for `names` (a queued rebuild, checked again before it runs). */
export async function periodNeedsRepseudonymizing(sink: LakeSink, dataset: ScopedDataset, period: string, names: readonly string[]): Promise<boolean> {
  const text = await sink.read(manifestKey({ ...dataset, period }));
  if (text === undefined) return false;
  try {
    return pseudonymizationDiffers(parseManifest(text), names);
  } catch {
    return false;
  }
}

/** {@link pseudonymizeWarnings} against the tables the lake records (`_table.json`), after a run. */
export async function lakePseudonymizeWarnings(sink: LakeSink, names: readonly string[], option: string): Promise<string[]> {
  const tables = await lakeTables(sink);
  return pseudonymizeWarnings(
    names,
    tables.map((table) => ({ table: tableName(datasetOfTable(table)), columns: table.columns })),
    option,
  );
}
