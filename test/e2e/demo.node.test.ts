/**
 * End to end: build the demo page (examples/web) with Vite, serve the build on 127.0.0.1, and
 * drive Debian's Chromium with Playwright through what a person does:
 * - the page fits the UCLA data on load (R glm's intercept −4.949378, its logLik, BIC, LR test,
 *   Wald intervals and odds ratios); bad CSV files show a message and leave that result in place;
 *   a 4-class response gets the multinomial table with a reference class that can be changed;
 * - a separated file shows the separation warning next to the table, and its Firth button gives
 *   R brglm2's finite estimates; data/housing.csv with Freq as weights gives R's AIC 3498.08;
 *   an ID-like column is left out by default and, ticked, fails with a message naming it and a
 *   "drop" button that brings the fit back; tab-separated and semicolon text pasted in;
 * - keyboard only (Tab to the file control and a predictor, Space, Enter); axe-core finds no
 *   violation on the fitted page, on a desktop and on a 390 × 844 phone, where nothing scrolls
 *   sideways and the plot's text stays at least 10 px;
 * - 1e5- and 1e6-row CSV files (10 columns, ~6 and ~60 MB) load and fit with no main-thread task
 *   over 100 ms (a PerformanceObserver of 'longtask' entries); the load/parse/fit/draw timings
 *   are printed (and written to test/e2e/screenshots/timings.json).
 * Screenshots go to test/e2e/screenshots/ (git-ignored).
 *
 * Node only (it starts a server and a browser); runs in the `node` project of `npm test`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLogisticCSV } from './bigCsv.js';

const CHROMIUM = process.env.SOFTLOGIT_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const CONFIG = fileURLToPath(new URL('../../examples/web/vite.config.ts', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const UCLA_CSV = readFileSync(fileURLToPath(new URL('../../data/binary.csv', import.meta.url)), 'utf8');
const HOUSING_CSV = readFileSync(fileURLToPath(new URL('../../data/housing.csv', import.meta.url)), 'utf8');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * R 4.2.2, glm(admit ~ gre + gpa, binomial, read.csv("data/binary.csv")): coef, logLik, BIC,
 * null − residual deviance on 2 df, confint.default (Wald) and exp(coef); the page shows 6
 * significant digits (intervals 4). The intercept is test/fixtures/ucla-admissions.json's.
 */
const UCLA = {
  intercept: -4.949378, gpa: 0.754687, logLik: '-240.17199', aic: '486.34398', bic: '498.31838',
  lrStatistic: '19.6325', gpaCI: '0.1283 to 1.381', gpaOddsRatio: '2.1269',
};
/** R 4.2.2 / VGAM, multinom(Sat ~ Infl + Type + Cont, weights = Freq, MASS::housing): test/fixtures/housing-weighted-softmax.json (AIC 3498.083866, BIC 3529.957192, logLik −1735.041933, deviance 3470.083866 on 130 df). */
const HOUSING = { aic: '3498.0839', bic: '3529.9572', logLik: '-1735.0419', deviance: '3470.0839 on 130 df' };
/**
 * R 4.2.2: ldose <- rep(0:5, 2); numdead <- c(1, 4, 9, 13, 18, 20, 0, 2, 6, 10, 12, 16);
 * sex <- factor(rep(c("M", "F"), c(6, 6))); glm(cbind(numdead, 20 - numdead) ~ sex + ldose, binomial):
 * AIC 42.86746523, sexM 1.100743363 (the budworm data of ?predict.glm, additive model).
 */
const BUDWORM = { aic: '42.867465', sexM: 1.100743 };
/** test/fixtures/separated-firth.json, case "complete": R brglm2 AS_mean coefficients (Intercept), x1, x2. */
const SEPARATED = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/separated-firth.json', import.meta.url)), 'utf8')) as {
  cases: { name: string; X: number[][]; y: number[]; expected: { coefficients: number[] } }[];
};
/** Page actions on small data wait at most this long (a fit of 400 rows takes milliseconds; the machine is shared). */
const STEP_TIMEOUT_MS = 30_000;
/** A 1e6-row file: reading, parsing and fitting take seconds to a minute on a shared machine. */
const BIG_TIMEOUT_MS = 300_000;
/** The bound: no main-thread task longer than this while a large file loads and fits. */
const LONG_TASK_LIMIT_MS = 100;
/** The plot's smallest text on a phone, in CSS px (it was ~6 px when the SVG was scaled down). */
const MIN_PLOT_TEXT_PX = 10;

