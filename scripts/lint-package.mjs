// Checks the package as it would be published (`npm run lint:package`, after `npm run build`):
// 1. @arethetypeswrong/cli on the tarball: every export resolves, with types, for node10, node16
//    (ESM and CJS) and bundlers. The rule cjs-resolves-to-esm is off: `require('softlogit')` loads
//    the ES modules through Node's require(esm) (Node >= 20.19, 22.12), which attw's node16 model
//    predates; the package has no top-level await, which is what require(esm) needs.
// 2. publint --strict on the same files.
// 3. scripts/check-consumer-types.mjs: the .d.ts files type-check without DOM or @types/node.
// The tarball is packed once, without running `prepare` again (dist/ is already built).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (command, args) => spawnSync(command, args, { cwd: root, stdio: 'inherit' }).status === 0;

const dir = mkdtempSync(join(tmpdir(), 'softlogit-pack-'));
try {
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const [{ filename, size, unpackedSize, entryCount }] = JSON.parse(pack.stdout);
  console.log(`tarball ${filename}: ${(size / 1024).toFixed(1)} KiB (${(unpackedSize / 1024).toFixed(1)} KiB unpacked, ${entryCount} files)`);
  const results = {
    attw: run(bin('attw'), [join(dir, filename), '--ignore-rules', 'cjs-resolves-to-esm']),
    publint: run(bin('publint'), ['--strict', '--pack', 'false']),
    types: run(process.execPath, [join(root, 'scripts', 'check-consumer-types.mjs')]),
  };
  const failed = Object.entries(results).filter(([, ok]) => !ok).map(([name]) => name);
  console.log(failed.length === 0 ? 'lint:package: attw, publint and the consumer type-check passed' : `lint:package: failed: ${failed.join(', ')}`);
  process.exitCode = failed.length === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
