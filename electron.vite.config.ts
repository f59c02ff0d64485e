// Desktop shell build: `electron-vite build` writes dist/electron/ —
//   main.js          Electron main (ESM)
//   engine.js        the engine utility process (ESM)
//   parse-worker.js  the ingest parse worker thread, started by engine.js from beside itself
//   preload.cjs      the sandboxed preload (sandboxed preloads must be CommonJS, one file)
// The renderer is built separately (`npm run build:renderer` → dist/renderer) and served by the
// qtw:// protocol in development and packaged builds alike.
//
// Every output, chunks included, lands flat in dist/electron: engine code locates files relative
// to its own module (the parse worker beside it, `../../resources` for the catalogues and
// samples), so a chunk in a subfolder would break those paths.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';

const root = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(root, 'dist/electron');
const src = (p: string) => path.join(root, 'src-main', p);

// Native or runtime-loaded packages stay in node_modules (asar-unpacked where native).
const external = [/^@duckdb\//, 'lzma-native', 'tsx', /^tsx\//, 'ws', 'yauzl', 'fzstd'];

export default defineConfig({
  main: {
    build: {
      outDir: out,
      emptyOutDir: true,
      sourcemap: true,
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          main: src('hosts/electron/main.ts'),
          engine: src('hosts/electron/engine-entry.ts'),
          'parse-worker': src('ingest/pipeline/parse-worker.ts'),
        },
        external,
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: out,
      // main's build ran first into the same folder.
      emptyOutDir: false,
      sourcemap: 'inline',
      externalizeDeps: false,
      rolldownOptions: {
        input: { preload: src('hosts/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
});
