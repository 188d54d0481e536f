import type { ListedPeriod, PeriodRef, ScopedDataset } from '../sources/model.js';
import type { LakeObject, LakeSink } from '../sinks/lake-sink.js';
import { auditScopeFolder, MANIFEST_FILE, parsePeriodFileKey, periodFolderName, queryObjectKey, queryScopeFolder } from './layout.js';

/** What the lake holds of one period, from listings alone (no object is read). */
export interface Holding {
  /** A manifest exists: the period is landed. */
  readonly landed: boolean;
  /** The audit files, in key order; their sizes equal the listed sizes they were verified against. */
  readonly files: readonly LakeObject[];
  /** Everything in the period's query partition. */
  readonly query: readonly LakeObject[];
}

/**
 * What the lake holds of one scope's dataset, by period, from two listings:
 * the audit folder (manifests, files) and the query partitions.
 */
export async function readHoldings(sink: LakeSink, dataset: ScopedDataset, onlyPeriod?: string): Promise<Map<string, Holding>> {
  const found = new Map<string, { landed: boolean; files: LakeObject[]; query: LakeObject[] }>();
  const entry = (period: string) => {
    let held = found.get(period);
    if (!held) {
      held = { landed: false, files: [], query: [] };
      found.set(period, held);
    }
    return held;
  };
  const scan = async (folder: string, onFile: (period: string, file: string, object: LakeObject) => void) => {
    const prefix = onlyPeriod ? `${folder}${periodFolderName(dataset.source, onlyPeriod)}` : folder;
    for await (const object of sink.list(prefix)) {
      const parsed = parsePeriodFileKey(dataset.source, object.key.slice(folder.length));
      if (parsed) onFile(parsed.period, parsed.file, object);
    }
  };
  await Promise.all([
    scan(auditScopeFolder(dataset), (period, file, object) => {
      if (file === MANIFEST_FILE) entry(period).landed = true;
      else entry(period).files.push(object);
    }),
    scan(queryScopeFolder(dataset), (period, _file, object) => {
      entry(period).query.push(object);
    }),
  ]);
  return found;
}

/** What the lake holds of one period right now. */
export async function readHolding(sink: LakeSink, ref: PeriodRef): Promise<Holding | undefined> {
  return (await readHoldings(sink, ref, ref.period)).get(ref.period);
}

/** What a sync does with a listed period, given what the lake holds of it. */
export function decide(listed: ListedPeriod, holding: Holding | undefined): 'land' | 'replace' | 'skip' {
  if (!holding?.landed) return 'land';
  const held = holding.files.map((file) => file.size).sort((a, b) => a - b);
  const wanted = listed.files.map((file) => file.sizeBytes).sort((a, b) => a - b);
  return held.length === wanted.length && held.every((size, i) => size === wanted[i]) ? 'skip' : 'replace';
}

/**
 * A landed period whose query partition holds anything but its one query
 * object (none yet, an earlier format's copy, a crashed run's leftover) has
 * its copy rebuilt from the audit files.
 */
export function needsRebuild(ref: PeriodRef, holding: Holding, extension: string): boolean {
  const wanted = queryObjectKey(ref, extension);
  return holding.landed && !(holding.query.length === 1 && holding.query[0]!.key === wanted);
}

/** Every key the lake holds of a period except its manifest: what a new landing may leave behind. */
export function heldKeys(holding: Holding | undefined): string[] {
  return holding ? [...holding.files, ...holding.query].map((object) => object.key) : [];
}