let server: PreviewServer;
let browser: Browser;
let page: Page;
let baseUrl: string;
let scratch: string;
const pageErrors: string[] = [];
const timingRows: Record<string, Record<string, number>> = {};

async function estimate(testid: string, p: Page = page): Promise<number> {
  const text = await p.locator(`[data-testid="${testid}"] td[data-col="estimate"]`).textContent({ timeout: STEP_TIMEOUT_MS });
  return Number(text);
}

async function fitCount(p: Page = page): Promise<number> {
  return Number(await p.evaluate(() => document.body.dataset.fitCount ?? '0'));
}

/** Runs `action` and waits until the page has drawn one more fit. */
async function afterFit(action: () => Promise<unknown>, p: Page = page, timeout = STEP_TIMEOUT_MS): Promise<void> {
  const before = await fitCount(p);
  await action();
  await p.waitForFunction((n) => Number(document.body.dataset.fitCount ?? '0') > n, before, { timeout });
}

/** Loads CSV text through the file picker, as a person would. */
async function openFile(name: string, text: string, p: Page = page): Promise<void> {
  await p.locator('#file-input').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
}

async function expectMessage(pattern: RegExp, p: Page = page): Promise<void> {
  const message = p.getByTestId('message');
  await message.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await expect.poll(() => message.textContent(), { timeout: STEP_TIMEOUT_MS }).toMatch(pattern);
}

async function loadExample(p: Page = page): Promise<void> {
  await afterFit(() => p.locator('#load-example').click(), p);
}

