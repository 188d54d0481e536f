import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, readFile, readdir, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConfigError, LakeError, messageOf } from '../errors.js';
import type { LakeObject, LakeSink, LocalCopy, StagedFile, VersionedText } from './lake-sink.js';

/**
 * `.{name}.{host}.{pid}.{random}.partial`: hidden from Athena, DuckDB globs
 * and listings. The host tells whose process the pid is, when several
 * machines share the folder.
 */
const TEMPORARY = /^\.(.+)\.([A-Za-z0-9-]+)\.(\d+)\.[0-9a-f]+\.partial$/;

/** This machine's name as it appears in temporary names. */
const HOST = hostname().replace(/[^A-Za-z0-9-]/g, '-').slice(0, 40) || 'host';

/** Another host's temporary is taken for a leftover only this long after it was last written. */
const FOREIGN_TEMPORARY_MS = 24 * 3_600_000;

/** A swap guard older than this was left by a process that died inside a swap (which takes milliseconds). */
const STALE_SWAP_GUARD_MS = 30_000;

/**
 * A lake in a local folder. Each object is written to a hidden temporary file
 * beside its final name and renamed into place only after the whole body was
 * written, so a reader (or a killed run) never sees half a file.
 */
export class FsSink implements LakeSink {
  readonly root: string;
  readonly remote = false;

  constructor(root: string) {
    this.root = resolve(root);
  }

  get location(): string {
    return this.root;
  }

  uri(key: string): string {
    return this.pathOf(key);
  }

  async write(key: string, body: Readable | string): Promise<void> {
    guardEarlyError(body);
    const temporary = await this.temporaryFor(key);
    try {
      const source = typeof body === 'string' ? Readable.from([Buffer.from(body)]) : body;
      await pipeline(source, createWriteStream(temporary));
      await rename(temporary, this.pathOf(key));
    } catch (error) {
      await rm(temporary, { force: true });
      throw typeof body === 'string' ? this.lakeError(`writing ${key}`, error) : error;
    }
  }

  async read(key: string): Promise<string | undefined> {
    try {
      return await readFile(this.pathOf(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<LakeObject> {
    const folder = this.pathOf(prefix);
    let names: string[];
    try {
      names = await readdir(folder, { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const name of names.sort()) {
      const base = name.slice(name.lastIndexOf(sep) + 1);
      if (TEMPORARY.test(base)) continue;
      const info = await stat(join(folder, name)).catch(() => undefined);
      if (!info?.isFile()) continue;
      yield { key: toKey(relative(this.root, join(folder, name))), size: info.size };
    }
  }

  async folders(prefix: string): Promise<string[]> {
    const entries = await readdir(this.pathOf(prefix), { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  /** Written to a temporary, then linked into place: a link fails if the name exists, atomically, on any local or network file system. */
  async createIfAbsent(key: string, text: string): Promise<string | undefined> {
    const temporary = await this.temporaryFor(key);
    try {
      await writeFile(temporary, text);
      await link(temporary, this.pathOf(key));
      return versionOf(text);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
      throw error;
    } finally {
      await rm(temporary, { force: true });
    }
  }

  async readVersioned(key: string): Promise<VersionedText | undefined> {
    const text = await this.read(key);
    return text === undefined ? undefined : { text, version: versionOf(text) };
  }

  /**
   * The comparison and the rename happen while this process holds the key's
   * swap guard (a directory: creating one is atomic), so two swaps of one
   * version cannot both succeed. A guard held by someone else means a swap is
   * under way: this one loses.
   */
  async replaceIfVersion(key: string, text: string, version: string): Promise<string | undefined> {
    const guard = `${this.pathOf(key)}.swap`;
    if (!(await takeGuard(guard))) return undefined;
    try {
      const current = await this.readVersioned(key);
      if (current?.version !== version) return undefined;
      const temporary = await this.temporaryFor(key);
      try {
        await writeFile(temporary, text);
        await rename(temporary, this.pathOf(key));
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      return versionOf(text);
    } finally {
      await rmdir(guard).catch(() => undefined);
    }
  }

  /** A hidden temporary beside `key`; publishing it links it into place, so it stays readable until discarded. */
  async stage(key: string): Promise<StagedFile> {
    const path = await this.temporaryFor(key);
    return {
      path,
      publish: async (target: string) => {
        // Same folder, same file system: a second name for the same bytes, then an atomic rename over the target.
        const second = await this.temporaryFor(target);
        try {
          await link(path, second).catch(() => copyFile(path, second));
          await rename(second, this.pathOf(target));
        } catch (error) {
          await rm(second, { force: true });
          throw this.lakeError(`writing ${target}`, error);
        }
      },
      discard: () => rm(path, { force: true }),
    };
  }

  async localCopy(key: string): Promise<LocalCopy> {
    return { path: this.pathOf(key), release: async () => undefined };
  }

  /**
   * Creates the lake's folder if needed, and deletes temporaries whose
   * writing process is gone (killed mid-write): this host's whose process no
   * longer runs, another host's only once a day old.
   */
  async prepare(): Promise<number> {
    try {
      await mkdir(this.root, { recursive: true });
    } catch (error) {
      throw new ConfigError(`cannot create the lake folder ${this.root}: ${(error as Error).message}`, { cause: error });
    }
    const names = await readdir(this.root, { recursive: true });
    let removed = 0;
    for (const name of names) {
      const match = TEMPORARY.exec(name.slice(name.lastIndexOf(sep) + 1));
      if (!match) continue;
      const path = join(this.root, name);
      if (match[2] === HOST ? isRunning(Number(match[3])) : !(await olderThan(path, FOREIGN_TEMPORARY_MS))) continue;
      await unlink(path).catch(() => undefined);
      removed += 1;
    }
    return removed;
  }

  /** A new hidden temporary name in the folder of `key` (the folder made if needed). */
  private async temporaryFor(key: string): Promise<string> {
    const target = this.pathOf(key);
    const folder = dirname(target);
    await mkdir(folder, { recursive: true });
    const name = target.slice(folder.length + 1);
    return join(folder, `.${name}.${HOST}.${process.pid}.${randomBytes(4).toString('hex')}.partial`);
  }

  /** The file system's failure, saying that it was the lake's (a full disk is not Docker's fault). */
  private lakeError(what: string, error: unknown): Error {
    return new LakeError(`the lake at ${this.root}: ${what} failed: ${messageOf(error)}`, { cause: error });
  }

  private pathOf(key: string): string {
    const path = resolve(this.root, ...key.split('/'));
    if (path !== this.root && !path.startsWith(this.root + sep)) {
      throw new Error(`refusing a key outside the lake: ${key}`);
    }
    return path;
  }
}

/**
 * A body's error reaches the caller through the pipeline below; this keeps one
 * raised before the pipeline is attached (while the folder is made) from being
 * reported as unhandled.
 */
function guardEarlyError(body: Readable | string): void {
  if (typeof body !== 'string') body.on('error', () => undefined);
}

function toKey(path: string): string {
  return path.split(sep).join('/');
}

function versionOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > ms;
}

/** Creates the guard directory; false when another process holds it (one left by a crash is taken back once stale). */
async function takeGuard(guard: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await mkdir(guard);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // No folder: no object to swap either.
      if (code === 'ENOENT') return false;
      if (code !== 'EEXIST') throw error;
      if (!(await olderThan(guard, STALE_SWAP_GUARD_MS))) return false;
      await rmdir(guard).catch(() => undefined);
    }
  }
  return false;
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
