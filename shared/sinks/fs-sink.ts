import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, readFile, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConfigError } from '../errors.js';
import type { LakeObject, LakeSink, LocalCopy, StagedFile } from './lake-sink.js';

/** `.{name}.{pid}.{random}.partial`: hidden from Athena, DuckDB globs and listings. */
const TEMPORARY = /^\.(.+)\.(\d+)\.[0-9a-f]+\.partial$/;

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
      throw error;
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
          throw error;
        }
      },
      discard: () => rm(path, { force: true }),
    };
  }

  async localCopy(key: string): Promise<LocalCopy> {
    return { path: this.pathOf(key), release: async () => undefined };
  }

  /** Creates the lake's folder if needed, and deletes temporaries whose writing process is gone (killed mid-write). */
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
      if (!match || isRunning(Number(match[2]))) continue;
      await unlink(join(this.root, name)).catch(() => undefined);
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
    return join(folder, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.partial`);
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

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
