// TypeScript consumers of the installed package, one directory per setup (its own package.json
// "type" and tsconfig), checked with the repository's pinned tsc. skipLibCheck is off: the
// package's .d.ts files must compile in the consumer's setup, not only its own.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY } from '../config.mjs';
import { run, tail } from './harness.mjs';

const FIXTURES = new URL('../fixtures/ts/', import.meta.url);
const TSC = join(REPOSITORY, 'node_modules', 'typescript', 'lib', 'tsc.js');

const NODE_LIB = { lib: ['es2022'], types: ['node'] };

/**
 * name → package.json "type", compilerOptions, and the consumer files it compiles. `expectError`
 * marks the one setup that cannot work and must fail with that error: TypeScript's node16 models
 * Node 16, which cannot require an ES module (README, "Install and run").
 */
export const TS_SETUPS = {
  'node16, ESM package': { type: 'module', options: { module: 'node16', ...NODE_LIB }, files: ['main.ts', 'worker.ts'] },
  'node16, CJS package (TS1479, as documented)': {
    type: 'commonjs', options: { module: 'node16', ...NODE_LIB }, files: ['main.ts', 'worker.ts'], expectError: 'error TS1479',
  },
  'nodenext, ESM package': { type: 'module', options: { module: 'nodenext', ...NODE_LIB }, files: ['main.ts', 'worker.ts'] },
  'nodenext, CJS package': { type: 'commonjs', options: { module: 'nodenext', ...NODE_LIB }, files: ['main.ts', 'worker.ts'] },
  'moduleResolution bundler (DOM)': {
    type: 'module', options: { module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom', 'dom.iterable'], types: [] }, files: ['main.ts', 'worker.ts'],
  },
  'lib es2022 only, no @types/node: softlogit': {
    type: 'module', options: { module: 'esnext', moduleResolution: 'bundler', lib: ['es2022'], types: [] }, files: ['main.ts'],
  },
  'lib es2022 only, no @types/node: softlogit/worker': {
    type: 'module', options: { module: 'esnext', moduleResolution: 'bundler', lib: ['es2022'], types: [] }, files: ['worker.ts'],
  },
};

/** Type-checks one setup inside `project` (which has the tarball installed); throws tsc's errors. */
export async function typecheck(project, name) {
  const setup = TS_SETUPS[name];
  const dir = join(project, 'ts', name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'ts-consumer', private: true, type: setup.type }, null, 2)}\n`);
  const tsconfig = {
    compilerOptions: { target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, esModuleInterop: true, ...setup.options },
    files: setup.files,
  };
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  for (const file of setup.files) copyFileSync(new URL(file, FIXTURES), join(dir, file));
  const result = await run(process.execPath, [TSC, '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: dir, timeoutMs: 120_000 });
  const output = result.stdout + result.stderr;
  if (setup.expectError !== undefined) {
    const others = output.split('\n').filter((line) => /error TS\d+/.test(line) && !line.includes(setup.expectError));
    if (result.code === 0 || !output.includes(setup.expectError) || others.length > 0) {
      throw new Error(`expected tsc to fail with ${setup.expectError} only, got exit ${result.code}:\n${tail(output, 8)}`);
    }
    return `fails with ${setup.expectError}, as documented`;
  }
  if (result.code !== 0) throw new Error(`tsc reports errors:\n${tail(output, 8)}`);
  return `${setup.files.join(' + ')}: ${JSON.stringify(setup.options)}`;
}
