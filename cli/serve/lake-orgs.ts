import { FsSink } from '../../shared/sinks/fs-sink.js';
import { specOf, type SourceId } from '../../shared/sources/index.js';

/** The scopes a local lake holds periods of (`enterprise/{type}/{cadence}/org={org}/`): its orgs, by default. */
export async function scopesInLake(lake: string, source: SourceId = 'enterprise'): Promise<string[]> {
  const sink = new FsSink(lake);
  const { root, scopeKey } = specOf(source);
  const scopes = new Set<string>();
  for (const name of await sink.folders(`${root}/`)) {
    for (const cadence of await sink.folders(`${root}/${name}/`)) {
      for (const folder of await sink.folders(`${root}/${name}/${cadence}/`)) {
        if (folder.startsWith(`${scopeKey}=`)) scopes.add(folder.slice(scopeKey.length + 1));
      }
    }
  }
  return [...scopes].sort();
}
