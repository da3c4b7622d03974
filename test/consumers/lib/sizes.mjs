// Bundle sizes of apps that import one function, as esbuild builds them for a browser
// (minified, ESM), gzipped at level 9.
import { copyFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { SIZE_BOUNDS } from '../config.mjs';

const FIXTURES = new URL('../fixtures/size/', import.meta.url);
/** The start of every WebAssembly binary, "\0asm", as base64: found in a bundle that embeds one. */
const WASM_MAGIC_BASE64 = 'AGFzbQ';

export const SIZE_APPS = {
  fitLogistic: { file: 'fit-logistic.js', wasm: true },
  softmaxToLogistic: { file: 'softmax-to-logistic.js', wasm: false },
};

export async function measure(project, name) {
  const esbuild = await import('esbuild');
  const app = SIZE_APPS[name];
  // Inside the consumer project, so that 'softlogit' resolves to the installed tarball.
  const dir = join(project, 'size');
  mkdirSync(dir, { recursive: true });
  copyFileSync(new URL(app.file, FIXTURES), join(dir, app.file));
  const result = await esbuild.build({
    entryPoints: [join(dir, app.file)],
    absWorkingDir: project,
    bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, metafile: true, logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const text = new TextDecoder().decode(code);
  // The modules that put code into the bundle (metafile.inputs also lists modules read and dropped).
  const [output] = Object.values(result.metafile.outputs);
  const inputs = Object.entries(output.inputs).filter(([, input]) => input.bytesInOutput > 0).map(([path]) => path);
  return {
    minified: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    hasWasm: text.includes(WASM_MAGIC_BASE64),
    csvParse: inputs.some((p) => p.includes('node_modules/csv-parse/')),
    modules: inputs.length,
    bound: SIZE_BOUNDS[name],
    expectWasm: app.wasm,
  };
}