/** Violations axe-core finds on the page as it is: rule id and the elements, one string each. */
async function axeViolations(p: Page): Promise<string[]> {
  await p.addScriptTag({ path: AXE });
  const result = await p.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return result.violations.map((v) => `${v.id} (${v.help}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

async function newPage(viewport: { width: number; height: number }, mobile = false): Promise<Page> {
  const context = await browser.newContext({ viewport, ...(mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) });
  const p = await context.newPage();
  p.on('pageerror', (error) => pageErrors.push(error.message));
  await p.goto(baseUrl);
  await p.locator('body[data-ready="true"]').waitFor({ timeout: 60_000 });
  return p;
}

/** Starts recording main-thread long tasks (> 50 ms, the browser's threshold) in window.__longTasks. */
async function recordLongTasks(p: Page): Promise<void> {
  await p.evaluate(() => {
    const w = window as unknown as { __longTasks: { start: number; duration: number }[]; __longTaskObserver?: PerformanceObserver };
    w.__longTasks = [];
    w.__longTaskObserver?.disconnect();
    performance.clearMarks();
    w.__longTaskObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longTasks.push({ start: Math.round(entry.startTime), duration: Math.round(entry.duration) });
    });
    w.__longTaskObserver.observe({ type: 'longtask' });
  });
}

/** Starts recording every text the progress line (rows read, Newton iterations) shows, in window.__statusLog. */
async function recordStatus(p: Page): Promise<void> {
  await p.evaluate(() => {
    const w = window as unknown as { __statusLog: string[]; __statusObserver?: MutationObserver };
    w.__statusLog = [];
    w.__statusObserver?.disconnect();
    const status = document.getElementById('progress-detail')!;
    w.__statusObserver = new MutationObserver(() => w.__statusLog.push(status.textContent ?? ''));
    w.__statusObserver.observe(status, { childList: true, characterData: true, subtree: true });
  });
}

async function longTasks(p: Page): Promise<number[]> {
  return (await longTaskEntries(p)).map((t) => t.duration);
}

/** The long tasks with their start, and the page's marks (one per worker message but progress) to place them. */
async function longTaskEntries(p: Page): Promise<{ start: number; duration: number }[]> {
  return p.evaluate(() => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks.slice());
}

async function messageMarks(p: Page): Promise<string> {
  return p.evaluate(() => performance.getEntriesByType('mark').filter((m) => m.name !== 'demo:progress').map((m) => `${m.name}@${Math.round(m.startTime)}`).join(' '));
}

describe('demo page (examples/web) in Chromium', () => {
  beforeAll(async () => {
    await build({ configFile: CONFIG, logLevel: 'warn' });
    server = await preview({ configFile: CONFIG, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, open: false } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    const { port } = server.httpServer.address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}/`;
    page = await newPage({ width: 1280, height: 1000 });
    mkdirSync(SCREENSHOTS, { recursive: true });
    scratch = mkdtempSync(join(tmpdir(), 'softlogit-e2e-'));
  }, 180_000);

  afterAll(async () => {
    if (Object.keys(timingRows).length > 0) {
      writeFileSync(`${SCREENSHOTS}timings.json`, `${JSON.stringify(timingRows, null, 2)}\n`);
      const ms = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(0).padStart(6));
      console.log([
        'demo page timings (ms): load = file chosen → columns on the page; read+parse = in the worker; design, fit, tables+plot data = in the worker; draw = page scripts (to the frame on screen)',
        ...Object.entries(timingRows).map(([rows, t]) =>
          `${rows.padEnd(26)} load ${ms(t.loadMs)}  read+parse ${ms(t.readMs)}  design ${ms(t.designMs)}  fit ${ms(t.fitMs)}  tables+plot data ${ms(t.summaryMs)}  draw ${ms(t.drawMs)} (${ms(t.drawWallMs)})  longest main-thread task ${ms(t.longestTaskMs)}`),
      ].join('\n'));
    }
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.httpServer.close(() => resolve()) : resolve()));
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('fits the UCLA data on load: R glm\'s estimates, intervals, odds ratios and model statistics', async () => {
    expect(await estimate('logistic-row-(Intercept)')).toBeCloseTo(UCLA.intercept, 4);
    expect(await estimate('logistic-row-gpa')).toBeCloseTo(UCLA.gpa, 6);
    // Softmax with reference class 0: w_1 = β.
    expect(await estimate('softmax-row-1-(Intercept)')).toBeCloseTo(UCLA.intercept, 4);
    const gpa = page.getByTestId('logistic-row-gpa');
    expect(await gpa.locator('td[data-col="ci"]').textContent()).toBe(UCLA.gpaCI);
    expect(await gpa.locator('td[data-col="ratio"]').textContent()).toBe(UCLA.gpaOddsRatio);
    expect(await page.getByTestId('logistic-aic').textContent()).toContain(UCLA.aic);
    expect(await page.getByTestId('logistic-bic').textContent()).toContain(UCLA.bic);
    expect(await page.getByTestId('logistic-loglik').textContent()).toContain(UCLA.logLik);
    expect(await page.getByTestId('logistic-deviance').textContent()).toMatch(/on 397 df/);
    expect(await page.getByTestId('logistic-null-deviance').textContent()).toMatch(/on 399 df/);
    expect(await page.getByTestId('logistic-lr-test').textContent()).toMatch(new RegExp(`${UCLA.lrStatistic}\\d* on 2 df`));
    expect(await page.getByTestId('logistic-pseudo-r2').textContent()).toMatch(/McFadden 0\.03927/);
    // The identity table: β, w₁ − w₀ and ±β/2 side by side.
    await expect.poll(() => page.getByTestId('identity').textContent()).toMatch(/β = w_1 − w_0/);
    expect(Number(await page.locator('[data-testid="identity-row-gpa"] td[data-col="symmetric"]').textContent())).toBeCloseTo(UCLA.gpa / 2, 5);
    expect(await page.getByTestId('summary').textContent()).toMatch(/Coefficients/);
    // Every checkbox says which column it is about.
    for (const name of ['gre', 'gpa', 'rank']) {
      expect(await page.getByRole('checkbox', { name: `use ${name} as predictor`, exact: true }).count()).toBe(1);
      expect(await page.getByRole('checkbox', { name: `treat ${name} as factor`, exact: true }).count()).toBe(1);
    }
    expect(await page.locator('th:empty').count()).toBe(0);
    expect(await page.locator('#preview tbody tr').count()).toBe(5);
    expect(await page.locator('#preview thead th').allTextContents()).toEqual(['admit', 'gre', 'gpa', 'rank']);
    // Copy: the summary lands on the clipboard as it is shown.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    await page.getByTestId('copy-summary').click();
    await expect.poll(() => page.locator('#copy-status').textContent()).toBe('Copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await page.getByTestId('summary').textContent());
    // The plot: one curve (glm's P(admit = 1)) with its band, a legend titled with the response.
    expect(await page.locator('#plot svg path[data-class="1"]').count()).toBe(1);
    expect(await page.locator('#plot svg path[data-band="1"]').count()).toBe(1);
    expect(await page.locator('#plot-legend .legend-title').textContent()).toBe('admit');
    expect(await page.getByTestId('plot-sample-note').textContent()).toMatch(/all 400 rows shown/);
    expect(await page.locator('#plot svg text[data-axis="x"]').textContent()).toBe('gre');
    expect(await page.locator('#plot svg text[data-axis="y"]').textContent()).toBe('P(admit = 1)');
    expect(await page.getByTestId('message').isHidden()).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}demo-ucla.png`, fullPage: true });
  });

  /** 200 rows, gre a distinct number in each but "zzz" in data row 150. */
  const STRAY_WORD_CSV = ['admit,gre,gpa', ...Array.from({ length: 200 }, (_, i) => `${i % 2},${i === 149 ? 'zzz' : 300 + 2 * i},${(2 + i / 100).toFixed(2)}`)].join('\n');

  it('shows a clear message for a bad CSV and keeps the previous result', async () => {
    const cases: [string, string, RegExp][] = [
      ['non-numeric.csv', 'admit,gre,gpa\n0,380,3.61\n1,abc,3.67\n1,800,4\n0,640,3.19\n', /gre.*abc|abc.*gre/],
      // The word sorts after the 50 levels the page is sent: the engine finds it (ColumnInfo.strayText).
      ['stray-word.csv', STRAY_WORD_CSV, /Column gre holds numbers but also "zzz" \(data row 150, line 151 of the file\)/],
      ['no-header.csv', '0,380,3.61\n1,660,3.67\n1,800,4\n', /header/i],
      ['one-class.csv', 'admit,gre,gpa\n1,380,3.61\n1,660,3.67\n1,800,4\n', /admit.*single value.*at least two classes/],
      ['empty.csv', '', /empty/i],
    ];
    for (const [name, text, pattern] of cases) {
      await openFile(name, text);
      await expectMessage(pattern);
      expect(await estimate('logistic-row-(Intercept)')).toBeCloseTo(UCLA.intercept, 4);
      if (name === 'non-numeric.csv') await page.screenshot({ path: `${SCREENSHOTS}demo-bad-csv.png`, fullPage: true });
    }
    expect(await page.getByTestId('message').textContent()).toContain('previous result is still shown');
  });

  it('fits a 4-class response (rank) as a multinomial model and changes its reference class', async () => {
    await loadExample();
    await afterFit(() => page.getByTestId('response').selectOption('rank'));
    await page.locator('[data-testid="softmax-row-4-(Intercept)"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    expect(await page.getByTestId('reference').locator('option').count()).toBe(4);
    expect(await page.getByTestId('logistic-note').textContent()).toMatch(/needs exactly 2/);
    expect(await page.locator('#plot svg path[data-class]').count()).toBe(4);
    const againstOne = await estimate('softmax-row-4-(Intercept)');
    await afterFit(() => page.getByTestId('reference').selectOption({ label: '4' }));
    await page.locator('[data-testid="softmax-row-1-(Intercept)"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    // Changing the reference from 1 to 4 flips the sign of the 4-vs-1 log-odds.
    expect(await estimate('softmax-row-1-(Intercept)')).toBeCloseTo(-againstOne, 4);
    // The symmetric form: every class has a block, and each term's coefficients sum to 0.
    await afterFit(() => page.getByTestId('parameterization').selectOption('symmetric'));
    let interceptSum = 0;
    for (const k of ['1', '2', '3', '4']) interceptSum += await estimate(`softmax-row-${k}-(Intercept)`);
    expect(Math.abs(interceptSum)).toBeLessThan(1e-4);
    await afterFit(() => page.getByTestId('parameterization').selectOption('reference'));
    // Level order: move 4 to the top with the keyboard-operable buttons.
    await page.getByTestId('levels-of').selectOption('rank');
    // With the keyboard: focus stays on the level being moved, so Enter, Enter, Enter takes it to the top.
    await page.getByRole('button', { name: 'Move 4 up' }).focus();
    for (let i = 0; i < 3; i++) await afterFit(() => page.keyboard.press('Enter'));
    expect(await page.locator('#levels li span').first().textContent()).toBe('4');
    // At the top its "up" button is disabled: focus moved to its "down" button.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Move 4 down');
    await page.screenshot({ path: `${SCREENSHOTS}demo-multinomial.png`, fullPage: true });
  });

  it('draws a factor predictor as categories (a point and interval per level), the others held at real values', async () => {
    await loadExample();
    await afterFit(() => page.getByTestId('factor-rank').check());
    expect(await page.getByTestId('formula').textContent()).toContain('factor(rank)');
    await afterFit(() => page.getByTestId('plot-predictor').selectOption('rank'));
    const levels = page.locator('#plot svg g[data-kind="levels"][data-class="1"]');
    expect(await levels.count()).toBe(1);
    expect(await levels.locator('line[data-band="95"]').count()).toBe(4);
    expect(await page.locator('#plot svg text[data-axis="x"]').textContent()).toBe('rank');
    expect(await page.locator('#plot-held').textContent()).toMatch(/gre = 587\.7 \(mean\), gpa = 3\.39 \(mean\)/);
    await page.locator('#plot-panel').screenshot({ path: `${SCREENSHOTS}demo-factor-plot.png` });
  });

  it('warns about separation next to the table, and its Firth button gives R brglm2\'s finite estimates', async () => {
    const complete = SEPARATED.cases.find((c) => c.name === 'complete')!;
    const csv = ['y,x1,x2', ...complete.X.map((row, i) => `${complete.y[i]},${row.join(',')}`)].join('\n');
    await afterFit(() => openFile('separated.csv', csv));
    const warning = page.getByTestId('separation-warning');
    await warning.waitFor({ timeout: STEP_TIMEOUT_MS });
    expect(await warning.textContent()).toMatch(/separat/i);
    await page.screenshot({ path: `${SCREENSHOTS}demo-separation.png`, fullPage: true });
    // The warning, its λ field and buttons are named and reachable like the rest of the page.
    expect(await axeViolations(page)).toEqual([]);
    // Ridge with the λ typed in: finite estimates, and a way back.
    await page.getByTestId('ridge-lambda').fill('0.5');
    await afterFit(() => page.getByTestId('ridge-button').click());
    expect(await page.getByTestId('remedy-note').textContent()).toMatch(/ridge \(λ = 0\.5\)/);
    expect(Math.abs(await estimate('logistic-row-x1'))).toBeLessThan(10);
    await afterFit(() => page.getByTestId('remedy-off').click());
    await page.getByTestId('separation-warning').waitFor({ timeout: STEP_TIMEOUT_MS });
    // Pressed from the keyboard; the button goes away with the new result, focus goes to the results heading.
    await page.getByTestId('firth-button').focus();
    await afterFit(() => page.keyboard.press('Enter'));
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('results-heading');
    const [b0, b1, b2] = complete.expected.coefficients;
    expect(await estimate('logistic-row-(Intercept)')).toBeCloseTo(b0!, 4);
    expect(await estimate('logistic-row-x1')).toBeCloseTo(b1!, 4);
    expect(await estimate('logistic-row-x2')).toBeCloseTo(b2!, 4);
    expect(await page.getByTestId('remedy-note').textContent()).toMatch(/Firth/);
    expect(await page.getByTestId('separation-warning').count()).toBe(0);
  });

  it('fits data/housing.csv with Freq as weights: R multinom\'s AIC 3498.08', async () => {
    await afterFit(() => openFile('housing.csv', HOUSING_CSV));
    await afterFit(() => page.getByTestId('response').selectOption('Sat'));
    await afterFit(() => page.getByTestId('weights').selectOption('Freq'));
    for (const name of ['Infl', 'Type', 'Cont']) {
      const box = page.getByTestId(`predictor-${name}`);
      if (!(await box.isChecked())) await afterFit(() => box.check());
    }
    expect(await page.getByTestId('predictor-Freq').count()).toBe(0);
    expect(await page.getByTestId('softmax-aic').textContent()).toContain(HOUSING.aic);
    expect(await page.getByTestId('softmax-bic').textContent()).toContain(HOUSING.bic);
    expect(await page.getByTestId('softmax-loglik').textContent()).toContain(HOUSING.logLik);
    expect(await page.getByTestId('softmax-deviance').textContent()).toContain(HOUSING.deviance);
    expect(await page.getByTestId('softmax-nobs').textContent()).toMatch(/72 rows standing for 1681 cases/);
    await page.screenshot({ path: `${SCREENSHOTS}demo-housing.png`, fullPage: true });
  });

  it('fits a counts response (one column per class): R glm(cbind(numdead, numalive) ~ sex + ldose)\'s AIC', async () => {
    const dead = [1, 4, 9, 13, 18, 20, 0, 2, 6, 10, 12, 16];
    const csv = ['ldose,sex,numdead,numalive', ...dead.map((d, i) => `${i % 6},${i < 6 ? 'M' : 'F'},${d},${20 - d}`)].join('\n');
    await afterFit(() => openFile('budworm.csv', csv));
    await page.locator('#counts-box summary').click();
    await page.getByTestId('count-numdead').check();
    await afterFit(() => page.getByTestId('count-numalive').check());
    for (const name of ['sex', 'ldose']) {
      const box = page.getByTestId(`predictor-${name}`);
      if (!(await box.isChecked())) await afterFit(() => box.check());
    }
    expect(await page.getByTestId('formula').textContent()).toMatch(/^cbind\(numdead, numalive\) ~ /);
    expect(await page.getByTestId('logistic-aic').textContent()).toContain(BUDWORM.aic);
    expect(Math.abs(await estimate('logistic-row-sexM'))).toBeCloseTo(BUDWORM.sexM, 5);
  });

  it('leaves an ID column out by default, names collinear and ID columns with "drop" buttons, and keeps the data', async () => {
    const lines = ['id,x1,x2,x3,y'];
    for (let i = 0; i < 403; i++) {
      const x1 = ((i * 37) % 101) / 50 - 1;
      const x2 = ((i * 53) % 97) / 48 - 1;
      const y = (i * 7919) % 11 < 5 + 3 * x1 ? 1 : 0;
      // x3 = x1 + x2 exactly (in binary too: both are multiples of 1/2400 well inside 2^53).
      lines.push(`P${String(i).padStart(4, '0')},${x1},${x2},${x1 + x2},${y}`);
    }
    await afterFit(() => openFile('with-id.csv', lines.join('\n')));
    expect(await page.getByTestId('predictor-id').isChecked()).toBe(false);
    expect(await page.getByTestId('predictor-x3').isChecked()).toBe(true);
    // The collinear column is named, with a button that drops it.
    const collinear = page.getByTestId('collinear-warning');
    await collinear.waitFor({ timeout: STEP_TIMEOUT_MS });
    expect(await collinear.textContent()).toMatch(/x3/);
    await page.screenshot({ path: `${SCREENSHOTS}demo-collinear.png`, fullPage: true });
    await afterFit(() => page.getByTestId('drop-aliased').click());
    expect(await page.getByTestId('predictor-x3').isChecked()).toBe(false);
    expect(await page.getByTestId('collinear-warning').count()).toBe(0);
    const before = await estimate('logistic-row-x1');
    // The ID column, ticked: one coefficient per row, so the fit fails (405 coefficients, 403
    // rows) or separates. Either way the page names it, with a button that drops it.
    await page.getByTestId('predictor-id').check();
    const named = page.locator('[data-testid="id-warning"]:visible, [data-testid="message"]:visible').first();
    await named.waitFor({ timeout: STEP_TIMEOUT_MS });
    expect(await named.textContent()).toMatch(/id has 403 distinct values in 403 rows/);
    expect(await page.getByTestId('data-status').textContent()).toContain('with-id.csv');
    await page.screenshot({ path: `${SCREENSHOTS}demo-id-column.png`, fullPage: true });
    await afterFit(() => page.locator('[data-testid="drop-ids"], [data-testid="drop-columns"]').first().click());
    expect(await page.getByTestId('predictor-id').isChecked()).toBe(false);
    expect(await estimate('logistic-row-x1')).toBeCloseTo(before, 6);
    expect(await page.getByTestId('id-warning').count()).toBe(0);
  });

  it('reads tab-separated (spreadsheet) and semicolon (decimal comma) text pasted in', async () => {
    const tabs = UCLA_CSV.replaceAll(',', '\t');
    const semicolons = UCLA_CSV.replaceAll(',', ';').replace(/(\d)\.(\d)/g, '$1,$2');
    await page.locator('#paste-box summary').click();
    for (const [text, kind] of [[tabs, 'tab'], [semicolons, 'semicolon']] as const) {
      await page.locator('#paste-text').fill(text);
      await afterFit(() => page.locator('#paste-load').click());
      expect(await page.getByTestId('data-status').textContent()).toMatch(new RegExp(`400 rows, 4 columns, ${kind}`));
      // Whatever the default model, the same numbers as the comma file: fit admit ~ gre + gpa.
      if (await page.getByTestId('predictor-rank').isChecked()) await afterFit(() => page.getByTestId('predictor-rank').uncheck());
      expect(await estimate('logistic-row-(Intercept)')).toBeCloseTo(UCLA.intercept, 4);
    }
  });

  it('works with the keyboard alone: Tab to the file control and a predictor, Space toggles, Enter refits', async () => {
    await loadExample();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.locator('h1').click();
    const tabTo = async (matches: string): Promise<number> => {
      for (let presses = 1; presses <= 80; presses++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((selector) => document.activeElement?.matches(selector) ?? false, matches)) return presses;
      }
      return -1;
    };
    expect(await tabTo('#file-input')).toBeGreaterThan(0);
    expect(await tabTo('input.predictor[value="gpa"]')).toBeGreaterThan(0);
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).getAttribute('aria-label'))).toBe('use gpa as predictor');
    await afterFit(() => page.keyboard.press('Space'));
    expect(await page.getByTestId('predictor-gpa').isChecked()).toBe(false);
    expect(await page.getByTestId('formula').textContent()).not.toMatch(/gpa/);
    await afterFit(() => page.keyboard.press('Enter'));
    expect(await page.evaluate(() => document.activeElement?.matches('input.predictor[value="gpa"]'))).toBe(true);
    await afterFit(() => page.keyboard.press('Space'));
    expect(await page.getByTestId('formula').textContent()).toMatch(/gpa/);
  });

  it('has no axe-core violations on the fitted page (desktop)', async () => {
    await loadExample();
    // With the closed parts open, so that axe-core sees them too.
    for (const box of ['#preview-box', '#paste-box', '#counts-box']) {
      if (!(await page.locator(box).evaluate((d) => (d as HTMLDetailsElement).open))) await page.locator(`${box} summary`).click();
    }
    expect(await axeViolations(page)).toEqual([]);
  });

  it('fits on a 390 × 844 phone: nothing scrolls sideways, the plot text stays legible, no axe-core violations', async () => {
    const phone = await newPage({ width: 390, height: 844 }, true);
    expect(await estimate('logistic-row-(Intercept)', phone)).toBeCloseTo(UCLA.intercept, 4);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const smallest = await phone.evaluate(() => Math.min(...Array.from(document.querySelectorAll('#plot svg text'), (t) => t.getBoundingClientRect().height)));
    expect(smallest).toBeGreaterThanOrEqual(MIN_PLOT_TEXT_PX);
    expect(await axeViolations(phone)).toEqual([]);
    await phone.screenshot({ path: `${SCREENSHOTS}demo-phone.png`, fullPage: true });
    // A 4-class fit as well: the wider multinomial table scrolls inside its own box.
    await afterFit(() => phone.getByTestId('response').selectOption('rank'), phone);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: `${SCREENSHOTS}demo-phone-multinomial.png`, fullPage: true });
    await phone.context().close();
  });

  for (const nRows of [100_000, 1_000_000]) {
    // One retry: a long task is wall-clock time, and on a shared 2-core machine (load average 7
    // while the suite ran) the OS can preempt the main thread inside a 20 ms task; once in seven
    // runs a 171 ms task was seen that did not come back. A real regression fails both tries.
    it(`loads and fits a ${nRows.toLocaleString('en-US')}-row × 10 CSV file with no main-thread task over ${LONG_TASK_LIMIT_MS} ms`, { timeout: BIG_TIMEOUT_MS + 120_000, retry: 1 }, async () => {
      const path = join(scratch, `big-${nRows}.csv`);
      const bytes = await writeLogisticCSV(path, nRows, 20261203);
      await loadExample();
      await recordLongTasks(page);
      // The observer sees a task this page runs on purpose (so the check below can fail).
      await page.evaluate(() => setTimeout(() => { const t = performance.now(); while (performance.now() - t < 120); }, 0));
      await expect.poll(() => longTasks(page)).toEqual([expect.any(Number)]);
      await recordLongTasks(page);
      await recordStatus(page);
      await afterFit(() => page.locator('#file-input').setInputFiles(path), page, BIG_TIMEOUT_MS);
      const tasks = await longTasks(page);
      // Progress: rows read, then Newton iterations with their deviance.
      const statusLog = await page.evaluate(() => (window as unknown as { __statusLog: string[] }).__statusLog);
      expect(statusLog.some((text) => /^[\d,]+ rows read \([\d.]+ MB of [\d.]+ MB\)/.test(text))).toBe(true);
      expect(statusLog.some((text) => /Newton iteration \d+, deviance [\d.e+]+/.test(text))).toBe(true);
      const timings = await page.getByTestId('timings').evaluate((el) => ({ ...(el as HTMLElement).dataset }));
      const row = Object.fromEntries(Object.entries(timings).filter(([k]) => k !== 'testid').map(([k, v]) => [k, Number(v)]));
      timingRows[`${nRows} rows (${(bytes / 1e6).toFixed(1)} MB)`] = { ...row, longestTaskMs: Math.max(0, ...tasks), longTasks: tasks.length };
      console.log(`demo timings, ${nRows} rows, ${(bytes / 1e6).toFixed(1)} MB:`, JSON.stringify(timingRows[`${nRows} rows (${(bytes / 1e6).toFixed(1)} MB)`]));
      expect(await page.getByTestId('data-status').textContent()).toContain(`${nRows.toLocaleString('en-US')} rows`);
      expect(await page.getByTestId('plot-sample-note').textContent()).toContain(`5,000 of ${nRows.toLocaleString('en-US')} rows shown`);
      expect(await page.locator('#plot svg path[data-class="1"]').count()).toBe(1);
      // The other predictors are held at real values: numbers at their means, the factor at its reference level.
      expect(await page.locator('#plot-held').textContent()).toMatch(/x2 = -?[\d.e-]+ \(mean\).*grp = a \(reference level\)/);
      const over = (await longTaskEntries(page)).filter((t) => t.duration > LONG_TASK_LIMIT_MS);
      expect(over, `long tasks ${JSON.stringify(over)}; messages ${await messageMarks(page)}`).toEqual([]);
      if (nRows === 1_000_000) {
        await page.screenshot({ path: `${SCREENSHOTS}demo-1e6.png`, fullPage: true });
        // Cancel while the file is read: the data and result shown before stay.
        const shownBefore = await estimate('logistic-row-x1');
        await page.locator('#file-input').setInputFiles(path);
        await expect.poll(() => page.getByTestId('status').textContent(), { timeout: STEP_TIMEOUT_MS }).toMatch(/^Reading/);
        await page.getByTestId('cancel').click();
        await expect.poll(() => page.getByTestId('status').textContent(), { timeout: STEP_TIMEOUT_MS }).toMatch(/cancelled/i);
        expect(await page.getByTestId('cancel').isHidden()).toBe(true);
        expect(await estimate('logistic-row-x1')).toBe(shownBefore);
        expect(await page.getByTestId('data-status').textContent()).toContain(`big-${nRows}.csv`);
        // On this many rows a changed control waits for Fit (or Enter) instead of refitting at once.
        const fitsBefore = await fitCount();
        await page.getByTestId('predictor-x8').uncheck();
        await expect.poll(() => page.getByTestId('stale-note').textContent()).toMatch(/press Fit/);
        expect(await fitCount()).toBe(fitsBefore);
        await afterFit(() => page.keyboard.press('Enter'), page, BIG_TIMEOUT_MS);
        expect(await page.getByTestId('formula').textContent()).not.toMatch(/x8/);
        expect(await page.getByTestId('stale-note').textContent()).toBe('');
      }
      rmSync(path, { force: true });
    });
  }

  it('threw no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
