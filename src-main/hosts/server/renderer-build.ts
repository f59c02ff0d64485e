// The built renderer lives in dist/renderer. From a checkout it may not be built yet (a fresh
// `npm install && npm start`): build it once with Vite, which is installed with the dev tools.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../package-root.ts';

export const REPO_ROOT = PACKAGE_ROOT;
export const RENDERER_DIR = path.join(REPO_ROOT, 'dist/renderer');
const RENDERER_SRC = path.join(REPO_ROOT, 'src-renderer');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** True when dist/renderer is missing or older than the renderer's sources (checkouts only). */
export function rendererNeedsBuild(dir = RENDERER_DIR): boolean {
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) return true;
  if (!existsSync(RENDERER_SRC)) return false;
  return newestMtime(RENDERER_SRC) > statSync(index).mtimeMs;
}

export async function ensureRendererBuilt(log: (line: string) => void, dir = RENDERER_DIR): Promise<string> {
  if (!rendererNeedsBuild(dir)) return dir;
  if (!existsSync(path.join(RENDERER_SRC, 'vite.config.ts'))) throw new Error(`${dir}: the UI is not built and its sources are absent`);
  log('building the UI (first run or sources changed) ...');
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new Error(`${dir}: the UI is not built; run \`npm run build:renderer\` (needs the dev dependencies)`);
  }
  await vite.build({ configFile: path.join(RENDERER_SRC, 'vite.config.ts'), logLevel: 'warn' });
  if (!existsSync(path.join(dir, 'index.html'))) throw new Error(`${dir}: the UI build produced no index.html`);
  return dir;
}
