// The `softlogit` command: dispatch to fit / predict / convert; user errors (bad usage, bad data,
// a fit that cannot be done) print one line and exit 2, never a stack trace.
import { readFileSync } from 'node:fs';
import { SoftlogitError } from '../index.js';
import { UsageError } from './args.js';
import { convertCommand } from './convert.js';
import { fitCommand } from './fit.js';
import type { Output } from './output.js';
import { predictCommand } from './predict.js';

export const USAGE = `Usage: softlogit COMMAND [options]

Exact logistic and multinomial (softmax) regression from CSV files.

Commands:
  fit DATA.csv --response COLUMN [options]   fit a model; print an R-like summary or --json
  predict MODEL.json DATA.csv [--type T]     predictions as CSV (prob, class or link)
  convert MODEL.json --to FORM               coefficients in the reference, symmetric or logistic form

Run softlogit COMMAND --help for a command's options.
Exit status: 0 on success, 2 for bad usage or data (with a one-line message).`;

/** A Map, not a record: `softlogit constructor` must be an unknown command, not Object(). */
const COMMANDS = new Map<string, (argv: string[], io: Output) => Promise<void>>([
  ['fit', fitCommand],
  ['predict', predictCommand],
  ['convert', convertCommand],
]);

/** Exit status for a user error: bad usage or bad data. */
export const EXIT_USAGE = 2;

/**
 * Runs one command line (without `node` and the script) and returns the exit status.
 * @example await main(['fit', 'data/binary.csv', '--response', 'admit'], io) // => 0
 */
export async function main(argv: string[], io: Output = processOutput()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? io.err : io.out)(USAGE + '\n');
    return command === undefined ? EXIT_USAGE : 0;
  }
  if (command === '--version' || command === '-v') {
    io.out(version() + '\n');
    return 0;
  }
  const run = COMMANDS.get(command);
  if (run === undefined) {
    io.err(`softlogit: unknown command "${command}"; commands are ${[...COMMANDS.keys()].join(', ')} (see softlogit --help)\n`);
    return EXIT_USAGE;
  }
  try {
    await run(rest, io);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof SoftlogitError) {
      io.err(`softlogit ${command}: ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

function processOutput(): Output {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
  };
}

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `softlogit ${manifest.version}`;
}
