import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../../support/cli-runner.js';
import { tempDir } from '../../support/temp-dir.js';

/** `docker-reports serve` as users run it: the real executable, in a child process. */
describe('docker-reports serve', () => {
  let lake: { path: string; remove: () => Promise<void> };
  let busy: Server;
  let port: number;

  beforeAll(async () => {
    lake = await tempDir('serve-command');
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    port = (busy.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => busy.close(() => resolve()));
    await lake.remove();
  });

  it('exits 2 with one line, no stack trace, when --port is in use', async () => {
    const run = await runCliProcess(['serve', '--lake', lake.path, '--org', 'acme', '--port', String(port)], {});

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `error: port ${port} on 127.0.0.1 is in use (EADDRINUSE): stop what listens there, or choose another with --port (0 picks a free one).\n`,
    );
    expect(run.stdout).toBe('');
  });
});
