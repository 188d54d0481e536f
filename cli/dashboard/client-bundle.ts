import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../shared/errors.js';

let bundled: Promise<string> | undefined;

/**
 * The page's script with Observable Plot (and the d3 parts it uses) from
 * node_modules, bundled by esbuild once per process: nothing is fetched from
 * a CDN, so the dashboard and its report files work offline. Built when first
 * asked, not at install, so it always matches the sources that run.
 */
export function clientBundle(): Promise<string> {
  // A failed build is tried again on the next request, not kept.
  bundled ??= build().catch((error: unknown) => {
    bundled = undefined;
    throw error;
  });
  return bundled;
}

/** The client's entry, beside this file in the sources, or found from the CLI's bundle in dist/. */
function clientEntry(): string {
  for (const candidate of ['./client/main.ts', '../cli/dashboard/client/main.ts']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new ConfigError('the dashboard\'s page script (cli/dashboard/client/main.ts) is missing from this install: reinstall docker-reports.');
}

async function build(): Promise<string> {
  const { build: esbuild } = await import('esbuild');
  const result = await esbuild({
    entryPoints: [clientEntry()],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
