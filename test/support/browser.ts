import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium (never a browser a test tool downloads): CHROMIUM_PATH,
 * /usr/bin/chromium, or `chromium` on the PATH; undefined when there is none.
 */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].filter((path): path is string => !!path);
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  try {
    return execFileSync('bash', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether browser tests run here. Without a browser they are skipped with a
 * notice, unless REQUIRE_BROWSER=1 (CI), where a missing browser fails them.
 */
export function browserAvailable(suite: string): boolean {
  if (chromiumPath()) return true;
  const message = `${suite}: no Chromium found (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`${message}, and REQUIRE_BROWSER=1 requires one.`);
  process.stderr.write(`\nSKIPPED ${message}: these browser tests did not run.\n`);
  return false;
}

export interface TestBrowser {
  readonly browser: Browser;
  close(): Promise<void>;
}

/**
 * Headless Chromium with no background traffic (this machine's network is
 * closed). Playwright gives each launch a fresh profile folder of its own (it
 * refuses a --user-data-dir argument) and removes it on close.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath()!,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}
