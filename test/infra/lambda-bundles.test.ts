import { App } from 'aws-cdk-lib';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleSizes, type BundleSize } from '../../infra/bundle-sizes.js';
import { parseStackConfig } from '../../infra/config/read-stack-config.js';
import { DUCKDB_MODULE } from '../../infra/constructs/lake-function.js';
import { DockerReportsStack } from '../../infra/docker-reports-stack.js';
import { CDK_FLAGS } from './synth-stack.js';

/**
 * Each bundle must stay below 1 MB (they measure about 0.73 MB). The engine
 * imports zod as `import * as z`: the named import made esbuild keep all of zod,
 * its locales included, about 450 KB more.
 */
const BUNDLE_BUDGET_BYTES = 1_000_000;

const run = async (file: string, args: string[]) => (await promisify(execFile)(file, args, { env: { PATH: process.env.PATH } })).stdout;

/** What scripts/lambda-duckdb.mjs copies beside each bundle: DuckDB's API, its loader, the Linux x64 binding, and the loader's libc check. */
const DUCKDB_FILES = [
  'node_modules/@duckdb/node-api/package.json',
  'node_modules/@duckdb/node-bindings/package.json',
  'node_modules/@duckdb/node-bindings-linux-x64/duckdb.node',
  'node_modules/detect-libc/package.json',
];

/**
 * Run from inside a function's asset, in its own Node process: imports DuckDB
 * as the bundle does (a dynamic import of the bare name, resolved from the
 * asset's folder), turns a CSV into zstd Parquet and reads it back. Prints
 * what it resolved and loaded, and the values, as one JSON line.
 */
const PROBE = `
import { readFileSync } from 'node:fs';
const [csv, parquet, home] = process.argv.slice(2);
const { DuckDBInstance } = await import('@duckdb/node-api');
// As the engine opens it in Lambda: nothing fetched at run time, no home folder of its own.
const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false', home_directory: home });
const db = await instance.connect();
const text = (value) => "'" + value.replace(/'/g, "''") + "'";
await db.run(\`COPY (SELECT * FROM read_csv(\${text(csv)}, header = true, columns = {'repository': 'VARCHAR', 'note': 'VARCHAR', 'pulls': 'BIGINT', 'day': 'DATE'}))
  TO \${text(parquet)} (FORMAT parquet, COMPRESSION zstd)\`);
const rows = (await db.runAndReadAll(\`SELECT repository, note, pulls, day, typeof(pulls) AS pulls_type, typeof(day) AS day_type
  FROM read_parquet(\${text(parquet)}) ORDER BY pulls DESC\`)).getRowObjectsJson();
const codecs = (await db.runAndReadAll(\`SELECT DISTINCT compression FROM parquet_metadata(\${text(parquet)})\`)).getRowObjectsJson().map((row) => row.compression);
db.closeSync();
instance.closeSync();
// The native files this process mapped: which binding was loaded, from where.
const loaded = [...new Set(readFileSync('/proc/self/maps', 'utf8').split('\\n').map((line) => line.split(/\\s+/).pop()).filter((path) => /duckdb\\.(node|so)$/.test(path ?? '')))].sort();
console.log(JSON.stringify({ resolved: import.meta.resolve('@duckdb/node-api'), loaded, rows, codecs }));
`;

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

  it('ships DuckDB beside each bundle, its Linux x64 binding included, and leaves it out of the bundle', () => {
    // Assess
    expect(sizes).toHaveLength(3);
    for (const size of sizes) {
      for (const file of DUCKDB_FILES) expect(existsSync(join(size.directory, file)), `${size.path}: ${file}`).toBe(true);
      expect(statSync(join(size.directory, 'node_modules/@duckdb/node-bindings-linux-x64/duckdb.node')).size).toBeGreaterThan(0);
      const bundle = readFileSync(join(size.directory, 'index.mjs'), 'utf8');
      expect(bundle).toContain(`"${DUCKDB_MODULE}"`);
    }
  });

  // The binding in the assets is Linux x64's: only such a host can load it.
  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    'converts CSV to zstd Parquet with the DuckDB of an asset, in plain Node, as the function would',
    async () => {
      // Prepare
      const asset = sizes.find((size) => size.path.endsWith('/Sync/LandReport/Function'))!.directory;
      const work = mkdtempSync(join(tmpdir(), 'duckdb-probe-'));
      const probe = join(asset, 'duckdb-probe.mjs');
      const csv = join(work, 'report.csv');
      writeFileSync(probe, PROBE);
      writeFileSync(csv, 'repository,note,pulls,day\nacme/web,"hello, world",42,2026-06-16\nacme/db,"line one\nline two",7,2026-06-15\n');

      // Act
      let out: string;
      try {
        out = await run(process.execPath, [probe, csv, join(work, 'report.parquet'), work]);
      } finally {
        rmSync(probe, { force: true });
        rmSync(work, { recursive: true, force: true });
      }

      // Assess
      const result = JSON.parse(out.trim()) as { resolved: string; loaded: string[]; rows: unknown[]; codecs: string[] };
      expect(result.resolved).toBe(pathToFileURL(join(asset, 'node_modules/@duckdb/node-api/lib/index.js')).href);
      expect(result.loaded).toEqual([
        join(asset, 'node_modules/@duckdb/node-bindings-linux-x64/duckdb.node'),
        join(asset, 'node_modules/@duckdb/node-bindings-linux-x64/libduckdb.so'),
      ]);
      expect(result.rows).toEqual([
        { repository: 'acme/web', note: 'hello, world', pulls: '42', day: '2026-06-16', pulls_type: 'BIGINT', day_type: 'DATE' },
        { repository: 'acme/db', note: 'line one\nline two', pulls: '7', day: '2026-06-15', pulls_type: 'BIGINT', day_type: 'DATE' },
      ]);
      expect(result.codecs).toEqual(['ZSTD']);
    },
  );
});
