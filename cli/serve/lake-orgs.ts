import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AUDIT_ROOT } from '../../shared/lake/layout.js';

/** The orgs a local lake holds reports of (`enterprise/{type}/{cadence}/org={org}/`). */
export async function orgsInLake(lake: string): Promise<string[]> {
  const orgs = new Set<string>();
  const folders = async (path: string) =>
    (await readdir(path, { withFileTypes: true }).catch(() => [])).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  const root = join(lake, AUDIT_ROOT);
  for (const type of await folders(root)) {
    for (const cadence of await folders(join(root, type))) {
      for (const name of await folders(join(root, type, cadence))) {
        if (name.startsWith('org=')) orgs.add(name.slice('org='.length));
      }
    }
  }
  return [...orgs].sort();
}
