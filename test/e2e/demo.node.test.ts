/**
 * End to end: build the demo page (examples/web) with Vite, serve the build on 127.0.0.1, and
 * drive Debian's Chromium with Playwright through what a person does: the page fits the UCLA data
 * on load (the intercept of admit ~ gre + gpa is R glm's −4.949378), bad CSV files show a message
 * and leave that result in place, and a 4-class response gets the multinomial table with a
 * reference class that can be changed. Screenshots go to test/e2e/screenshots/ (git-ignored).
 *
 * Node only (it starts a server and a browser); runs in the `node` project of `npm test`.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = process.env.SOFTLOGIT_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const CONFIG = fileURLToPath(new URL('../../examples/web/vite.config.ts', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
/** R 4.2.2 glm(admit ~ gre + gpa, binomial): (Intercept) −4.949378 (test/fixtures/ucla-admissions.json); the page shows 6 significant digits. */
const UCLA_INTERCEPT = -4.9494;
/** Page actions wait at most this long (a fit of 400 rows takes milliseconds; loading the page and worker takes more). */
const STEP_TIMEOUT_MS = 15_000;

let server: PreviewServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function estimate(testid: string): Promise<number> {
  const text = await page.locator(`[data-testid="${testid}"] td[data-col="estimate"]`).textContent({ timeout: STEP_TIMEOUT_MS });
  return Number(text);
}

/** Loads CSV text through the file picker, as a person would. */
async function openFile(name: string, text: string): Promise<void> {
  await page.locator('#file-input').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
}

async function expectMessage(pattern: RegExp): Promise<void> {
  const message = page.getByTestId('message');
  await message.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await expect.poll(() => message.textContent(), { timeout: STEP_TIMEOUT_MS }).toMatch(pattern);
}

describe('demo page (examples/web) in Chromium', () => {
  beforeAll(async () => {
    await build({ configFile: CONFIG, logLevel: 'warn' });
    server = await preview({ configFile: CONFIG, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, open: false } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const { port } = server.httpServer.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 60_000 });
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.httpServer.close(() => resolve()) : resolve()));
  });

  it('fits the UCLA data on load and shows R glm\'s intercept, in both models', async () => {
    expect(await estimate('logistic-row-(Intercept)')).toBeCloseTo(UCLA_INTERCEPT, 4);
    expect(await estimate('logistic-row-gpa')).toBeCloseTo(0.754687, 6);
    // Softmax with reference class 0: w_1 = β.
    expect(await estimate('softmax-row-1-(Intercept)')).toBeCloseTo(UCLA_INTERCEPT, 4);
    await expect.poll(() => page.getByTestId('identity').textContent()).toMatch(/β = w_1 − w_0/);
    expect(await page.getByTestId('logistic-aic').textContent()).toContain('486.34398');
    expect(await page.locator('#plot svg path[data-class="1"]').count()).toBe(1);
    expect(await page.getByTestId('message').isHidden()).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}demo-ucla.png`, fullPage: true });
  });

  it('shows a clear message for a bad CSV and keeps the previous result', async () => {
    const cases: [string, string, RegExp][] = [
      ['non-numeric.csv', 'admit,gre,gpa\n0,380,3.61\n1,abc,3.67\n1,800,4\n0,640,3.19\n', /gre.*abc|abc.*gre/],
      ['no-header.csv', '0,380,3.61\n1,660,3.67\n1,800,4\n', /header/i],
      ['one-class.csv', 'admit,gre,gpa\n1,380,3.61\n1,660,3.67\n1,800,4\n', /admit.*single value.*at least two classes/],
      ['empty.csv', '', /empty/i],
    ];
    for (const [name, text, pattern] of cases) {
      await openFile(name, text);
      await expectMessage(pattern);
      expect(await estimate('logistic-row-(Intercept)')).toBeCloseTo(UCLA_INTERCEPT, 4);
      expect(await page.getByTestId('data-status').textContent()).toContain('UCLA');
      if (name === 'non-numeric.csv') await page.screenshot({ path: `${SCREENSHOTS}demo-bad-csv.png`, fullPage: true });
    }
    expect(await page.getByTestId('message').textContent()).toContain('previous result is still shown');
  });

  it('fits a 4-class response (rank) as a multinomial model and changes its reference class', async () => {
    await page.locator('#load-example').click();
    await page.getByTestId('message').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
    await page.getByTestId('response').selectOption('rank');
    await page.locator('[data-testid="softmax-row-4-(Intercept)"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    expect(await page.getByTestId('reference').locator('option').count()).toBe(4);
    expect(await page.getByTestId('logistic-panel').textContent()).toMatch(/needs exactly 2/);
    expect(await page.locator('#plot svg path[data-class]').count()).toBe(4);
    const againstOne = await estimate('softmax-row-4-(Intercept)');
    await page.getByTestId('reference').selectOption({ label: '4' });
    await page.locator('[data-testid="softmax-row-1-(Intercept)"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    // Changing the reference from 1 to 4 flips the sign of the 4-vs-1 log-odds.
    expect(await estimate('softmax-row-1-(Intercept)')).toBeCloseTo(-againstOne, 4);
    await page.screenshot({ path: `${SCREENSHOTS}demo-multinomial.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
