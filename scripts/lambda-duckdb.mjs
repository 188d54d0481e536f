// DuckDB for the Lambda functions, which convert each landed report to Parquet.
//
// `@duckdb/node-api` loads a native binding from a per-platform npm package that
// npm installs for the host only. The functions run on Linux x86_64, whatever
// machine synthesizes the stack, so the Linux x64 binding at the version of
// `@duckdb/node-api` is put in place here, with the JavaScript packages that
// load it, in `.lambda/duckdb/node_modules` (git-ignored):
//
//   node scripts/lambda-duckdb.mjs prepare         at `npm ci` (prepare): may use the registry
//   node scripts/lambda-duckdb.mjs copy <outdir>   at `cdk synth` (bundling): offline, copies the tree
//
// On a Linux x64 host the binding is already in node_modules and is copied; on
// any other (a Mac, Windows, Linux arm64) its tarball is fetched with `npm pack`.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TREE = join(ROOT, '.lambda', 'duckdb', 'node_modules');
const STAMP = join(ROOT, '.lambda', 'duckdb', 'stamp.json');
const BINDING = '@duckdb/node-bindings-linux-x64';

const versionOf = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;

function prepare() {
  const api = join(ROOT, 'node_modules', '@duckdb', 'node-api');
  const bindings = join(ROOT, 'node_modules', '@duckdb', 'node-bindings');
  const wanted = { api: versionOf(api), binding: versionOf(bindings), platform: 'linux-x64' };
  if (existsSync(STAMP) && JSON.stringify(JSON.parse(readFileSync(STAMP, 'utf8'))) === JSON.stringify(wanted)) return;
  rmSync(join(ROOT, '.lambda', 'duckdb'), { recursive: true, force: true });
  mkdirSync(join(TREE, '@duckdb'), { recursive: true });
  cpSync(api, join(TREE, '@duckdb', 'node-api'), { recursive: true });
  cpSync(bindings, join(TREE, '@duckdb', 'node-bindings'), { recursive: true });
  cpSync(join(ROOT, 'node_modules', 'detect-libc'), join(TREE, 'detect-libc'), { recursive: true });
  const target = join(TREE, '@duckdb', 'node-bindings-linux-x64');
  const local = join(ROOT, 'node_modules', '@duckdb', 'node-bindings-linux-x64');
  if (existsSync(local) && versionOf(local) === wanted.binding) {
    cpSync(local, target, { recursive: true });
  } else {
    const work = mkdtempSync(join(tmpdir(), 'lambda-duckdb-'));
    try {
      const tarball = execFileSync('npm', ['pack', `${BINDING}@${wanted.binding}`, '--silent', '--pack-destination', work], {
        encoding: 'utf8',
        shell: process.platform === 'win32',
      }).trim().split('\n').pop();
      mkdirSync(target, { recursive: true });
      execFileSync('tar', ['-xzf', join(work, tarball), '-C', target, '--strip-components=1']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  if (!existsSync(join(target, 'duckdb.node'))) throw new Error(`${BINDING}@${wanted.binding} has no duckdb.node`);
  writeFileSync(STAMP, `${JSON.stringify(wanted)}\n`);
}

function copy(outdir) {
  if (!existsSync(STAMP)) {
    throw new Error('DuckDB for the Lambda functions is not prepared: run `npm ci` (or `node scripts/lambda-duckdb.mjs prepare`) first.');
  }
  cpSync(TREE, join(outdir, 'node_modules'), { recursive: true });
}

const [command, argument] = process.argv.slice(2);
if (command === 'prepare') prepare();
else if (command === 'copy' && argument) copy(argument);
else {
  process.stderr.write('usage: node scripts/lambda-duckdb.mjs prepare | copy <outdir>\n');
  process.exit(2);
}
