#!/usr/bin/env node
// The `softlogit` command (package.json "bin"): the CLI is compiled to dist/cli by `npm run build`.
import { main } from '../dist/cli/main.js';

// A closed pipe (`softlogit predict ... | head`) is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
