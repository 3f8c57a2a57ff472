/**
 * Headless Chromium for the admin page's browser tests: Debian's `chromium` (installed with
 * apt when missing, like the other servers), driven by playwright-core (no browser download).
 */
import { chromium, type Browser } from 'playwright-core';
import { ensurePackage, findExecutable } from './packages.js';

/** The Chromium binary, installing the Debian package when it is missing. */
export function chromiumPath(): Promise<string> {
  return ensurePackage('chromium', () => findExecutable(['/usr/bin/chromium', '/usr/lib/chromium/chromium']));
}

/** Launches headless Chromium. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = await chromiumPath();
  // --no-sandbox: tests run as root in CI containers, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
}
