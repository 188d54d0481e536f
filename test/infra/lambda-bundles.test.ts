import { App } from 'aws-cdk-lib';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleSizes, type BundleSize } from '../../infra/bundle-sizes.js';
import { parseStackConfig } from '../../infra/config/read-stack-config.js';
import { DockerReportsStack } from '../../infra/docker-reports-stack.js';
import { CDK_FLAGS } from './synth-stack.js';

/**
 * Each bundle must stay below 1 MB (they measure about 0.73 MB). The engine
 * imports zod as `import * as z`: the named import made esbuild keep all of zod,
 * its locales included, about 450 KB more.
 */
const BUNDLE_BUDGET_BYTES = 1_000_000;

const run = async (file: string, args: string[]) => (await promisify(execFile)(file, args, { env: { PATH: process.env.PATH } })).stdout;

let outdir: string;
let sizes: BundleSize[];

beforeAll(() => {
  // The one synthesis that really bundles, with the local esbuild, as `cdk synth` does.
  outdir = mkdtempSync(join(tmpdir(), 'cdk-bundles-'));
  const app = new App({ outdir, context: { ...CDK_FLAGS, 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:enable-path-metadata': true } });
  const config = parseStackConfig({ orgs: ['acme'] });
  new DockerReportsStack(app, config.stackName, { config });
  sizes = bundleSizes(app.synth().directory);
}, 120_000);

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe('Lambda bundles', () => {
  it('bundles every function (the API, the sync, its worker), each below the budget, with a source map beside it', () => {
    // Assess
    expect(sizes.map((s) => s.path)).toEqual([
      'DockerReportsLake/Api/Handler/Function',
      'DockerReportsLake/Sync/LandReport/Function',
      'DockerReportsLake/Sync/Sync/Function',
    ]);
    for (const size of sizes) {
      console.info(`${size.path}: ${size.bundleBytes} bytes (source map ${size.sourceMapBytes} bytes)`);
      expect(size.bundleBytes).toBeLessThan(BUNDLE_BUDGET_BYTES);
      expect(size.sourceMapBytes).toBeGreaterThan(0);
    }
  });

  it('loads in plain Node as an ES module exporting the handler (the createRequire banner lets CommonJS dependencies in)', async () => {
    // Act: a separate Node process, as the Lambda runtime loads it (not through the test runner's transforms).
    const loaded = await Promise.all(
      sizes.map((size) =>
        run(process.execPath, [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(pathToFileURL(join(size.directory, 'index.mjs')).href)}); console.log(typeof m.handler);`,
        ]),
      ),
    );

    // Assess
    expect(loaded.map((out) => out.trim())).toEqual(['function', 'function', 'function']);
  });
});
