import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../../simulator/index.js';
import { BIN, runCliInProcess, runProcess } from '../../support/cli-runner.js';
import { simulatorEnv } from '../../support/engine.js';
import { tempDir } from '../../support/temp-dir.js';

/** `nobody` on most systems: a user that root can become, and that owns nothing here. */
const UNPRIVILEGED = 65_534;
const isRoot = process.getuid?.() === 0;


/**
 * Whether a read-only bind mount can be made in a private mount namespace
 * (root with CAP_SYS_ADMIN, util-linux present): the one way to get EROFS
 * without touching the machine's own mounts.
 */
function canMountReadOnly(folder: string): boolean {
  const probe = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `${READ_ONLY_BIND} && ! touch "$0/probe" 2>/dev/null`, folder]);
  return probe.status === 0;
}

/** In `sh -c`, with the folder as $0: bind it onto itself, read-only (the mount vanishes with the namespace). */
const READ_ONLY_BIND = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0"';

/**
 * A destination folder that exists but cannot be written is a usage error
 * (exit 2) found before any request to Docker, with the OS's own reason.
 * Root is not denied by permission bits, so EACCES is reproduced by running
 * the CLI as an unprivileged user, and EROFS by a read-only bind mount.
 */
describe('docker-reports sync into a folder it cannot write', () => {
  let sim: Simulator;
  let scratch: { path: string; remove: () => Promise<void> };

  beforeAll(async () => {
    sim = await createSimulator({ orgs: ['acme'], days: 1, reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }] });
  });

  afterAll(async () => {
    await sim.close();
  });

  beforeEach(async (context) => {
    sim.stats.reset();
    scratch = await tempDir('sync-destination');
    context.onTestFinished(async () => {
      await chmod(scratch.path, 0o700).catch(() => undefined);
      await scratch.remove();
    });
  });

  const requests = () => sim.stats.token + sim.stats.types + sim.stats.list + sim.stats.schema + sim.stats.download + sim.stats.storage;
  const sync = (dest: string) => ['sync', '--org', 'acme', '--dest', dest];

  it('exits 2 with ENOTDIR when a part of the path is a file', async () => {
    const file = join(scratch.path, 'file');
    await writeFile(file, 'not a folder');
    const dest = join(file, 'lake');

    const result = await runCliInProcess(sync(dest), simulatorEnv(sim));

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: --dest ${dest}: cannot write there (ENOTDIR: not a directory). A part of that path is a file, not a folder: choose another --dest.\n`,
    );
    expect(requests()).toBe(0);
  });

  it('exits 2 with EEXIST when the path is a file', async () => {
    const dest = join(scratch.path, 'file');
    await writeFile(dest, 'not a folder');

    const result = await runCliInProcess(sync(dest), simulatorEnv(sim));

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot write there \(EEXIST: file already exists\)\. That path is a file, not a folder/);
    expect(requests()).toBe(0);
  });

  it(`exits 2 with EACCES when the folder is not writable by this user${isRoot ? ' (run as uid 65534: root ignores permission bits)' : ''}`, async (context) => {
    // Everyone may pass through the scratch folder; the lake folder itself is read and search only.
    await chmod(scratch.path, 0o755);
    const dest = join(scratch.path, 'lake');
    await mkdir(dest, { mode: 0o555 });
    await chmod(dest, 0o555);

    const result = await runProcess([process.execPath, BIN, ...sync(dest)], simulatorEnv(sim), isRoot ? { uid: UNPRIVILEGED } : {}).catch(
      (error: NodeJS.ErrnoException) => error,
    );
    if (result instanceof Error) {
      context.skip(`cannot run the CLI as uid ${UNPRIVILEGED} here (${result.code ?? result.message})`);
      return;
    }

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: --dest ${dest}: cannot write there (EACCES: permission denied). ` +
        'Give this user write permission on the folder, or choose another --dest.\n',
    );
    expect(requests()).toBe(0);
    expect(await readdir(dest)).toEqual([]);
  });

  it('exits 2 with EROFS on a read-only file system', async (context) => {
    const dest = join(scratch.path, 'lake');
    await mkdir(dest);
    if (!isRoot || !canMountReadOnly(dest)) {
      context.skip('a read-only bind mount needs root with CAP_SYS_ADMIN and unshare(1); not available here');
      return;
    }

    const result = await runProcess(
      ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', `${READ_ONLY_BIND} && exec "$@"`, dest, process.execPath, BIN, ...sync(dest)],
      simulatorEnv(sim),
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: --dest ${dest}: cannot write there (EROFS: read-only file system). ` +
        'The folder is on a read-only file system: choose a --dest on a writable one.\n',
    );
    expect(requests()).toBe(0);
  });

  it('creates a missing folder and leaves no probe behind', async () => {
    const dest = join(scratch.path, 'new', 'lake');

    const result = await runCliInProcess(sync(dest), simulatorEnv(sim));

    expect(result.code).toBe(0);
    expect((await readdir(dest)).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});
