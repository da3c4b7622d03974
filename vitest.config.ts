// Two projects run the same test files: `node` (Node 20) and `browser` (Debian's Chromium,
// headless, driven by Playwright). Files named `*.node.test.ts` need Node APIs and run only in
// Node; files under test/browser/ need a page (Web Workers, timers on the main thread) and run
// only in the browser. Every other test file runs in both. Both projects write into the one JSON
// report that .ci/run reads.
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';

/** Debian's Chromium; Playwright downloads no browser of its own here. */
const CHROMIUM = process.env.SOFTLOGIT_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**'],
          globalSetup: ['test/setup/nodeWorker.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.node.test.ts', 'test/e2e/**'],
          browser: {
            enabled: true,
            headless: true,
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
