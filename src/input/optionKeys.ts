// The one check every public entry point runs on its options object: each key must be one the
// function supports. A typo ({ weigths }) or an option of another fit type ({ firth } in a softmax
// fit) would otherwise be ignored and the fit would silently be a different model.
import { SoftlogitError } from '../errors.js';

/**
 * How far two names may be apart (edits) for the one to be suggested for the other: catches a
 * dropped, doubled, swapped or mistyped letter or two (weigths, intercep, maxiter). Short names get
 * one edit (see nearestName), so that `xy` does not suggest `l2`.
 */
const SUGGESTION_DISTANCE = 2;

/**
 * Shows a value as it came, so a message tells a string from a number: `'0' (string)`, `0`,
 * `null`, `[array of 3]`, `function`.
 *
 * @example
 * describeValue('0') // => "'0' (string)"
 * describeValue(0)   // => '0'
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}' (string)`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'undefined') return String(value);
  if (typeof value === 'bigint') return `${value}n (bigint)`;
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'function') return 'a function';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

/**
 * Checks that `options` is undefined or a plain object whose every key is in `supported`.
 * `unsupported` lists options that other entry points take but this one cannot honour, each with
 * the reason (shown to the user); a key whose value is `undefined` is checked like any other.
 *
 * @throws {SoftlogitError} `BAD_OPTION` naming the first unknown key and the supported key it is
 *   closest to (within two edits), or the reason an option is not supported here.
 * @example
 * checkOptionKeys({ weigths: [1] }, 'fitLogistic', ['weights', 'intercept'])
 * // throws BAD_OPTION "fitLogistic: unknown option 'weigths'; did you mean 'weights'?"
 */
export function checkOptionKeys(
  options: unknown,
  caller: string,
  supported: readonly string[],
  unsupported: Readonly<Record<string, string>> = {},
): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new SoftlogitError('BAD_OPTION', `${caller}: options should be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (supported.includes(key)) continue;
    if (Object.prototype.hasOwnProperty.call(unsupported, key)) {
      throw new SoftlogitError('BAD_OPTION', `${caller}: option '${key}' is not supported here: ${unsupported[key]}`, { option: key });
    }
    const suggestion = nearestName(key, supported);
    throw new SoftlogitError(
      'BAD_OPTION',
      `${caller}: unknown option '${key}'${suggestion ? `; did you mean '${suggestion}'?` : ''} (supported: ${supported.join(', ')})`,
      suggestion ? { option: key, suggestion } : { option: key },
    );
  }
}

/**
 * The supported keys of an options type `T`, listed once beside the type: the compiler rejects a
 * key that is not in `T` (a typo) and a key of `T` that the list misses (a new option that the
 * check would otherwise refuse), so the list and the interface cannot drift apart.
 *
 * @example
 * interface FooOptions { a?: number; b?: string }
 * const FOO_OPTION_KEYS = optionKeysOf<FooOptions>()(['a', 'b']); // ['a'] alone does not compile
 */
export function optionKeysOf<T>() {
  return <const K extends readonly (keyof T & string)[]>(
    keys: K,
    ...missing: [Exclude<keyof T, K[number]>] extends [never] ? [] : [`missing option key: ${Exclude<keyof T, K[number]> & string}`]
  ): K => {
    void missing;
    return keys;
  };
}

/**
 * The candidate nearest to `name` (case-insensitive edit distance), if it is a likely typo: within
 * one edit for names of up to five letters, SUGGESTION_DISTANCE for longer ones. Used for option
 * keys here and for command-line flags (src/cli/args.ts).
 *
 * @example
 * nearestName('weigths', ['weights', 'offset']) // => 'weights'
 * nearestName('xy', ['l2'])                      // => undefined
 */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  const allowed = Math.min(SUGGESTION_DISTANCE, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = new Array<number>(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = value;
    }
  }
  return d[rows * cols - 1]!;
}
