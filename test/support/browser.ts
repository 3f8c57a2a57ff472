/**
 * Headless Chromium for the admin page's browser tests: Debian's `chromium` (installed with
 * apt when missing, like the other servers), driven by playwright-core (no browser download).
 */
import { chromium, type Browser, type Page } from 'playwright-core';
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

/**
 * Milliseconds from the start of navigating `page` to `url` until `ready(arg)` holds in the
 * page (a function, not a string: the admin page's CSP forbids eval)
 * (checked every animation frame): the time until a view is usable, as a user would wait for
 * it. An upper bound: it includes Playwright's round trips to the browser.
 */
export async function timeToReady(page: Page, url: string, ready: (arg: number) => boolean, arg: number): Promise<number> {
  const started = performance.now();
  await page.goto(url);
  await page.waitForFunction(ready, arg, { polling: 'raf', timeout: 60_000 });
  return performance.now() - started;
}

/** Prints a figure a browser test measured (e.g. for bench/README.md): median, min and max of `samples`. */
export function printFigure(id: string, title: string, samples: readonly number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const ms = (n: number) => `${Math.round(n)} ms`;
  console.log(
    `[figure] ${id}: ${ms(sorted[Math.floor(sorted.length / 2)]!)} median (min ${ms(sorted[0]!)}, max ${ms(sorted[sorted.length - 1]!)}, ${sorted.length} runs) ${title}`,
  );
}
