// Two projects run the same test files: `node` (Node 20) and `browser` (Chromium, headless,
// driven by Playwright). Files named `*.node.test.ts` need Node APIs and run only in Node; files
// under test/browser/ need a page (Web Workers, timers on the main thread) and run only in the
// browser. Every other test file runs in both. Both projects write into the one JSON report that
// .ci/run reads.
//
// The browser tests (and the demo's end-to-end test, test/e2e/) need a Chromium on the machine:
// SOFTLOGIT_CHROMIUM, else the first of CHROMIUM_CANDIDATES that exists, else a browser installed
// by `npx playwright install chromium` (SOFTLOGIT_CHROMIUM=none: as if there were none). Without one, `npm test` runs the Node tests and prints one
// line saying the browser tests were skipped and how to run them; with CI=true (.ci/run) a missing
// browser is an error.
import { existsSync } from 'node:fs';
import { defineConfig, type TestProjectConfiguration } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { chromium } from 'playwright';

/** Where Chromium is installed by Debian/Ubuntu packages, Google's package and snap. */
const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];

function findChromium(): string | undefined {
  const given = process.env.SOFTLOGIT_CHROMIUM;
  if (given === 'none') return undefined;
  if (given) {
    if (!existsSync(given)) throw new Error(`SOFTLOGIT_CHROMIUM=${given}: no such file`);
    return given;
  }
  const found = CHROMIUM_CANDIDATES.find((path) => existsSync(path));
  if (found) return found;
  try {
    const downloaded = chromium.executablePath();
    return existsSync(downloaded) ? downloaded : undefined;
  } catch {
    return undefined;
  }
}

const CHROMIUM = findChromium();
const CI = process.env.CI === 'true' || process.env.CI === '1';
if (CHROMIUM === undefined) {
  if (CI) {
    throw new Error(
      `CI=true requires the browser tests, and no Chromium was found (SOFTLOGIT_CHROMIUM=${process.env.SOFTLOGIT_CHROMIUM ?? ''}; looked in ${CHROMIUM_CANDIDATES.join(', ')} and Playwright's browsers)`,
    );
  }
  // Vitest loads this file more than once (in this process and the processes it starts): say it once.
  if (process.env.SOFTLOGIT_SKIP_NOTICE_GIVEN === undefined) {
    process.env.SOFTLOGIT_SKIP_NOTICE_GIVEN = '1';
    console.log(
      'softlogit: browser tests skipped: no Chromium found; install one (Debian: apt-get install chromium, or npx playwright install chromium) or set SOFTLOGIT_CHROMIUM=/path/to/chromium to run them',
    );
  }
} else {
  // The end-to-end test (test/e2e/) launches the same browser.
  process.env.SOFTLOGIT_CHROMIUM = CHROMIUM;
}

const nodeProject: TestProjectConfiguration = {
  extends: true,
  test: {
    name: 'node',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    // Without a browser, the end-to-end test (which drives one) is skipped with the browser project.
    exclude: CHROMIUM === undefined ? ['test/browser/**', 'test/e2e/**'] : ['test/browser/**'],
    globalSetup: ['test/setup/nodeWorker.ts'],
  },
};

export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
    testTimeout: 60_000,
    projects: CHROMIUM === undefined ? [nodeProject] : [
      nodeProject,
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.node.test.ts', 'test/e2e/**'],
          browser: {
            enabled: true,
            headless: true,
            // Chromium's first connection can take over a minute on a loaded 2-core machine (seen
            // once: "Failed to connect to the browser session within the timeout" at the default 30 s).
            connectTimeout: 180_000,
            provider: playwright({
              launchOptions: {
                executablePath: CHROMIUM,
                args: [
                  '--headless',
                  '--no-sandbox',
                  '--disable-gpu',
                  '--disable-quic',
                  '--no-first-run',
                  '--disable-background-networking',
                  '--disable-component-update',
                  '--disable-sync',
                ],
              },
            }),
            instances: [{ browser: 'chromium' }],
            screenshotFailures: false,
          },
        },
      },
    ],
  },
});
