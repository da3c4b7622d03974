// Command-line argument parsing on Node's util.parseArgs, with every mistake turned into a
// UsageError: a one-line message, exit code 2, no stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { nearestName } from '../input/optionKeys.js';

/** A mistake in how the command was called (unknown option, missing value, bad choice). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Parsed options (string, string[] or boolean per option) and positional arguments. */
export interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/**
 * Parses `argv` strictly against `options`; wraps parseArgs' own errors (which name the option)
 * as UsageError. An unknown option is named with the nearest known one when it is a likely typo
 * (`--frith` → did you mean '--firth'?).
 */
export function parse(argv: string[], options: OptionSpec, command: string): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
      const unknown = code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /^Unknown option '--([^'=]+)/.exec(message)?.[1] : undefined;
      const suggestion = unknown === undefined ? undefined : nearestName(unknown, Object.keys(options));
      const hint = suggestion === undefined ? '' : `; did you mean '--${suggestion}'?`;
      throw new UsageError(`${message}${hint} (see softlogit ${command} --help)`);
    }
    throw error;
  }
}

/** The value of a string option, or undefined. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  if (Array.isArray(value)) return value.length > 0 ? String(value[value.length - 1]) : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** A boolean flag. */
export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/**
 * A comma-separated list option (may also be repeated): `--predictors gre,gpa --predictors rank`.
 * Empty items are errors.
 */
export function listOption(args: ParsedArgs, name: string): string[] | undefined {
  const raw = args.values[name];
  if (raw === undefined) return undefined;
  const parts = (Array.isArray(raw) ? raw : [raw]).map(String).flatMap((s) => s.split(','));
  const items = parts.map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`--${name} has an empty item in "${parts.join(',')}"; give column names separated by commas`);
  return items;
}

/** A string option restricted to `choices`. */
export function choiceOption<T extends string>(args: ParsedArgs, name: string, choices: readonly T[]): T | undefined {
  const value = stringOption(args, name);
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} should be one of ${choices.join(', ')}, got "${value}"`);
  }
  return value as T;
}

/** A number option within [min, max]. */
export function numberOption(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${name} should be a number in [${min}, ${max === Number.MAX_VALUE ? '∞' : max}], got "${text}"`);
  }
  return value;
}

/** A whole-number option within [min, max]. */
export function integerOption(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} should be a whole number in [${min}, ${max}], got "${text}"`);
  }
  return value;
}

/**
 * `--levels NAME=L1,L2,...` (repeatable) as a map from column name to level list, like R's
 * `factor(NAME, levels = c("L1", "L2", ...))`. A Map, not a record: a column may be named
 * `constructor` or `__proto__`.
 */
export function levelsOption(args: ParsedArgs): Map<string, string[]> | undefined {
  const raw = args.values['levels'];
  if (raw === undefined) return undefined;
  const out = new Map<string, string[]>();
  for (const item of (Array.isArray(raw) ? raw : [raw]).map(String)) {
    const eq = item.indexOf('=');
    const name = item.slice(0, Math.max(0, eq)).trim();
    const levels = item.slice(eq + 1).split(',').map((s) => s.trim());
    if (eq <= 0 || levels.some((s) => s === '')) {
      throw new UsageError(`--levels should look like COLUMN=LEVEL1,LEVEL2,..., got "${item}"`);
    }
    if (out.has(name)) throw new UsageError(`--levels gives the levels of column "${name}" twice`);
    out.set(name, levels);
  }
  return out;
}

/** Exactly the positional arguments `names` describes; the message names what is missing or extra. */
export function positionals(args: ParsedArgs, names: string[], command: string): string[] {
  if (args.positionals.length < names.length) {
    const missing = names.slice(args.positionals.length).join(' and ');
    throw new UsageError(`needs ${missing} (see softlogit ${command} --help)`);
  }
  if (args.positionals.length > names.length) {
    throw new UsageError(
      `takes ${names.join(' and ')}, but got also "${args.positionals.slice(names.length).join(' ')}" (see softlogit ${command} --help)`,
    );
  }
  return args.positionals;
}
