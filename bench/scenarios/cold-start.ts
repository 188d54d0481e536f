import { App } from 'aws-cdk-lib';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
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
      const kb = bundle.bundleBytes / 1000;
      const fits = bundle.bundleBytes < 1_000_000 && initMs < 150;
      rows.push({
        scenario: 'Lambda cold start',
        // e.g. DockerReportsLake/Sync/LandReport/Function -> Sync/LandReport
        contestant: bundle.path.split('/').slice(1, -1).join('/'),
        wallMs: initMs,
        verdict: `${kb.toFixed(0)} kB bundle, init ${initMs.toFixed(0)} ms (targets < 1 MB, < 150 ms) ${fits ? 'met' : 'NOT met'}`,
      });
    }
    return rows;
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}
