// Bundles the CLI into ES modules (dist/docker-reports.mjs and its chunks), its npm
// dependencies left as imports. Run by `npm ci` (prepare): the CLI then starts
// without compiling TypeScript on the fly, faster and in less memory.
import { build } from 'esbuild';

await build({
  entryPoints: ['cli/main.ts'],
  outdir: 'dist',
  entryNames: 'docker-reports',
  outExtension: { '.js': '.mjs' },
  // Separate chunks for what only some commands load (DuckDB, the AWS SDK),
  // so a sync into a folder never loads them.
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
