// Vite config of the demo page: `npm run demo:web` builds it into examples/web/dist and serves it.
// The page imports softlogit from src/ (TypeScript) and the UCLA data from data/binary.csv.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repository = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root,
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  // The worker entry uses a top-level await (to find Node's worker_threads), so it must stay a module.
  worker: { format: 'es' },
  server: { fs: { allow: [repository] } },
  preview: { host: '127.0.0.1', port: 4173 },
});
