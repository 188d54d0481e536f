import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a Lambda ships: its bundle and the source map beside it. */
export interface BundleSize {
  /** The function's construct path, e.g. `DockerReportsLake/Sync/Sync/Function`. */
  readonly path: string;
  readonly directory: string;
  readonly bundleBytes: number;
  readonly sourceMapBytes: number;
  /** Everything in the asset, unzipped (the bundle and DuckDB's node_modules): Lambda allows 250 MB. */
  readonly assetBytes: number;
}

/**
 * The bundle of every Lambda function of every stack in a cloud assembly
 * (`cdk.out`), found through the asset each function's code comes from.
 * Needs asset metadata, which the CDK CLI turns on.
 */
export function bundleSizes(assemblyDir: string): BundleSize[] {
  const manifest = JSON.parse(readFileSync(join(assemblyDir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const sizes: BundleSize[] = [];
  for (const artifact of Object.values(manifest.artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const template = JSON.parse(readFileSync(join(assemblyDir, artifact.properties.templateFile), 'utf8')) as {
      Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
    };
    for (const resource of Object.values(template.Resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const assetPath = resource.Metadata?.['aws:asset:path'];
      if (!assetPath) throw new Error('A function has no asset metadata: synthesize with the CDK CLI or aws:cdk:enable-asset-metadata.');
      const directory = join(assemblyDir, assetPath);
      const bundle = join(directory, 'index.mjs');
      if (!existsSync(bundle)) throw new Error(`No bundle in ${directory}: was the stack synthesized with bundling?`);
      const map = join(directory, 'index.mjs.map');
      sizes.push({
        path: resource.Metadata?.['aws:cdk:path']?.replace(/\/Resource$/, '') ?? assetPath,
        directory,
        bundleBytes: statSync(bundle).size,
        sourceMapBytes: existsSync(map) ? statSync(map).size : 0,
        assetBytes: folderBytes(directory),
      });
    }
  }
  return sizes.sort((a, b) => a.path.localeCompare(b.path));
}

function folderBytes(directory: string): number {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}

/** `npm run bundle-sizes` (after `cdk synth`): prints each Lambda's bundle size, and its whole asset's. */
function main(assemblyDir: string): void {
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  for (const size of bundleSizes(assemblyDir)) {
    process.stdout.write(
      `${size.path}: ${size.bundleBytes} bytes (${kib(size.bundleBytes)}) index.mjs, ${kib(size.sourceMapBytes)} source map; ` +
        `asset ${mib(size.assetBytes)} unzipped with DuckDB\n`,
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv[2] ?? 'cdk.out');
