import { parse } from 'csv-parse';
import { LocalLake } from '../../cli/local-lake-query.js';
import type { Simulator } from '../../simulator/index.js';
import { filesUnder } from './lake-files.js';

/** Rows of a report as the simulator serves it (its CSV records, the header not counted), parsed by csv-parse. */
export async function servedRows(sim: Simulator, ref: { org: string; type: string; cadence: string; date: string }): Promise<number> {
  let rows = 0;
  const parser = sim.reportBody(ref.org, ref.type, ref.cadence, ref.date).pipe(parse({ relax_column_count: true, skip_empty_lines: true, from_line: 2 }));
  for await (const _record of parser) rows += 1;
  return rows;
}

/** Rows per org of one table of a folder lake, as `docker-reports query` (DuckDB over the Parquet copies) counts them. */
export async function lakeRowsByOrg(lakeDir: string, table: string): Promise<Record<string, number>> {
  const lake = await LocalLake.open(lakeDir);
  try {
    const result = await lake.query(`SELECT org, count(*) AS n FROM ${table} GROUP BY org ORDER BY org`);
    return Object.fromEntries(result.rows.map(([org, n]) => [String(org), Number(n)]));
  } finally {
    lake.close();
  }
}

/** Every object under a folder lake's query partitions, grouped by partition folder. */
export async function queryObjectsByPartition(lakeDir: string): Promise<Map<string, string[]>> {
  const partitions = new Map<string, string[]>();
  for (const file of await filesUnder(lakeDir)) {
    if (!file.startsWith('query/') || file.endsWith('/_table.json')) continue;
    const folder = file.slice(0, file.lastIndexOf('/'));
    partitions.set(folder, [...(partitions.get(folder) ?? []), file.slice(folder.length + 1)]);
  }
  return partitions;
}
