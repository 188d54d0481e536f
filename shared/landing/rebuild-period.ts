import { open } from 'node:fs/promises';
import { reserveColumnTurn, type ColumnTurn } from '../lake/columns-in-call-order.js';
import { manifestKey } from '../lake/layout.js';
import { MANIFEST_VERSION, parseManifest } from '../lake/manifest.js';
import type { HeldLease } from '../lease/period-leases.js';
import type { LocalCopy } from '../sinks/lake-sink.js';
import type { PeriodRef } from '../sources/model.js';
import { TOOL } from '../version.js';
import type { LandedPeriod, LandingDeps } from './landing-deps.js';
import { publishPeriod } from './publish-period.js';

export interface RebuildRequest {
  readonly ref: PeriodRef;
  /** Keys the lake holds of the period; the query partition's are replaced by the one new copy. */
  readonly held: readonly string[];
  /** The period's lease, confirmed before the manifest is written. */
  readonly lease?: HeldLease;
  /** Its place in the table's column planning, reserved when the rebuild started. @default one taken now */
  readonly columnTurn?: ColumnTurn;
}

/**
 * Writes a landed period's query copy again from its audit files, with no
 * call to the source: for a lake whose copy is missing (a crashed run) or in
 * an earlier format (gzip JSON Lines, before Parquet). The manifest is
 * rewritten to name the new copy; the period's files stay as they are.
 * Undefined when the period is not landed (any more).
 */
export async function rebuildPeriod(request: RebuildRequest, deps: LandingDeps): Promise<LandedPeriod | undefined> {
  const { ref } = request;
  const text = await deps.sink.read(manifestKey(ref));
  if (text === undefined) return undefined;
  const landed = parseManifest(text);
  const plan = (request.columnTurn ?? reserveColumnTurn(deps.catalog, ref)).plan(Promise.resolve(landed.schema.fields));
  const copies: LocalCopy[] = [];
  try {
    const started = performance.now();
    for (const file of landed.files) copies.push(await deps.sink.localCopy(file.key));
    const files = await Promise.all(copies.map(async (copy, i) => ({ path: copy.path, key: landed.files[i]!.key, gzip: await isGzip(copy.path) })));
    const fetched = performance.now();
    const published = await publishPeriod({
      ref,
      files,
      columns: await plan,
      replacing: false,
      held: request.held,
      lease: request.lease,
      deps,
      manifest: (query) => ({ ...landed, manifest_version: MANIFEST_VERSION, query, tool: { name: TOOL.name, version: TOOL.version } }),
    });
    return { ...published, action: 'rebuilt', timings: { downloadMs: fetched - started, ...published.timings } };
  } finally {
    await Promise.allSettled(copies.map((copy) => copy.release()));
  }
}

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}
