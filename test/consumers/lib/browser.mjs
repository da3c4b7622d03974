// Headless Chromium through Playwright: open a page, wait until it has printed its result
// (`<pre id="result">` with JSON, `data-done` on <body>), return the JSON with the page's console.
import { chromium } from 'playwright';
import { CHROMIUM, CHROMIUM_ARGS, PAGE_TIMEOUT_MS } from '../config.mjs';
import { tail } from './harness.mjs';

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Loads `url`; resolves to { result, console } or throws with the page's console and errors. */
export async function runPage(browser, url, timeoutMs = PAGE_TIMEOUT_MS) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const log = [];
  page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => log.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => { if (r.status() >= 400) log.push(`HTTP ${r.status()}: ${r.url()}`); });
  try {
    await page.goto(url, { timeout: timeoutMs });
    try {
      await page.waitForSelector('body[data-done]', { timeout: timeoutMs, state: 'attached' });
    } catch {
      const shown = await page.textContent('#result').catch(() => null);
      throw new Error(`the page printed no result within ${timeoutMs} ms${shown ? ` (it shows ${shown})` : ''}${log.length ? `\nconsole:\n${tail(log.join('\n'))}` : ''}`);
    }
    const text = await page.textContent('#result');
    return { result: JSON.parse(text), console: log };
  } finally {
    await context.close();
  }
}
