import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import pLimit from 'p-limit';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How much of the machine the query-copy conversions may use. */
export interface DuckDbSettings {
  /** Threads per conversion. @default 2 */
  readonly threads?: number;
  /** DuckDB's buffer memory (its working set; the process needs about 100 MB more). @default '128MB' */
  readonly memoryLimit?: string;
  /**
   * Rows per Parquet row group: the writer holds one per thread in memory,
   * and Athena reads larger ones a little faster. @default 30 000
   */
  readonly rowGroupSize?: number;
  /** Where DuckDB spills what does not fit its memory. @default the system's temporary folder */
  readonly tempDirectory?: string;
}

/**
 * Measured on 2 cores with a 300 MB report (README, Performance): 2 threads
 * and 128 MB convert it in about 1.5 s with the CLI's peak RSS near 210 MiB;
 * 60 000-row groups are 15% faster but cross 256 MiB.
 */
export const DEFAULT_DUCKDB_SETTINGS = { threads: 2, memoryLimit: '128MB', rowGroupSize: 30_000 } as const;

/**
 * Into S3 the audit upload runs beside the conversion: one thread and 96 MB
 * landed a 300 MB report as fast as the defaults (about 6.5 s against local
 * S3) with a peak RSS near 260 MiB instead of 320.
 */
export const LEAN_DUCKDB_SETTINGS: DuckDbSettings = { threads: 1, memoryLimit: '96MB' };

/**
 * One embedded DuckDB for the process, loaded on first use (a sync into a
 * folder pays for the native library only once it converts something, and a
 * Lambda's init never does), running one statement at a time: a conversion
 * gets every thread and the whole memory budget, and memory stays bounded
 * however many reports land at once.
 */
export class DuckDbEngine {
  private opened: Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> | undefined;
  private readonly queue = pLimit(1);

  readonly rowGroupSize: number;

  constructor(private readonly settings: DuckDbSettings = {}) {
    this.rowGroupSize = settings.rowGroupSize ?? DEFAULT_DUCKDB_SETTINGS.rowGroupSize;
  }

  /** Runs `work` with the connection, after every statement queued before it. */
  run<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.queue(async () => work((await this.open()).connection));
  }

  /** Closes DuckDB once every statement queued before has finished: closing under a running statement would crash the process. */
  async close(): Promise<void> {
    await this.queue(async () => undefined);
    const opened = this.opened;
    this.opened = undefined;
    if (!opened) return;
    const { instance, connection } = await opened.catch(() => ({ instance: undefined, connection: undefined }));
    connection?.closeSync();
    instance?.closeSync();
  }

  private open() {
    this.opened ??= (async () => {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const temp = this.settings.tempDirectory ?? tmpdir();
      const instance = await DuckDBInstance.create(':memory:', {
        threads: String(this.settings.threads ?? DEFAULT_DUCKDB_SETTINGS.threads),
        memory_limit: this.settings.memoryLimit ?? DEFAULT_DUCKDB_SETTINGS.memoryLimit,
        temp_directory: join(temp, 'duckdb-spill'),
        // Extensions are built in; nothing is fetched at run time (no network in Lambda, none needed).
        autoinstall_known_extensions: 'false',
        autoload_known_extensions: 'false',
        // DuckDB looks for ~/.duckdb otherwise, and a Lambda has no writable home.
        home_directory: temp,
        // Row order is not part of a table's meaning; keeping it costs twice the time and more memory.
        preserve_insertion_order: 'false',
      });
      const connection = await instance.connect();
      // Timestamps with an offset are converted to UTC, whatever the host's zone.
      await connection.run("SET TimeZone = 'UTC'");
      return { instance, connection };
    })();
    return this.opened;
  }
}
