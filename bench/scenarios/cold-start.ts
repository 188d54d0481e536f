import { App } from 'aws-cdk-lib';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { bundleSizes } from '../../infra/bundle-sizes.js';
import { parseStackConfig } from '../../infra/config/read-stack-config.js';
import { DockerReportsStack } from '../../infra/docker-reports-stack.js';
import { CDK_FLAGS } from '../../test/infra/synth-stack.js';
import { median } from '../support/measure.js';
import type { Row } from '../support/results.js';

/** What the functions' environment holds in the stack, so init code runs as deployed (it makes no AWS call). */
const FUNCTION_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  POWERTOOLS_SERVICE_NAME: 'docker-reports-lake',
  NODE_OPTIONS: '--enable-source-maps',
};

/**
 * Each Lambda bundle, as `cdk synth` builds it: its size, and the time a fresh
 * Node process takes to import it and run its init code (what a cold start
 * adds before the handler runs), median of `rounds` processes.
 */
export async function coldStarts(rounds: number): Promise<Row[]> {
  const outdir = await mkdtemp(join(tmpdir(), 'bench-bundles-'));
  try {
    const app = new App({ outdir, context: { ...CDK_FLAGS, 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:enable-path-metadata': true } });
    const config = parseStackConfig({ orgs: ['acme'] });
    new DockerReportsStack(app, config.stackName, { config });
    const rows: Row[] = [];
    for (const bundle of bundleSizes(app.synth().directory)) {
      const url = pathToFileURL(join(bundle.directory, 'index.mjs')).href;
      const script = `const t = performance.now(); const m = await import(${JSON.stringify(url)}); if (typeof m.handler !== 'function') throw new Error('no handler'); console.log(performance.now() - t);`;
      const times: number[] = [];
      // Round 0 only warms the file cache (the bundle was just written); it is not counted.
      for (let round = -1; round < rounds; round += 1) {
        const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
          env: { PATH: process.env.PATH, ...FUNCTION_ENV },
        });
        if (round >= 0) times.push(Number(stdout.trim()));
      }
      const initMs = median(times);
      const duckdbMs = await duckdbLoad(bundle.directory);
      const kb = bundle.bundleBytes / 1000;
      const fits = bundle.bundleBytes < 1_000_000 && initMs < 150;
      rows.push({
        scenario: 'Lambda cold start',
        // e.g. DockerReportsLake/Sync/LandReport/Function -> Sync/LandReport
        contestant: bundle.path.split('/').slice(1, -1).join('/'),
        wallMs: initMs,
        verdict: `${kb.toFixed(0)} kB bundle, init ${initMs.toFixed(0)} ms (targets < 1 MB, < 150 ms) ${fits ? 'met' : 'NOT met'}`,
        note: `asset ${(bundle.assetBytes / 1_000_000).toFixed(0)} MB unzipped; DuckDB loads at the first conversion, in ${duckdbMs.toFixed(0)} ms`,
      });
    }
    return rows;
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

/**
 * What the first landing of an execution environment adds: importing DuckDB
 * from the asset's node_modules (as the bundle's lazy import does) and
 * opening it. Second run of two: the first only warms the file cache.
 */
async function duckdbLoad(directory: string): Promise<number> {
  const probe = join(directory, 'bench-duckdb-load.mjs');
  await writeFile(
    probe,
    "const t = performance.now(); const { DuckDBInstance } = await import('@duckdb/node-api'); const db = await DuckDBInstance.create(':memory:'); (await db.connect()).closeSync(); console.log(performance.now() - t);",
  );
  try {
    let ms = 0;
    for (let round = 0; round < 2; round += 1) ms = Number((await promisify(execFile)(process.execPath, [probe], { env: { PATH: process.env.PATH } })).stdout.trim());
    return ms;
  } finally {
    await rm(probe, { force: true });
  }
}
