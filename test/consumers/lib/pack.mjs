// The package as a user gets it: `npm pack` (which builds) into a temporary directory, and an
// `npm install` of the tarball into a throwaway project there (offline-friendly: everything it
// needs besides the tarball, csv-parse and @types/node, is in npm's cache after `npm ci`).
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY } from '../config.mjs';
import { run, tail } from './harness.mjs';

/**
 * Packs the repository as `npm publish` would: `npm pack` runs `prepare` (the build) and any
 * `prepack`; with `skipBuild` it packs the existing build (`--ignore-scripts`, after any
 * `prepack`). Returns the
 * tarball's path, its file list and size.
 */
export async function packRepository(tmp, { skipBuild = false } = {}) {
  const dest = join(tmp, 'pack');
  mkdirSync(dest, { recursive: true });
  if (skipBuild) {
    // --ignore-scripts skips prepare (the build) and prepack alike: run a prepack on its own.
    const prepack = await run('npm', ['run', 'prepack', '--if-present'], { cwd: REPOSITORY, timeoutMs: 300_000 });
    if (prepack.code !== 0) throw new Error(`npm run prepack failed:\n${tail(prepack.stdout + prepack.stderr)}`);
  }
  const pack = await run('npm', ['pack', ...(skipBuild ? ['--ignore-scripts'] : []), '--pack-destination', dest], {
    cwd: REPOSITORY, timeoutMs: 300_000,
  });
  if (pack.code !== 0) throw new Error(`npm pack failed:\n${tail(pack.stdout + pack.stderr)}`);
  const name = readdirSync(dest).find((f) => f.endsWith('.tgz'));
  if (name === undefined) throw new Error(`npm pack wrote no tarball into ${dest}:\n${tail(pack.stdout + pack.stderr)}`);
  const tarball = join(dest, name);
  const list = await run('tar', ['-tzf', tarball], { timeoutMs: 30_000 });
  const files = list.stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
  return { tarball, files, size: statSync(tarball).size };
}

/**
 * A project at `dir` ("type": "module") with the tarball installed, and @types/node at the
 * repository's own version (for the TypeScript checks that model a Node consumer).
 */
export async function installConsumer(dir, tarball) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'softlogit-consumer', private: true, type: 'module' }, null, 2)}\n`);
  const typesNode = JSON.parse(readFileSync(join(REPOSITORY, 'node_modules/@types/node/package.json'), 'utf8')).version;
  const install = await run('npm', [
    'install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, `@types/node@${typesNode}`,
  ], { cwd: dir, timeoutMs: 240_000 });
  if (install.code !== 0) throw new Error(`npm install of the tarball failed:\n${tail(install.stdout + install.stderr)}`);
}
