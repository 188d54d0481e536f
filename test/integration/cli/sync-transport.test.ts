import { createServer as createTcpServer, connect, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../../simulator/index.js';
import { runCliInProcess } from '../../support/cli-runner.js';
import { simulatorEnv } from '../../support/engine.js';
import { LOCAL_S3_CREDENTIALS, startLocalS3, type LocalS3 } from '../../support/local-s3.js';

/** This machine's first address that is not loopback, if it has one. */
function outsideAddress(): string | undefined {
  const all = Object.values(networkInterfaces()).flatMap((entries) => entries ?? []);
  return all.find((entry) => !entry.internal && entry.family === 'IPv4')?.address;
}

/** A TCP relay on `host` to a loopback port: an S3 endpoint reached through an address that is not loopback. */
async function relay(host: string, targetPort: number): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined).on('close', () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(socket);
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** How `sync` treats plain http: refused for Docker beyond loopback, allowed with a warning for an S3 endpoint. */
describe('docker-reports sync over plain http', () => {
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

  beforeEach(() => {
    sim.stats.reset();
  });

  const s3Env = (endpoint: string) => ({
    ...simulatorEnv(sim),
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
  });

  it.each(['DOCKER_API_URL', 'DOCKER_HUB_URL'])('exits 2 before any request when %s is plain http beyond loopback', async (name) => {
    const run = await runCliInProcess(['sync', '--org', 'acme', '--dest', 's3://any-bucket/x'], {
      ...simulatorEnv(sim),
      [name]: 'http://docker.example.test/enterprise-data/v1',
    });

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^error: ${name} must be an https URL: http://docker\\.example\\.test is plain http`));
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(sim.stats.token + sim.stats.types).toBe(0);
  });

  const outside = outsideAddress();
  it.skipIf(outside === undefined)(
    `lands into an S3 endpoint over plain http beyond loopback, with one warning line${outside ? '' : ' (skipped: this machine has no address but loopback)'}`,
    async () => {
      const bucket = await s3.createBucket();
      const lan = await relay(outside!, Number(new URL(s3.endpoint).port));
      try {
        const run = await runCliInProcess(['sync', '--org', 'acme', '--dest', `s3://${bucket}/lake`], s3Env(`http://${outside}:${lan.port}`));

        expect(run.code).toBe(0);
        const warnings = run.stderr.split('\n').filter((line) => line.startsWith('warning:'));
        expect(warnings).toEqual([
          `warning: AWS_ENDPOINT_URL_S3 is plain http to ${outside}:${lan.port}: the reports (personal data) cross the network unencrypted; ` +
            'use https unless that network is trusted.',
        ]);
        expect(run.stdout).toMatch(/^Landed 1 report /);
      } finally {
        await lan.close();
      }
    },
  );

  it('says nothing of an S3 endpoint on loopback', async () => {
    const bucket = await s3.createBucket();

    const run = await runCliInProcess(['sync', '--org', 'acme', '--dest', `s3://${bucket}/lake`], s3Env(s3.endpoint));

    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/warning/i);
  });
});
