import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../../simulator/index.js';
import { runCliProcess } from '../../support/cli-runner.js';
import { simulatorEnv } from '../../support/engine.js';
import { LOCAL_S3_CREDENTIALS, startLocalS3, type LocalS3 } from '../../support/local-s3.js';

/** The executable's entry, in a child process: what users see on stderr around a run. */
describe('docker-reports (bin)', () => {
  let sim: Simulator;
  let s3: LocalS3;

  beforeAll(async () => {
    sim = await createSimulator({ orgs: ['acme'], days: 1, reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }] });
    s3 = await startLocalS3();
  });

  afterAll(async () => {
    await sim.close();
    await s3.close();
  });

  it(`prints no AWS SDK Node-version warning on an S3 run, and still prints other warnings (Node ${process.version})`, async () => {
    const bucket = await s3.createBucket();
    const other = `test-warning-${process.pid}`;

    const run = await runCliProcess(['sync', '--org', 'acme', '--dest', `s3://${bucket}/lake`], {
      ...simulatorEnv(sim),
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
      // A warning of someone else's, raised once the run is over: it must still reach stderr.
      NODE_OPTIONS: `--import=data:text/javascript,process.once('beforeExit',()=>process.emitWarning('${other}'))`,
    });

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Landed 1 report /);
    expect(run.stderr).not.toMatch(/NodeVersionSupportWarning|AWS SDK for JavaScript/);
    expect(run.stderr).toContain(`Warning: ${other}`);
  });
});
