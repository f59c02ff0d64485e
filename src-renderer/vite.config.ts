// One web app for both hosts: Electron loads it from a custom protocol, `qtw serve` over HTTP.
// Relative asset paths (base './') work under both; nothing is fetched from outside the bundle.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: path.resolve(here, '../dist/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    // Monaco alone is several MB; the warning would only be noise.
    chunkSizeWarningLimit: 8000,
    // Inline data: URLs for assets would need a wider CSP for fonts; keep files.
    assetsInlineLimit: 0,
  },
  worker: { format: 'es' },
  resolve: {
    alias: {
      'monaco-codicons': path.resolve(here, '../node_modules/monaco-editor/esm/vs/base/browser/ui/codicons/codicon'),
    },
  },
});
