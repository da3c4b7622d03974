/// <reference types="vite/client" />
// Loading the reference fixtures in test/fixtures/ (format and sources: test/fixtures/README.md).
// `import.meta.glob` is resolved by Vite when the test is transformed, so this works in Node and
// in the browser alike, and no file is read at run time.

/** The `expected` block of a logistic fixture (softlogit's conventions; see the README). */
export interface LogisticExpected {
  names: string[];
  coefficients: number[];
  standardErrors: number[];
  covariance: number[][];
  logLik: number;
  deviance: number;
  nullDeviance: number;
  aic: number;
  bic?: number;
  dfResidual: number;
  dfNull: number;
  nObs: number;
  nParameters: number;
  iterations: number;
}

/** A binary logistic fixture: data, the reference tool's results, and where they come from. */
export interface LogisticFixture {
  name: string;
  description: string;
  source: string;
  command: string;
  versions: Record<string, string>;
  model: 'logistic';
  intercept: boolean;
  /** Firth's bias-reduced fit rather than maximum likelihood. */
  firth?: boolean;
  featureNames: string[];
  X: number[][];
  y?: number[];
  successes?: number[];
  failures?: number[];
  weights?: number[];
  expected: LogisticExpected;
  notes: string;
}

interface AnyFixture {
  name: string;
  model: string;
  firth?: boolean;
}

const modules = import.meta.glob<AnyFixture>('../fixtures/*.json', { eager: true, import: 'default' });

/** Every fixture, keyed by file name (without the folder). */
export const allFixtures: Record<string, AnyFixture> = Object.fromEntries(
  Object.entries(modules).map(([path, fixture]) => [path.replace(/^.*\//, ''), fixture]),
);

/**
 * The maximum-likelihood binary logistic fixtures. Firth fixtures (`firth: true`) are left out:
 * they hold a penalized likelihood's estimates, which fitLogistic does not compute.
 */
export function logisticFixtures(): LogisticFixture[] {
  return Object.values(allFixtures)
    .filter((f) => f.model === 'logistic' && !f.firth)
    .map((f) => f as unknown as LogisticFixture)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** One logistic fixture by its `name`. */
export function logisticFixture(name: string): LogisticFixture {
  const found = logisticFixtures().find((f) => f.name === name);
  if (!found) throw new Error(`no logistic fixture named '${name}' in test/fixtures/`);
  return found;
}

/** The response of a fixture in fitLogistic's form. */
export function fixtureResponse(f: LogisticFixture): number[] | { successes: number[]; failures: number[] } {
  if (f.y) return f.y;
  if (f.successes && f.failures) return { successes: f.successes, failures: f.failures };
  throw new Error(`fixture ${f.name} has neither y nor successes/failures`);
}
