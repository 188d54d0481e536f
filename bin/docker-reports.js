#!/usr/bin/env node
// Runs the CLI from the bundle `npm ci` builds (scripts/build-cli.mjs). When a
// source file is newer than the bundle (someone is editing the code), or there
// is no bundle, it runs the TypeScript sources directly through tsx instead.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}dist/docker-reports.mjs`;

function newestSource() {
  let newest = 0;
  for (const folder of ['cli', 'shared', 'simulator']) {
    for (const name of readdirSync(`${root}${folder}`, { recursive: true })) {
      if (name.endsWith('.ts')) newest = Math.max(newest, statSync(`${root}${folder}/${name}`).mtimeMs);
    }
  }
  return newest;
}

if (existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource()) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
