// Every detail of the packaging contract (issue #13) that these checks depend on, in one place.
// Where the package's documentation fixes a detail, it is cited; where it does not yet, the
// constant says what the checks assume.
import { fileURLToPath } from 'node:url';

export const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));

/**
 * R 4.x, `glm(admit ~ gre + gpa, family = binomial, data = binary, control = glm.control(epsilon = 1e-14))`
 * on the UCLA admissions data (README "API in one example").
 */
export const REFERENCE_COEFFICIENTS = [-4.949378062622546, 0.002690683595964, 0.754686855962933];
/**
 * Absolute tolerance on the intercept. softlogit matches R to ~1e-14 relative; 1e-9 leaves room for
 * a different summation order (threads, another JS engine) yet fails on any fit that stopped early
 * or ran on the wrong data.
 */
export const INTERCEPT_TOLERANCE = 1e-9;
/** The UCLA admissions data (400 rows: admit, gre, gpa, rank), shipped in the repository's data/. */
export const UCLA_CSV = fileURLToPath(new URL('../../data/binary.csv', import.meta.url));

/**
 * The worker module inside the installed package. With esbuild and Rollup (which do not follow
 * `new Worker(new URL('./worker.js', import.meta.url))`) the user bundles this file as a second
 * entry named WORKER_OUTPUT and passes `new FitWorker({ workerURL })` pointing at it.
 */
export const WORKER_ENTRY_IN_PACKAGE = 'dist/worker/worker.js';
/** The name of the bundled worker next to the app's bundle (the app passes new URL('./worker.js', import.meta.url)). */
export const WORKER_OUTPUT = 'worker.js';

/** Threads asked for on the cross-origin-isolated page. */
export const THREADS = 2;

/**
 * Upper bounds (minified + gzip, bytes) of an app that imports one function, bundled by esbuild for
 * the browser. `fitLogistic` carries the embedded WebAssembly (two modules as base64: one thread and
 * threads) and the fit; a conversion-only app (`softmaxToLogistic`) must drop the WebAssembly and
 * csv-parse and weigh a few KB. The fitLogistic app holds LogisticFit's inference methods too
 * (methods of a class cannot be tree-shaken); it is 44.1 KiB since the kernels are compiled with
 * shrinkLevel 1 (issue #17). A reader, parser or the SQL layer slipping into it would add tens of KiB.
 */
export const SIZE_BOUNDS = {
  fitLogistic: 48 * 1024,
  softmaxToLogistic: 4 * 1024,
};

/** Headless Chromium (Debian's; Playwright downloads no browser of its own here). */
export const CHROMIUM = process.env.SOFTLOGIT_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Longest wait for one page to print its result, and for one Node script. */
export const PAGE_TIMEOUT_MS = 60_000;
export const NODE_TIMEOUT_MS = 60_000;
/** The whole run is stopped (servers, browser, children) after this long. */
export const RUN_TIMEOUT_MS = 12 * 60_000;

/** Bundlers whose build also gets the cross-origin-isolated threads page: the two that follow the library's worker URL and one that takes workerURL (Rollup's path is esbuild's). */
export const THREADED_BUNDLERS = ['vite', 'webpack', 'esbuild'];
